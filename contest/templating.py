"""What every template can use: policies, phase names, Shanghai time."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from . import policies
from .phases import SHANGHAI

PHASE_LABELS = {
    "upcoming": _l("Upcoming"),
    "collecting": _l("Collecting entries"),
    "screening": _l("Screening"),
    "voting": _l("Public vote"),
    "judging": _l("Expert judging"),
    "reviewing": _l("Under review"),
    "publicity": _l("Public notice"),
    "published": _l("Results published"),
}
KIND_LABELS = {
    "story": _l("Story / essay"),
    "image": _l("Images"),
    "video": _l("Short video"),
    "h5": _l("H5 work"),
    "audio": _l("Audio / music"),
    "nomination": _l("Nomination"),
}
ROLE_LABELS = {
    "entrant": _l("Entrant"),
    "unit_admin": _l("Unit administrator"),
    "judge": _l("Judge"),
    "organiser": _l("Organiser"),
    "admin": _l("Administrator"),
}
UNIT_KIND_LABELS = {
    "office": _l("Cyberspace office"),
    "member": _l("Member unit"),
    "district": _l("District office"),
    "school": _l("School"),
    "enterprise": _l("Enterprise"),
    "social_org": _l("Social organisation"),
}


def shanghai(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(SHANGHAI), fmt, rebase=False)


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(shanghai, "shanghai")

    # Globals, so that imported macros see them too.
    app.jinja_env.globals.update(
        policies=policies, PHASE_LABELS=PHASE_LABELS, KIND_LABELS=KIND_LABELS,
        ROLE_LABELS=ROLE_LABELS, UNIT_KIND_LABELS=UNIT_KIND_LABELS,
    )

    @app.context_processor
    def _inject():
        return {
            "current_locale": str(get_locale()),
            "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        }
