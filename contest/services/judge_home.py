"""What a judge sees first: their rounds grouped by contest, each contest named
with its year and code (offices reuse round names every year), current work first."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Contest, JudgeAssignment, Programme, Round, User

# Open rounds are the work of today; rounds being set up come next; finished ones last.
STATE_ORDER = {"open": 0, "draft": 1, "closed": 2, "finalised": 3}


@dataclass
class RoundLine:
    round: Round
    total: int
    done: int


@dataclass
class ContestRounds:
    contest: Contest
    year: int
    lines: list[RoundLine] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(line.round.state == "open" for line in self.lines)


def rounds_by_contest(judge: User) -> list[ContestRounds]:
    rows = db.session.execute(
        select(Round, func.count(JudgeAssignment.id),
               func.sum(case((JudgeAssignment.state == "scored", 1), else_=0)))
        .join(JudgeAssignment, JudgeAssignment.round_id == Round.id)
        .where(JudgeAssignment.judge_id == judge.id, JudgeAssignment.state != "recused")
        .options(selectinload(Round.contest).selectinload(Contest.programme))
        .group_by(Round.id)).all()
    groups: dict[int, ContestRounds] = {}
    for rnd, total, done in rows:
        contest = rnd.contest
        programme: Programme = contest.programme
        group = groups.setdefault(contest.id, ContestRounds(contest, programme.year))
        group.lines.append(RoundLine(rnd, total, done or 0))
    for group in groups.values():
        group.lines.sort(key=lambda line: (STATE_ORDER.get(line.round.state, 9), -line.round.position,
                                           -line.round.id))
    return sorted(groups.values(), key=lambda g: (not g.current, -g.year, -g.contest.id))
