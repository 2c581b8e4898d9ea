"""The service layer's write intent: a verb that changes the database says so,
and its unit of work begins as a write (see contest/database.py)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from ..database import begin_write
from ..extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def writes(func: Callable[P, R]) -> Callable[P, R]:
    """Begin the session's transaction as a write before `func` reads what it will change."""
    @wraps(func)
    def in_a_write(*args: P.args, **kwargs: P.kwargs) -> R:
        begin_write(db.session())   # the scoped session's own Session
        return func(*args, **kwargs)
    return in_a_write
