"""Business rules as verb functions. They take plain values and model objects,
never `request`; they flush, the view commits."""
