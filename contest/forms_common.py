"""Pieces shared by the blueprints' forms and views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from .extensions import db
from .models import Unit
from .services.errors import ServiceError, ValidationErrors


class ConfirmForm(FlaskForm):
    """An empty form: carries the CSRF token of a one-button action."""


class ReasonForm(FlaskForm):
    """A reason for a decision (returning, rejecting, invalidating...)."""
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})


def district_choices(blank_label=None) -> list[tuple[str, str]]:
    first = [("", blank_label or _l("— choose —"))]
    return first + [(d, d) for d in current_app.config["DISTRICTS"]]


def unit_choices(blank: tuple[int, str] | None = None) -> list[tuple[int, str]]:
    units = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.id))
    first = [blank] if blank else []
    return first + [(u.id, u.name) for u in units]


def unit_or_none(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id else None


class UnitSelect(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)


def apply_service_errors(form, exc: ServiceError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    errors = exc.errors if isinstance(exc, ValidationErrors) else {exc.field: exc.message}
    for field_name, message in errors.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


class saving:
    """The one commit point of a request: run a service call as one unit of
    work, commit when it succeeds; when it refuses, roll back and show its
    messages on the form (or flash them).

        with saving(form) as outcome:
            contest = contests.save_contest(...)
        if outcome.ok:
            return redirect(...)

    refusals: the errors taken as the service's answer (other errors, and
              these when left out, propagate after no commit).
    show: False leaves the refusal in `outcome.error` for the view to answer
          itself (JSON routes).
    """

    def __init__(self, form=None, *, refusals: type[Exception] | tuple[type[Exception], ...] = ServiceError,
                 show: bool = True):
        self.form = form
        self.refusals = refusals
        self.show = show
        self.ok = False
        self.error: Exception | None = None

    def __enter__(self) -> saving:
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc_type is None:
            db.session.commit()
            self.ok = True
            return False
        if issubclass(exc_type, self.refusals):
            db.session.rollback()
            self.error = exc
            if self.show and self.form is not None:
                apply_service_errors(self.form, exc)
            elif self.show:
                flash(exc.message, "error")
            return True
        return False


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths; never //host or a scheme."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target
