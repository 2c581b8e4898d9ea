"""The names users see for the platform's codes (phases, kinds, roles, statuses).

Pure: no Flask. Each name is marked for the catalog (pybabel's `_l` keyword)
and translated each time it is shown, by the gettext the application installs
with `install_gettext` (Flask-Babel's, so that it follows the request's language)."""
from __future__ import annotations

from collections.abc import Callable

# The installed gettext (one slot, replaced by install_gettext): the message itself until then.
_translator: list[Callable[[str], str]] = [str]


class Label:
    """A name translated when shown, like Flask-Babel's lazy strings: `str()`
    and templates see the text in the current language."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str):
        self.msgid = msgid

    def __str__(self) -> str:
        return str(_translator[0](self.msgid))

    def __html__(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Label({self.msgid!r})"

    def __eq__(self, other) -> bool:
        return str(self) == (str(other) if isinstance(other, Label) else other)

    def __hash__(self) -> int:
        return hash(str(self))


def install_gettext(gettext: Callable[[str], str]) -> Callable[[str], str]:
    """Translate every label with this function from now on; returns the one it replaces."""
    previous, _translator[0] = _translator[0], gettext
    return previous


_l = Label

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


def number_text(value: float | int | None, places: int = 2) -> str:
    """A score or count as offices write it: 30 not "30.0", 7.5, 86.33 (at most
    `places` decimals, no trailing zeros); "" for no value."""
    if value is None:
        return ""
    text = f"{round(float(value), places):.{places}f}".rstrip("0").rstrip(".") if places else f"{value:.0f}"
    return "0" if text in ("-0", "") else text
