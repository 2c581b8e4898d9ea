"""Conflicts of interest an organiser declares during a round: recorded,
and an assignment that breaks one handed to another judge."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import DeclaredConflict, Entry, JudgeAssignment, Round, User
from . import audit, judge_assignments, rounds
from .errors import ValidationErrors
from .unit_of_work import writes


@writes
def declare_conflict(actor: User, rnd: Round, judge: User, number: str, reason: str) -> None:
    """An organiser records a conflict; an assignment that breaks it is moved."""
    rounds.require_state(rnd, "draft", "open")
    entry = db.session.scalar(select(Entry).where(Entry.number == (number or "").strip(),
                                                  Entry.contest_id == rnd.contest_id))
    if entry is None:
        raise ValidationErrors({"number": _("No entry of this contest has that number.")})
    if not (reason or "").strip():
        raise ValidationErrors({"reason": _("Please give the reason.")})
    if not db.session.scalar(select(DeclaredConflict.id).where(DeclaredConflict.judge_id == judge.id,
                                                               DeclaredConflict.entry_id == entry.id)):
        db.session.add(DeclaredConflict(judge_id=judge.id, entry_id=entry.id, reason=reason.strip(),
                                        declared_by_id=actor.id))
    item = db.session.scalar(select(JudgeAssignment).where(
        JudgeAssignment.round_id == rnd.id, JudgeAssignment.judge_id == judge.id,
        JudgeAssignment.entry_id == entry.id, JudgeAssignment.state != "recused"))
    if item is not None:
        item.state, item.recusal_reason = "recused", reason.strip()
        db.session.flush()
        if rnd.judges_per_entry is not None:
            judge_assignments.reassign(rnd, entry)
    db.session.flush()
    audit.record(actor, "round.conflict_declared", rnd, details={"judge": judge.id, "entry": entry.number,
                                                                 "reason": reason.strip()})
