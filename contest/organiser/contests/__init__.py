"""The console's contests (organiser.contests.*)."""
from .views import bp

__all__ = ["bp"]
