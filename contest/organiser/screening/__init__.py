"""The console's screening (organiser.screening.*)."""
from .views import bp

__all__ = ["bp"]
