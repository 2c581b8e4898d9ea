"""The console's results (organiser.results.*)."""
from .views import bp

__all__ = ["bp"]
