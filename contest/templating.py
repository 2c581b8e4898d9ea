"""What every template can use: policies, labels (contest/labels.py), Shanghai time, numbers."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from . import policies
from .exports.cells import mask_phone
from .labels import (
    ENTRY_STATUS_LABELS,
    ENTRY_STATUS_NEXT,
    KIND_LABELS,
    PHASE_LABELS,
    ROLE_LABELS,
    ROUND_STATE_LABELS,
    UNIT_KIND_LABELS,
    VOTE_RULE_LABELS,
    VOTE_STATUS_LABELS,
    install_gettext,
    number_text,
)
from .phases import SHANGHAI
from .services.score_reports import feedback_for


def flag_evidence(flag) -> str:
    """The numbers behind a brushing flag, as a sentence for the organiser."""
    e = flag.evidence
    if flag.rule == "hourly_spike":
        return _("%(n)d votes in the hour from %(hour)s, against a median of %(median)s an hour for this entry.",
                 n=e["votes"], hour=shanghai(datetime.fromisoformat(e["hour"]), "MM-dd HH:mm"),
                 median=f"{e['median']:g}")
    if flag.rule == "ip_prefix_burst":
        return _("%(n)d votes for this entry from one address block (%(prefix)s…) within %(s)d seconds.",
                 n=e["votes"], prefix=e["ip_prefix"], s=e["window_s"])
    if flag.rule == "signup_burst":
        return _("%(n)d of this entry's voters registered between %(start)s and %(end)s.", n=e["accounts"],
                 start=shanghai(datetime.fromisoformat(e["registered_from"]), "MM-dd HH:mm:ss"),
                 end=shanghai(datetime.fromisoformat(e["registered_to"]), "MM-dd HH:mm:ss"))
    if flag.rule == "regular_intervals":
        return _("%(n)d votes in a row, one every %(gap)s seconds (variation %(cv)s): a timer, not people.",
                 n=e["votes"], gap=f"{e['mean_gap_s']:g}", cv=f"{e['cv']:g}")
    return _("One account voted for %(n)d entries within %(s)s seconds.", n=e["entries"], s=f"{e['seconds']:g}")


def shanghai(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(SHANGHAI), fmt, rebase=False)


def register_template_helpers(app: Flask) -> None:
    install_gettext(_)   # labels are translated in the request's language
    app.add_template_filter(shanghai, "shanghai")
    app.add_template_filter(number_text, "num")   # 30, not "30.0"
    app.add_template_filter(mask_phone, "mask_phone")

    # Globals, so that imported macros see them too.
    app.jinja_env.globals.update(
        policies=policies, PHASE_LABELS=PHASE_LABELS, KIND_LABELS=KIND_LABELS,
        ROLE_LABELS=ROLE_LABELS, UNIT_KIND_LABELS=UNIT_KIND_LABELS,
        ENTRY_STATUS_LABELS=ENTRY_STATUS_LABELS, ENTRY_STATUS_NEXT=ENTRY_STATUS_NEXT,
        ROUND_STATE_LABELS=ROUND_STATE_LABELS, vote_status_labels=VOTE_STATUS_LABELS,
        rule_labels=VOTE_RULE_LABELS, flag_evidence=flag_evidence,
        judges_feedback_for=feedback_for,   # the entrant's status page (entrant/_feedback.html)
    )

    @app.context_processor
    def _inject():
        return {
            "current_locale": str(get_locale()),
            "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        }
