"""People the office brings in: accounts made for someone else (a judge, a
unit's member) with a one-time set-up link instead of a password, and finding
a person by phone number or name.

The set-up link is a signed token (itsdangerous, the app's secret) naming the
account and a fingerprint of its password hash and session version: setting a
password changes the hash and a new link bumps the version, so a used link,
an older link and any link once a password exists no longer match."""
from __future__ import annotations

import hashlib
import re

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ROLES, Unit, User
from ..models.accounts import UNIT_SCOPED_ROLES
from . import audit
from .accounts import PHONE_RE, check_password_strength, end_sessions, grant_role, hash_password, normalise_phone
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

SETUP_LINK_HOURS = 72
_SALT = "account-setup"
MASKED_RE = re.compile(r"^(\d{3})\*+(\d{4})$")


def user_search(q: str) -> ColumnElement[bool] | None:
    """The clause finding people by what an office has at hand: a full mobile
    number (exact), a masked one as lists show it (138****5678), its last
    4 digits or a run of digits, or part of a name. None: no search."""
    q = (q or "").strip()
    if not q:
        return None
    phone = normalise_phone(q)
    if PHONE_RE.match(phone):
        return User.phone == phone
    if masked := MASKED_RE.match(phone):
        head, tail = masked.groups()
        return User.phone.startswith(head, autoescape=True) & User.phone.endswith(tail, autoescape=True)
    if phone.isdigit():
        if len(phone) == 4:
            return User.phone.endswith(phone, autoescape=True)
        return User.phone.contains(phone, autoescape=True)
    return User.real_name.contains(q, autoescape=True)


def has_password(user: User) -> bool:
    return bool(user.password_hash)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def link_fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}|{user.session_version}".encode()).hexdigest()[:24]


def setup_token(user: User) -> str:
    return _serializer().dumps([user.id, link_fingerprint(user)])


def user_for_setup(token: str) -> User | None:
    """The account a set-up link is for, while the link is good: signed by
    us, under SETUP_LINK_HOURS old, the account still without a password and
    the link its latest. None otherwise (tampered, expired, used, replaced)."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=SETUP_LINK_HOURS * 3600)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or has_password(user) or fingerprint != link_fingerprint(user):
        return None
    return user


@writes
def set_password_from_link(token: str, password: str) -> User:
    weak = check_password_strength(password or "")
    new_hash = hash_password(password) if not weak else ""
    user = user_for_setup(token)
    if user is None:
        raise ServiceError(_("This set-up link is not valid any more. Ask the organisers for a new one."))
    if weak:
        raise ServiceError(weak, "password")
    user.password_hash = new_hash
    end_sessions(user)
    audit.record(user, "account.setup", user)
    return user


@writes
def invite(actor: User, *, phone: str, name: str, role: str, unit: Unit | None = None) -> tuple[User, bool]:
    """The person with this phone number gets `role`: a new account (no
    password; the caller hands over setup_token) when there is none, the role
    alone on an existing one. Returns (user, created)."""
    phone = normalise_phone(phone)
    errors = {}
    if not PHONE_RE.match(phone):
        errors["phone"] = _("Please enter a valid mainland mobile number (11 digits).")
    if role not in ROLES:
        errors["role"] = _("Unknown role.")
    elif role in UNIT_SCOPED_ROLES and unit is None:
        errors["unit"] = _("This role needs a unit.")
    user = db.session.scalar(select(User).where(User.phone == phone)) if not errors else None
    name = (name or "").strip()
    if user is None and not name:
        errors["name"] = _("Please enter the person's real name.")
    elif user is None and len(name) > 50:
        errors["name"] = _("The name is too long.")
    if errors:
        raise ValidationErrors(errors)
    created = user is None
    if created:
        user = User(phone=phone, password_hash="", real_name=name,
                    unit=unit if role in UNIT_SCOPED_ROLES else None)
        try:
            # Two invitations of one number at the same moment: the database decides.
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:
            raise ValidationErrors({"phone": _("This phone number was registered a moment ago: "
                                               "please try again.")}) from None
        audit.record(actor, "account.invite", user, details={"role": role})
    grant_role(actor, user, role, unit)
    return user, created


@writes
def new_setup_link(actor: User, user: User) -> str:
    """A fresh link for an account that has never had a password; the older
    links stop working."""
    if has_password(user):
        raise ServiceError(_("This person has set a password already: they log in with it."))
    end_sessions(user)
    audit.record(actor, "account.setup_link", user)
    return setup_token(user)

