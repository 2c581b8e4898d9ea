"""The console's exports (organiser.exports.*): files and the 获奖证书."""
from . import certificates  # noqa: F401  (its routes join the blueprint)
from .views import bp

__all__ = ["bp"]
