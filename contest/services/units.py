"""Units (单位): the offices, member units, districts, schools and others."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Unit, User
from ..models.accounts import UNIT_KINDS
from . import audit
from .errors import ValidationErrors
from .unit_of_work import writes


@writes
def add_unit(actor: User | None, *, name: str, kind: str, district: str | None) -> Unit:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Please enter a name.")
    elif db.session.scalar(select(Unit.id).where(Unit.name == name)):
        errors["name"] = _("A unit with this name already exists.")
    if kind not in UNIT_KINDS:
        errors["kind"] = _("Please choose a kind.")
    if errors:
        raise ValidationErrors(errors)
    unit = Unit(name=name, kind=kind, district=district or None)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "unit.create", unit, details={"name": name})
    return unit
