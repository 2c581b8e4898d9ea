"""Writing the audit trail. Raw IPs are never stored, only a salted hash."""
from __future__ import annotations

import hmac

from flask import current_app, has_request_context, request

from ..extensions import db
from ..models import AuditEvent, User
from .unit_of_work import writes


def request_ip() -> str | None:
    """The client's address when a request is being served (ProxyFix has
    already put the real one in place behind nginx)."""
    return request.remote_addr if has_request_context() else None


def hash_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    return hmac.digest(current_app.config["IP_HASH_SALT"].encode(), ip.encode(), "sha256").hex()


@writes
def record(
    actor: User | None,
    action: str,
    obj: object | None = None,
    *,
    details: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) is not None else None,
        details=details or {},
        # Every privileged action carries where it came from, hashed.
        ip_hash=hash_ip(ip or request_ip()),
    )
    db.session.add(event)
    db.session.flush()
    return event
