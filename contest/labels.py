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
    "showcase": _l("Showcase"),
}

# Award levels, highest first: one translation per label shown.
AWARD_LEVEL_LABELS = {
    "first": _l("First prize"),
    "second": _l("Second prize"),
    "third": _l("Third prize"),
    "merit": _l("Merit award"),
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


# Every action code the audit trail records (contest/services/*: audit.record),
# as the audit log shows it; tests/unit/test_audit_labels.py finds the codes in
# the source and fails on one without a name here.
AUDIT_ACTION_LABELS = {
    "account.login": _l("Logged in"),
    "account.register": _l("Registered an account"),
    "account.password_change": _l("Changed the password"),
    "account.invite": _l("Created an account with a set-up link"),
    "account.setup_link": _l("Issued a new set-up link"),
    "account.setup": _l("Set the password through the set-up link"),
    "audit.view": _l("Viewed the audit log"),
    "audit.export": _l("Exported the audit log"),
    "category.create": _l("Created a category"),
    "certificate.design": _l("Set the certificate design"),
    "certificate.download": _l("Downloaded a certificate"),
    "certificate.batch": _l("Downloaded the certificates as a batch"),
    "category.update": _l("Changed a category"),
    "category.delete": _l("Deleted a category"),
    "contest.create": _l("Created a contest"),
    "contest.update": _l("Changed a contest"),
    "contest.judges_feedback": _l("Changed the judges' feedback to entrants"),
    "contest.publish": _l("Put a contest on the public site"),
    "contest.unpublish": _l("Took a contest off the public site"),
    "entry.submit": _l("Submitted an entry"),
    "entry.unsubmitted": _l("Entry back to draft (incomplete after a change)"),
    "entry.upload": _l("Uploaded a file to an entry"),
    "entry.remove_file": _l("Removed a file from an entry"),
    "entry.withdraw": _l("Withdrew an entry"),
    "entry.screen.accept": _l("Screening: passed"),
    "entry.screen.return": _l("Screening: returned for changes"),
    "entry.screen.reject": _l("Screening: not eligible"),
    "export.recommended": _l("Exported the recommended list"),
    "export.ledger": _l("Exported the vote ledger"),
    "programme.create": _l("Created a programme"),
    "programme.update": _l("Changed a programme"),
    "results.settings": _l("Changed the results settings"),
    "results.award": _l("Set an award"),
    "results.apply_suggestions": _l("Applied the suggested awards"),
    "results.recommend": _l("Recommended an entry"),
    "results.unrecommend": _l("Withdrew a recommendation"),
    "results.publicity": _l("Published a public notice"),
    "results.publicity_phone": _l("Changed the public notice's contact phone"),
    "results.final": _l("Published the final result"),
    "results.objection": _l("Raised an objection"),
    "results.objection_upheld": _l("Objection upheld"),
    "results.objection_dismissed": _l("Objection dismissed"),
    "role.grant": _l("Granted a role"),
    "role.revoke": _l("Removed a role"),
    "round.create": _l("Created a judging round"),
    "round.update": _l("Changed a judging round"),
    "round.criterion": _l("Set a scoring criterion"),
    "round.criterion_remove": _l("Removed a scoring criterion"),
    "round.panel_add": _l("Added a judge to a panel"),
    "round.panel_remove": _l("Removed a judge from a panel"),
    "round.assign": _l("Assigned entries to judges"),
    "round.open": _l("Opened a round for scoring"),
    "round.close": _l("Closed a round"),
    "round.finalise": _l("Finalised a round"),
    "round.advance_manual": _l("Changed an advancement by hand"),
    "round.conflict_declared": _l("Recorded a conflict of interest"),
    "round.recuse": _l("A judge stepped aside"),
    "score.save": _l("Saved a score"),
    "score.final": _l("Submitted a score"),
    "sensitive_terms.add": _l("Added sensitive words"),
    "sensitive_terms.remove": _l("Removed a sensitive word"),
    "sensitive_terms.rescan": _l("Looked for new sensitive words in submitted entries"),
    "unit.create": _l("Added a unit"),
    "unit.update": _l("Changed a unit"),
    "unit.delete": _l("Deleted a unit"),
    "unit.import": _l("Imported units and members"),
    "votes.settings": _l("Changed the vote settings"),
    "votes.scan": _l("Scanned the votes for brushing"),
    "votes.invalidate": _l("Invalidated votes"),
    "votes.flag_invalidated": _l("Brushing lead: votes invalidated"),
    "votes.flag_cleared": _l("Brushing lead: cleared"),
}
# The keys of an audit event's details, as the audit log names them.
AUDIT_DETAIL_LABELS = {
    "action": _l("Action"),
    "actor": _l("Actor"),
    "contest_id": _l("Contest"),
    "date_from": _l("From date"),
    "date_to": _l("To date"),
    "q": _l("Search"),
    "advanced": _l("Advanced"),
    "asset": _l("File"),
    "assignments": _l("Assignments"),
    "award": _l("Award"),
    "award_counts": _l("Awards per level"),
    "category": _l("Category"),
    "changed": _l("Changed"),
    "changes": _l("Changes"),
    "closes_at": _l("Closes at"),
    "code": _l("Code"),
    "contest": _l("Contest"),
    "imported": _l("Imported rows"),
    "certificates": _l("Certificates"),
    "days": _l("Days"),
    "design": _l("Design"),
    "districts": _l("Districts"),
    "entries": _l("Entries"),
    "entry": _l("Entry"),
    "filters": _l("Filters"),
    "flag": _l("Lead"),
    "flags": _l("Leads"),
    "format": _l("Format"),
    "from": _l("From"),
    "full_personal_data": _l("Full personal data"),
    "ids": _l("Vote numbers"),
    "judge": _l("Judge"),
    "judge_weight": _l("Judge weight"),
    "kind": _l("Kind"),
    "max": _l("Maximum points"),
    "members": _l("Members"),
    "name": _l("Name"),
    "note": _l("Note"),
    "number": _l("Entry number"),
    "numbers": _l("Numbers"),
    "objection": _l("Objection"),
    "page": _l("Page"),
    "phone": _l("Mobile number"),
    "reason": _l("Reason"),
    "refused": _l("Refused rows"),
    "replacement": _l("Replacement judge"),
    "role": _l("Role"),
    "round": _l("Round"),
    "rows": _l("Rows"),
    "rule": _l("Rule"),
    "scanned": _l("Entries checked"),
    "flagged": _l("Entries flagged"),
    "sha256": _l("File fingerprint (SHA-256)"),
    "size": _l("Size (bytes)"),
    "term": _l("Word"),
    "terms": _l("Words"),
    "to": _l("To"),
    "unit": _l("Unit"),
    "units": _l("Units"),
    "version": _l("Version"),
    "vote_mapping": _l("Vote mapping"),
    "vote_weight": _l("Vote weight"),
    "votes": _l("Votes"),
    "weight": _l("Weight"),
}
