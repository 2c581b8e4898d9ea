"""One aggregate per module; importing this package registers every model."""
from .accounts import ROLES, RoleGrant, Unit, User
from .audit import AuditEvent
from .contests import ENTRY_KINDS, Category, Contest, Programme

__all__ = [
    "ROLES", "RoleGrant", "Unit", "User", "AuditEvent",
    "ENTRY_KINDS", "Category", "Contest", "Programme",
]
