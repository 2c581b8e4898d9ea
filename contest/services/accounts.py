"""Registration, authentication, sessions, profiles and role grants."""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import ROLES, RoleGrant, Unit, User
from ..models.accounts import UNIT_SCOPED_ROLES
from ..models.timestamps import utcnow
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_DUMMY_HASH: dict[str, str] = {}


def normalise_phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone


def mask_phone(phone: str | None) -> str:
    if not phone or len(phone) < 7:
        return "****"
    return phone[:3] + "****" + phone[-4:]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str) -> str | None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("The password must have at least %(n)d characters.", n=minimum)
    if password.isdigit() or password.isalpha():
        return _("The password must mix letters and digits.")
    return None


def _validate_person(real_name: str, district: str | None) -> dict[str, str]:
    errors = {}
    if not real_name or not real_name.strip():
        errors["real_name"] = _("Please enter your real name.")
    elif len(real_name.strip()) > 50:
        errors["real_name"] = _("The name is too long.")
    return errors


@writes
def register_user(
    *,
    phone: str,
    password: str,
    real_name: str,
    district: str | None,
    unit: Unit | None,
    email: str | None = None,
) -> User:
    phone = normalise_phone(phone)
    errors = _validate_person(real_name, district)
    weak = check_password_strength(password)
    # The slow hash runs before the first query: no transaction waits on it.
    password_hash = hash_password(password) if not weak else ""
    if not PHONE_RE.match(phone):
        errors["phone"] = _("Please enter a valid mainland mobile number (11 digits).")
    if weak:
        errors["password"] = weak
    if "phone" not in errors and db.session.scalar(select(User.id).where(User.phone == phone)):
        errors["phone"] = _("This phone number is already registered. Please log in.")
    if errors:
        raise ValidationErrors(errors)
    user = User(
        phone=phone,
        password_hash=password_hash,
        real_name=real_name.strip(),
        district=district or None,
        unit=unit,
        email=(email or "").strip() or None,
    )
    user.grants.append(RoleGrant(role="entrant"))
    try:
        # Two sign-ups with one phone at the same moment: the database decides.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise ValidationErrors({"phone": _("This phone number is already registered. Please log in.")}) from None
    audit.record(user, "account.register", user)
    return user


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("not-a-password", method=method)
    return _DUMMY_HASH[method]


def authenticate(phone: str, password: str) -> User | None:
    """The same answer (None) for an unknown phone and a wrong password; a hash
    is checked in both cases so timing does not tell them apart. The read ends
    before the slow hash, so no transaction (on SQLite: no write lock) is held
    while it runs."""
    row = db.session.execute(
        select(User.id, User.password_hash, User.active).where(User.phone == normalise_phone(phone))
    ).first()
    db.session.rollback()
    if row is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(row.password_hash, password or "") or not row.active:
        return None
    return db.session.get(User, row.id)


@writes
def log_in(user: User, ip: str | None) -> None:
    user.last_login_at = utcnow()
    audit.record(user, "account.login", user, ip=ip)


def session_identifier(secret: str, remote_addr: str | None, user_agent: str) -> str:
    """What binds a login session to this browser and address, keyed with the
    secret so that the cookie does not give the address away."""
    base = f"{remote_addr}|{user_agent}"
    return hmac.new(secret.encode(), base.encode(), hashlib.sha256).hexdigest()


@writes
def end_sessions(user: User) -> None:
    """Every cookie issued before now stops working."""
    user.session_version += 1
    db.session.flush()


def session_account(token: str | None) -> tuple[int, int] | None:
    """The account id and session version a login session names ("id:version")."""
    try:
        user_id, version = (int(part) for part in token.split(":"))
    except (ValueError, AttributeError):
        return None
    return user_id, version


def load_user_from_session(token: str) -> User | None:
    account = session_account(token)
    if account is None:
        return None
    user_id, version = account
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@writes
def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ServiceError(_("The current password is not correct."), "current_password")
    weak = check_password_strength(new)
    if weak:
        raise ServiceError(weak, "new_password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record(user, "account.password_change", user)


@writes
def update_profile(
    user: User, *, real_name: str, district: str | None, unit: Unit | None, email: str | None,
    birth_date: date | None = None,
) -> None:
    errors = _validate_person(real_name, district)
    if birth_date is not None and not date(1900, 1, 1) <= birth_date <= date.today():
        errors["birth_date"] = _("Please enter a real date of birth.")
    if errors:
        raise ValidationErrors(errors)
    if birth_date is not None:
        user.birth_date = birth_date
    user.real_name = real_name.strip()
    user.district = district or None
    user.unit = unit
    user.email = (email or "").strip() or None
    db.session.flush()


@writes
def grant_role(actor: User | None, user: User, role: str, unit: Unit | None = None) -> RoleGrant:
    if role not in ROLES:
        raise ServiceError(_("Unknown role."), "role")
    if role in UNIT_SCOPED_ROLES and unit is None:
        raise ServiceError(_("This role needs a unit."), "unit")
    if role not in UNIT_SCOPED_ROLES:
        unit = None
    for grant in user.grants:
        if grant.role == role and grant.unit_id == (unit.id if unit else None):
            raise ServiceError(_("The user already has this role."), "role")
    grant = RoleGrant(role=role, unit=unit, granted_by_id=actor.id if actor else None)
    user.grants.append(grant)
    db.session.flush()
    audit.record(actor, "role.grant", user, details={"role": role, "unit": unit.name if unit else None})
    return grant


@writes
def revoke_role(actor: User | None, grant: RoleGrant) -> None:
    user = grant.user
    if actor is not None and actor.id == user.id and grant.role == "admin":
        raise ServiceError(_("You cannot remove your own admin role."), "role")
    details = {"role": grant.role, "unit": grant.unit.name if grant.unit else None}
    user.grants.remove(grant)
    end_sessions(user)  # a removed role must not live on in an open session
    audit.record(actor, "role.revoke", user, details=details)


@writes
def create_user(
    *, phone: str, name: str, password: str, role: str | None = None, unit: Unit | None = None,
    actor: User | None = None,
) -> User:
    """Administrative creation (CLI, seed): registration plus an optional role."""
    user = register_user(phone=phone, password=password, real_name=name, district=None, unit=unit)
    if role and role != "entrant":
        grant_role(actor, user, role, unit)
    return user
