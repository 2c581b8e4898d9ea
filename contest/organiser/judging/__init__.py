"""The console's judging (organiser.judging.*)."""
from .views import bp

__all__ = ["bp"]
