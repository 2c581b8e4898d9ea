"""Units (单位): the offices, member units, districts, schools and others."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select

from ..extensions import db
from ..models import Contest, Entry, Programme, RoleGrant, Unit, User
from ..models.accounts import UNIT_KINDS
from ..models.contests import contest_co_units
from . import audit
from .accounts import PHONE_RE, normalise_phone
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes


def _clean(unit: Unit | None, *, name: str, kind: str, contact_name: str | None,
           contact_phone: str | None) -> tuple[str, str | None, str | None]:
    """The unit's name and contact as saved, or the refusals."""
    name = (name or "").strip()
    contact_name = (contact_name or "").strip() or None
    contact_phone = normalise_phone(contact_phone or "") or None
    errors = {}
    if not name:
        errors["name"] = _("Please enter a name.")
    elif len(name) > 120:
        errors["name"] = _("The name is too long.")
    elif db.session.scalar(select(Unit.id).where(Unit.name == name, Unit.id != (unit.id if unit else None))):
        errors["name"] = _("A unit with this name already exists.")
    if kind not in UNIT_KINDS:
        errors["kind"] = _("Please choose a kind.")
    if contact_name and len(contact_name) > 50:
        errors["contact_name"] = _("The name is too long.")
    if contact_phone and not PHONE_RE.match(contact_phone):
        errors["contact_phone"] = _("Please enter a valid mainland mobile number (11 digits).")
    if errors:
        raise ValidationErrors(errors)
    return name, contact_name, contact_phone


@writes
def add_unit(actor: User | None, *, name: str, kind: str, district: str | None,
             contact_name: str | None = None, contact_phone: str | None = None) -> Unit:
    name, contact_name, contact_phone = _clean(None, name=name, kind=kind, contact_name=contact_name,
                                               contact_phone=contact_phone)
    unit = Unit(name=name, kind=kind, district=district or None, contact_name=contact_name,
                contact_phone=contact_phone)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "unit.create", unit, details={"name": name})
    return unit


@writes
def update_unit(actor: User | None, unit: Unit, *, name: str, kind: str, district: str | None,
                contact_name: str | None, contact_phone: str | None) -> Unit:
    name, contact_name, contact_phone = _clean(unit, name=name, kind=kind, contact_name=contact_name,
                                               contact_phone=contact_phone)
    values = {"name": name, "kind": kind, "district": district or None, "contact_name": contact_name,
              "contact_phone": contact_phone}
    # The trail names what changed, never the contact's number itself.
    changed = sorted(k for k, v in values.items() if getattr(unit, k) != v)
    for key, value in values.items():
        setattr(unit, key, value)
    db.session.flush()
    audit.record(actor, "unit.update", unit, details={"name": name, "changed": changed})
    return unit


def unit_ties(unit: Unit) -> list[str]:
    """What still refers to the unit, as the refusal names it (empty: it may go)."""
    checks = [
        (_("members"), exists().where(User.unit_id == unit.id)),
        (_("role grants"), exists().where(RoleGrant.unit_id == unit.id)),
        (_("entries"), exists().where(Entry.unit_id == unit.id)),
        (_("contests"), exists().where(Contest.lead_unit_id == unit.id)),
        (_("contests"), exists().where(contest_co_units.c.unit_id == unit.id)),
        (_("programmes"), exists().where(Programme.lead_unit_id == unit.id)),
        (_("subordinate units"), exists().where(Unit.parent_id == unit.id)),
    ]
    ties = []
    for name, clause in checks:
        if name not in ties and db.session.scalar(select(clause)):
            ties.append(name)
    return ties


@writes
def delete_unit(actor: User | None, unit: Unit) -> None:
    """Only a unit nothing refers to: members, entries and contests keep their unit."""
    ties = unit_ties(unit)
    if ties:
        raise ServiceError(_("%(unit)s cannot be removed: it still has %(ties)s.",
                             unit=unit.name, ties="、".join(ties)))
    audit.record(actor, "unit.delete", None, details={"name": unit.name, "unit": unit.id})
    db.session.delete(unit)
    db.session.flush()
