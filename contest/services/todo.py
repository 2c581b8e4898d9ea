"""What waits for an organiser, across the contests they manage: read in one
grouped query per kind, never one per contest."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Contest, Entry, JudgeAssignment, Objection, Round, VoteFlag

# A round this close to its end with assignments still unscored is behind.
NEAR_END = timedelta(days=2)


@dataclass(frozen=True)
class LateRound:
    round: Round
    ends_at: datetime
    pending: int        # assignments no judge has scored yet
    overdue: bool       # still open after its end


@dataclass
class Todo:
    to_screen: dict[int, int] = field(default_factory=dict)        # contest id → entries
    flagged: dict[int, int] = field(default_factory=dict)          # entries to screen carrying a flag
    vote_flags: dict[int, int] = field(default_factory=dict)       # brushing patterns not yet decided
    objections: dict[int, int] = field(default_factory=dict)       # 公示 objections not yet answered
    late_rounds: list[LateRound] = field(default_factory=list)

    def contest_ids(self) -> set[int]:
        ids = set(self.to_screen) | set(self.flagged) | set(self.vote_flags) | set(self.objections)
        return ids | {r.round.contest_id for r in self.late_rounds}

    def totals(self) -> dict[str, int]:
        return {"to_screen": sum(self.to_screen.values()), "flagged": sum(self.flagged.values()),
                "vote_flags": sum(self.vote_flags.values()), "objections": sum(self.objections.values()),
                "late_rounds": len(self.late_rounds)}


def _grouped(column, *where) -> dict[int, int]:
    return dict(db.session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def todo(contest_ids: list[int], now: datetime) -> Todo:
    if not contest_ids:
        return Todo()
    waiting = (Entry.contest_id.in_(contest_ids), Entry.status == "submitted")
    return Todo(
        to_screen=_grouped(Entry.contest_id, *waiting),
        flagged=_grouped(Entry.contest_id, *waiting, Entry.flagged.is_(True)),
        vote_flags=_grouped(VoteFlag.contest_id, VoteFlag.contest_id.in_(contest_ids), VoteFlag.state == "open"),
        objections=_grouped(Objection.contest_id, Objection.contest_id.in_(contest_ids), Objection.state == "open"),
        late_rounds=_late_rounds(contest_ids, now),
    )


def _late_rounds(contest_ids: list[int], now: datetime) -> list[LateRound]:
    """Open rounds past their end (the round's own, else the contest's judging
    end), and open rounds near it with assignments unscored."""
    pending = (select(JudgeAssignment.round_id, func.count().label("n"))
               .where(JudgeAssignment.state == "pending").group_by(JudgeAssignment.round_id).subquery())
    rows = db.session.execute(
        select(Round, Round.closes_at, Contest.judging_end, func.coalesce(pending.c.n, 0))
        .join(Contest, Round.contest_id == Contest.id)
        .outerjoin(pending, pending.c.round_id == Round.id)
        .where(Round.contest_id.in_(contest_ids), Round.state == "open")
        .order_by(Round.id)).all()
    late = []
    for rnd, closes_at, judging_end, n in rows:
        ends_at = closes_at or judging_end
        if ends_at is None:
            continue
        if ends_at <= now or (ends_at - now <= NEAR_END and n):
            late.append(LateRound(rnd, ends_at, n, ends_at <= now))
    return late
