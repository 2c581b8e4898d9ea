"""Who judges what: conflicts of interest, the assignment of a round, and
recusal with reassignment."""
from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from sqlalchemy import delete, select

from .. import matching as solver
from ..extensions import db
from ..models import DeclaredConflict, Entry, JudgeAssignment, Round, RoundEntry, User
from . import audit, rounds
from .errors import ServiceError
from .unit_of_work import writes


class AssignmentImpossible(ServiceError):
    """No complete assignment exists; `lines` says which entries and why."""

    def __init__(self, lines: list[str]):
        super().__init__(_("No complete assignment is possible:") + " " + "；".join(lines))
        self.lines = lines


def conflict_reason(judge: User, entry: Entry, declared: set[tuple[int, int]]) -> str | None:
    if judge.id == entry.owner_id or any(a.user_id == judge.id or a.name == judge.real_name
                                         for a in entry.authors):
        return _("the judge is its author")
    units = {entry.unit_id, entry.owner.unit_id} - {None}
    if judge.unit_id is not None and judge.unit_id in units:
        return _("the judge works in its unit")
    if (judge.id, entry.id) in declared:
        return _("a declared conflict")
    return None


def _declared(entry_ids: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(select(DeclaredConflict.judge_id, DeclaredConflict.entry_id)
                              .where(DeclaredConflict.entry_id.in_(entry_ids)))
    return {(j, e) for j, e in rows}


def order_key(seed: int, judge_id: int, entry_id: int) -> int:
    """A judge's own stable shuffle: no entry is always first for everyone."""
    digest = hashlib.blake2b(f"{seed}:{judge_id}:{entry_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") >> 1


@writes
def assign_judges(actor: User, rnd: Round) -> dict[int, int]:
    """Assign the whole round (draft rounds only); all or nothing. Returns the
    load per judge."""
    rounds.require_state(rnd, "draft")
    entries = rounds.eligible_entries(rnd)
    if not entries:
        raise ServiceError(_("No entries are waiting for this round yet."))
    declared = _declared([e.id for e in entries])
    plan: list[tuple[int, int]] = []
    problems: list[str] = []
    loads: dict[int, int] = {}
    for cat in rnd.categories:
        members = [p for p in rnd.panel if p.category_id == cat.id]
        cat_entries = [e for e in entries if e.category_id == cat.id]
        if not cat_entries:
            continue
        if not members:
            problems.append(_("category %(code)s has no judges", code=cat.code))
            continue
        judges = {p.judge_id: p.judge for p in members}
        conflicts = {(j.id, e.id) for e in cat_entries for j in judges.values()
                     if conflict_reason(j, e, declared)}
        result = solver.assign([e.id for e in cat_entries], list(judges), rnd.judges_per_entry, conflicts,
                               {p.judge_id: p.max_load for p in members}, seed=rnd.seed + cat.id)
        numbers = {e.id: e.number for e in cat_entries}
        for short in result.shortfalls:
            if short.reason == "conflicts":
                problems.append(_("%(number)s has only %(n)d judges without a conflict, %(k)d needed",
                                  number=numbers[short.entry], n=short.eligible, k=short.needed))
            else:
                problems.append(_("%(number)s: the judges' maximum loads leave no room",
                                  number=numbers[short.entry]))
        for entry_id, judge_ids in result.judges_of.items():
            plan.extend((entry_id, j) for j in judge_ids)
        for j, n in result.loads.items():
            loads[j] = loads.get(j, 0) + n
    if problems:
        raise AssignmentImpossible(problems)
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id))
    db.session.execute(delete(RoundEntry).where(RoundEntry.round_id == rnd.id))
    db.session.add_all(RoundEntry(round_id=rnd.id, entry_id=e.id) for e in entries)
    db.session.add_all(JudgeAssignment(round_id=rnd.id, entry_id=e, judge_id=j, order_key=order_key(rnd.seed, j, e))
                       for e, j in plan)
    db.session.flush()
    audit.record(actor, "round.assign", rnd, details={"entries": len(entries), "assignments": len(plan)})
    return loads


@writes
def recuse(judge: User, item: JudgeAssignment, reason: str) -> JudgeAssignment | None:
    """The judge steps back from an entry; another eligible judge of the panel
    takes it (the least loaded). Returns the new assignment, or None when the
    round gives every entry to all panel judges."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reason for stepping back."), "reason")
    if item.judge_id != judge.id or item.state == "recused":
        raise ServiceError(_("This entry is not assigned to you."))
    rnd = item.round
    rounds.require_state(rnd, "draft", "open")
    item.state = "recused"
    item.recusal_reason = reason
    if not db.session.scalar(select(DeclaredConflict.id).where(DeclaredConflict.judge_id == judge.id,
                                                               DeclaredConflict.entry_id == item.entry_id)):
        db.session.add(DeclaredConflict(judge_id=judge.id, entry_id=item.entry_id, reason=reason,
                                        declared_by_id=judge.id))
    db.session.flush()
    replacement = None
    if rnd.judges_per_entry is not None:
        replacement = reassign(rnd, item.entry)
    audit.record(judge, "round.recuse", rnd, details={"entry": item.entry.number, "reason": reason,
                                                      "replacement": replacement.judge_id if replacement else None})
    return replacement


@writes
def reassign(rnd: Round, entry: Entry) -> JudgeAssignment:
    """Give the entry to one more judge of its panel: the least loaded without a conflict."""
    taken = set(db.session.scalars(select(JudgeAssignment.judge_id).where(
        JudgeAssignment.round_id == rnd.id, JudgeAssignment.entry_id == entry.id)))
    declared = _declared([entry.id])
    candidates = []
    for member in rnd.panel:
        if member.category_id != entry.category_id or member.judge_id in taken:
            continue
        load = db.session.scalar(select(db.func.count(JudgeAssignment.id)).where(
            JudgeAssignment.round_id == rnd.id, JudgeAssignment.judge_id == member.judge_id,
            JudgeAssignment.state != "recused"))
        if member.max_load is not None and load >= member.max_load:
            continue
        if conflict_reason(member.judge, entry, declared):
            continue
        candidates.append((load, order_key(rnd.seed, member.judge_id, entry.id), member.judge_id))
    if not candidates:
        raise ServiceError(_("No other judge of the panel can take %(number)s: add a judge to the panel first.",
                             number=entry.number))
    judge_id = min(candidates)[2]
    new = JudgeAssignment(round_id=rnd.id, entry_id=entry.id, judge_id=judge_id,
                          order_key=order_key(rnd.seed, judge_id, entry.id))
    db.session.add(new)
    db.session.flush()
    return new
