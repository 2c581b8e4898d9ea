"""The console's people (organiser.people.*): the judges' pool (评委库)."""
from .views import bp

__all__ = ["bp"]
