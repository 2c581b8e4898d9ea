"""How the office reaches the people behind an entry: a nomination's nominee
(phone, work unit and post), and for an entry a unit sends for its author, the
author's phone and, for a child, the guardian's name and phone. The unit
administrator who types the entry in is not the contact."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from ..models import Entry

# A mobile or a landline with its area code: 13812345678, 0756-2212345.
CONTACT_PHONE = re.compile(r"^\+?\d[\d -]{5,17}\d$")
TRUE_VALUES = (True, "y", "1", "on", "true")
FIELDS = ("nominee_phone", "nominee_post", "author_phone", "author_minor", "guardian_name", "guardian_phone")


def _text(data: dict, name: str, limit: int) -> str | None:
    return (data.get(name) or "").strip()[:limit] or None


def save_contacts(entry: Entry, data: dict) -> None:
    """Keep what the draft's form gave (part of save_draft, which flushes)."""
    if "nominee_phone" in data:
        entry.nominee_phone = _text(data, "nominee_phone", 20)
    if "nominee_post" in data:
        entry.nominee_post = _text(data, "nominee_post", 200)
    if not entry.on_behalf:
        return   # an entrant's phone is their account's; a guardian consents on the submit page
    if "author_phone" in data:
        entry.author_phone = _text(data, "author_phone", 20)
    if "author_minor" in data:
        entry.author_minor = data.get("author_minor") in TRUE_VALUES
    if "guardian_name" in data:
        entry.guardian_name = _text(data, "guardian_name", 50)
    if "guardian_phone" in data:
        entry.guardian_phone = _text(data, "guardian_phone", 20)


def contact_errors(entry: Entry) -> dict[str, str]:
    """What a nomination, or an entry sent for an author, still lacks."""
    errors: dict[str, str] = {}
    if entry.category.kind == "nomination":
        if entry.nominee_kind == "person" and not entry.nominee_post:
            errors["nominee_post"] = _("Please give the nominee's work unit and post.")
        if entry.body_chars == 0:
            errors["body"] = _("Please describe the nominee's main deeds.")
        _phone_error(errors, "nominee_phone", entry.nominee_phone, _("Please give the nominee's phone number."))
    elif entry.on_behalf:
        _phone_error(errors, "author_phone", entry.author_phone, _("Please give the author's phone number."))
        if entry.author_minor:
            if not entry.guardian_name:
                errors["guardian_name"] = _("Please give the name of the author's parent or guardian.")
            _phone_error(errors, "guardian_phone", entry.guardian_phone,
                         _("Please give the phone number of the author's parent or guardian."))
    return errors


def _phone_error(errors: dict[str, str], name: str, value: str | None, missing: str) -> None:
    if not value:
        errors[name] = missing
    elif not CONTACT_PHONE.match(value):
        errors[name] = _("%(phone)s is not a phone number: give a mobile number or a landline with its area "
                         "code, e.g. 0756-2212345.", phone=value)
