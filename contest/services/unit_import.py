"""Units and their members imported from the xlsx template, row by row: a
row is imported whole or not at all (its own savepoint), and the report says
for each row what was done or why it was refused (第3行：手机号格式不正确)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..exports.unit_sheet import SheetRefused, read_rows
from ..extensions import db
from ..labels import ROLE_LABELS, UNIT_KIND_LABELS
from ..models import Unit, User
from . import audit
from .accounts import PHONE_RE, grant_role, normalise_phone
from .errors import ServiceError, ValidationErrors
from .people import setup_token
from .unit_of_work import writes
from .units import add_unit

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
MEMBER_ROLES = ("entrant", "unit_admin")


@dataclass
class RowReport:
    row: int
    ok: bool
    message: str
    # A new member's one-time set-up token, handed to the page (never stored).
    setup_token: str | None = None
    member: str = ""


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def file_refusal(exc: SheetRefused) -> str:
    return {
        "not_xlsx": _("The file is not an xlsx workbook: please fill in the downloaded template and save it "
                      "as .xlsx."),
        "too_big": _("The file is too large or unpacks to too much data."),
        "bad_headers": _("The first row does not hold the template's headers: please use the downloaded "
                         "template without changing its columns."),
        "empty": _("The file holds no rows to import."),
        "too_many_rows": _("The file has more than %(n)d rows: please split it.", n=exc.limit or MAX_ROWS),
    }[exc.code]


def _by_label(value: str, labels: dict, field_name: str) -> str:
    """A code from its Chinese name (or the code itself)."""
    for code, label in labels.items():
        if value in (code, str(label)):
            return code
    raise ServiceError(_("%(field)s “%(value)s” is not one of the choices.", field=field_name, value=value))


def _member(actor: User, unit: Unit, values: dict[str, str]) -> tuple[str, User | None]:
    """Add the row's member to the unit: (what was done, the new account or None)."""
    name, phone = values["member_name"], normalise_phone(values["member_phone"])
    role = _by_label(values["member_role"], {r: ROLE_LABELS[r] for r in MEMBER_ROLES}, _("Member role")) \
        if values["member_role"] else "entrant"
    if not PHONE_RE.match(phone):
        raise ServiceError(_("the member's mobile number is not valid (11 digits)"))
    user = db.session.scalar(select(User).where(User.phone == phone))
    created = user is None
    if created:
        if not name:
            raise ServiceError(_("the member's name is missing"))
        if len(name) > 50:
            raise ServiceError(_("the member's name is too long"))
        user = User(phone=phone, password_hash="", real_name=name, unit=unit)
        db.session.add(user)
        db.session.flush()
        audit.record(actor, "account.invite", user, details={"role": role, "unit": unit.name})
    elif user.unit_id not in (None, unit.id):
        raise ServiceError(_("the mobile number belongs to a member of %(unit)s", unit=user.unit.name))
    else:
        user.unit = unit
    if not any(g.role == role and g.unit_id == (unit.id if role == "unit_admin" else None) for g in user.grants):
        grant_role(actor, user, role, unit)
    return (_("new account") if created else _("existing account")), (user if created else None)


def _row(actor: User, values: dict[str, str]) -> RowReport:
    name = values["unit"]
    if not name:
        raise ServiceError(_("the unit's name is missing"))
    unit = db.session.scalar(select(Unit).where(Unit.name == name))
    done = [_("unit %(name)s exists", name=name)] if unit else []
    if unit is None:
        if not values["kind"]:
            raise ServiceError(_("a new unit needs its kind"))
        kind = _by_label(values["kind"], UNIT_KIND_LABELS, _("Unit type"))
        district = values["district"]
        if district and district not in current_app.config["DISTRICTS"]:
            raise ServiceError(_("District “%(value)s” is not one of the choices.", value=district))
        unit = add_unit(actor, name=name, kind=kind, district=district or None,
                        contact_name=values["contact_name"], contact_phone=values["contact_phone"])
        done.append(_("unit %(name)s added", name=name))
    report = RowReport(row=0, ok=True, message="")
    if values["member_name"] or values["member_phone"]:
        what, new_user = _member(actor, unit, values)
        done.append(_("member %(name)s added (%(what)s)", name=values["member_name"] or values["member_phone"],
                      what=what))
        report.member = values["member_name"]
        if new_user is not None:
            report.setup_token = setup_token(new_user)
    report.message = "；".join(done)
    return report


@writes
def import_units(actor: User, data: bytes) -> ImportReport:
    """Read the sheet and import each row on its own. SheetRefused (nothing
    imported) when the file as a whole is refused."""
    rows = read_rows(data, max_rows=MAX_ROWS)
    report = ImportReport()
    for number, values in rows:
        try:
            with db.session.begin_nested():
                line = _row(actor, values)
        except ServiceError as exc:
            message = "；".join(exc.errors.values()) if isinstance(exc, ValidationErrors) else exc.message
            report.rows.append(RowReport(row=number, ok=False, message=message))
            continue
        line.row = number
        report.rows.append(line)
    audit.record(actor, "unit.import", None, details={"rows": len(rows), "imported": report.imported,
                                                      "refused": report.refused})
    return report
