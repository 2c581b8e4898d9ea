"""The console's exports (organiser.exports.*)."""
from .views import bp

__all__ = ["bp"]
