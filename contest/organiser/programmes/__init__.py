"""The console's programmes (organiser.programmes.*)."""
from .views import bp

__all__ = ["bp"]
