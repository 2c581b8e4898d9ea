"""Coarse gates for views: a permission predicate from contest/policies.py
turned into a login redirect (401) or a 403."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from .extensions import login_manager


def require(check):
    """Coarse gate: 401 for anonymous users (login redirect), 403 for the rest."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
