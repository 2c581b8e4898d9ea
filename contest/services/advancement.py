"""Advancement: a decision by hand where the rule leaves one open, finalising
a round (each entry's score, rank and advancement written), and what an
entrant may learn of it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Entry, Round, RoundEntry, User
from . import audit, round_results, rounds
from .errors import ServiceError, ValidationErrors
from .results import require_unpublished as require_results_unpublished
from .unit_of_work import writes


@writes
def set_advancement(actor: User, round_entry: RoundEntry, advanced: bool, reason: str) -> None:
    rnd = round_entry.round
    rounds.require_state(rnd, "closed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationErrors({"reason": _("A change by hand needs a reason.")})
    before = round_entry.advanced
    round_entry.advanced = advanced
    round_entry.decision_reason = reason
    db.session.flush()
    audit.record(actor, "round.advance_manual", rnd, details={"entry": round_entry.entry.number,
                                                              "from": before, "to": advanced, "reason": reason})


@writes
def finalise_round(actor: User, rnd: Round) -> None:
    """Freeze the round: scores stay as they are, each entry's score, rank and
    advancement are written, and the next round takes those who advanced."""
    rounds.require_state(rnd, "closed")
    require_results_unpublished(rnd.contest)   # the published result stands on the rounds as they were
    rows = round_results.preview_advancement(rnd)
    undecided = [r["entry"].number for r in rows if r["advance"] is None]
    if undecided:
        raise ServiceError(_("Decide first for: %(numbers)s", numbers="、".join(undecided[:20])))
    stored = {re.id: re for re in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == rnd.id))}
    for row in rows:
        re = stored[row["round_entry"].id]
        re.score, re.rank, re.advanced = row["score"], row["rank"], row["advance"]
    rnd.state = "finalised"
    db.session.flush()
    audit.record(actor, "round.finalise", rnd, details={
        "advanced": sum(1 for r in rows if r["advance"]), "entries": len(rows)})


def outcomes_for(entry: Entry) -> list[tuple[Round, bool]]:
    """What the entrant may know: for each finalised round, whether the entry
    went through. Never scores, never judges."""
    rows = db.session.execute(
        select(Round, RoundEntry.advanced).join(RoundEntry, RoundEntry.round_id == Round.id)
        .where(RoundEntry.entry_id == entry.id, Round.state == "finalised").order_by(Round.position))
    return [(rnd, bool(advanced)) for rnd, advanced in rows]
