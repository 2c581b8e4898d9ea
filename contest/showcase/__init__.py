"""The public side of results: the 公示 page with objections, and the showcase of published winners."""
