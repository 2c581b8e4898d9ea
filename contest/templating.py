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


VOTE_STATUS_LABELS = {"valid": _l("valid"), "suspect": _l("suspect"), "invalid": _l("invalid")}
VOTE_RULE_LABELS = {
    "hourly_spike": _l("Hourly spike"),
    "ip_prefix_burst": _l("One network"),
    "signup_burst": _l("New accounts"),
    "regular_intervals": _l("Machine rhythm"),
    "rapid_multi_entry": _l("Rapid fire"),
}


def flag_evidence(flag) -> str:
    """The numbers behind a brushing flag, as a sentence for the organiser."""
    from flask_babel import gettext as _

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
    app.add_template_filter(shanghai, "shanghai")

    # Globals, so that imported macros see them too.
    app.jinja_env.globals.update(
        policies=policies, PHASE_LABELS=PHASE_LABELS, KIND_LABELS=KIND_LABELS,
        ROLE_LABELS=ROLE_LABELS, UNIT_KIND_LABELS=UNIT_KIND_LABELS,
        ENTRY_STATUS_LABELS=ENTRY_STATUS_LABELS, ENTRY_STATUS_NEXT=ENTRY_STATUS_NEXT,
        ROUND_STATE_LABELS=ROUND_STATE_LABELS, vote_status_labels=VOTE_STATUS_LABELS,
        rule_labels=VOTE_RULE_LABELS, flag_evidence=flag_evidence,
    )

    @app.context_processor
    def _inject():
        return {
            "current_locale": str(get_locale()),
            "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        }
