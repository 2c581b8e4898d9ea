"""The console's votes (organiser.votes.*)."""
from .views import bp

__all__ = ["bp"]
