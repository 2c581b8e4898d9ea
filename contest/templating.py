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
ENTRY_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "accepted": _l("Passed screening"),
    "rejected": _l("Not eligible"),
    "withdrawn": _l("Withdrawn"),
}
# What happens next, for the entrant's status page.
ENTRY_STATUS_NEXT = {
    "draft": _l("Not sent yet: finish it and submit before the deadline."),
    "submitted": _l("Received. The organisers will screen it after the deadline; you may still edit it until then."),
    "returned": _l("The organisers ask for changes: see the reason, edit the entry and submit it again."),
    "accepted": _l("It passed screening and goes on to judging."),
    "rejected": _l("It does not meet the requirements: see the reason."),
    "withdrawn": _l("You withdrew it. Its number is kept and never given to another entry."),
}
ROUND_STATE_LABELS = {
    "draft": _l("Being set up"),
    "open": _l("Open for scoring"),
    "closed": _l("Closed"),
    "finalised": _l("Finalised"),
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
        ENTRY_STATUS_LABELS=ENTRY_STATUS_LABELS, ENTRY_STATUS_NEXT=ENTRY_STATUS_NEXT,
        ROUND_STATE_LABELS=ROUND_STATE_LABELS,
    )

    @app.context_processor
    def _inject():
        return {
            "current_locale": str(get_locale()),
            "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        }
