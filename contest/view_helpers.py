"""View plumbing shared by the blueprints: load an object for the current
user (404 or 403), and one-button actions committed as one unit of work."""
from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm

from .extensions import db
from .forms_common import ConfirmForm, saving

T = TypeVar("T")


def load(model: type[T], ident: Any, check: Callable[[Any, Any], bool] | None = None, *,
         via: str | None = None, within: Any = None, visible: Callable[[Any, Any], bool] | None = None) -> T:
    """The `model` row `ident`, or 404 when there is none; 403 when `check`
    (a policy predicate taking the user and the object) says no.

    via: the dotted relationship whose object `check` is about, e.g. a
         criterion's "round.contest".
    within: the contest the object must belong to: another contest's object
            is as missing as one that does not exist (404), so ids cannot be
            probed across contests.
    visible: a policy predicate; no means 404: the user may not even learn
             that the object exists (another entrant's entry).
    """
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None or (within is not None and obj.contest_id != within.id) \
            or (visible is not None and not visible(current_user, obj)):
        abort(404)
    if check is not None and not check(current_user, attrgetter(via)(obj) if via else obj):
        abort(403)
    return obj


def confirm_action(action: Callable[[], Any], success: str | Callable[[Any], str] | None, back: str,
                   form: FlaskForm | None = None):
    """A one-button action (the console's buttons, a withdrawal, an
    objection): when the form (by default an empty ConfirmForm,
    i.e. its CSRF token) validates, run `action` as one unit of work; flash
    `success` (or `success(result)`) when it is done, the refusal when it is
    not; redirect to `back` either way."""
    if (form if form is not None else ConfirmForm()).validate_on_submit():
        with saving() as outcome:
            result = action()
        if outcome.ok and success is not None:
            flash(str(success(result) if callable(success) else success), "success")
    return redirect(back)
