"""What a round's scores read like on paper and to its organisers: each judge's
评分表 (blind: entry number and title only), the panel's 汇总表, the judges'
comments beside their totals; and, where the contest chose it, the comments an
entrant reads after the final result, without the judges' names."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..exports.score_sheets_pdf import (
    JudgeSheet,
    SheetEntry,
    SummaryGroup,
    SummaryRow,
    write_judge_sheets_pdf,
    write_summary_pdf,
)
from ..extensions import db
from ..models import Category, Contest, Entry, JudgeAssignment, PanelMember, Round, RoundEntry, Score, User
from ..state import final_version
from . import audit, round_results
from .unit_of_work import writes


@dataclass
class Mark:
    """One judge's word on one entry: the total counts once submitted."""
    judge: User
    total: float | None
    comment: str
    submitted: bool


@dataclass
class ReportRow:
    entry_id: int
    number: str
    title: str
    category: Category
    rank: int | None
    score: float | None
    advanced: bool | None
    marks: list[Mark] = field(default_factory=list)


def _judges(ids) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(ids))))}


def _marks(rnd: Round) -> dict[int, list[tuple[int, float | None, str, bool]]]:
    """entry id -> (judge id, total, comment, submitted) of every judge still holding it."""
    rows = db.session.execute(
        select(JudgeAssignment.entry_id, JudgeAssignment.judge_id, Score.total, Score.comment, Score.final)
        .outerjoin(Score, Score.assignment_id == JudgeAssignment.id)
        .where(JudgeAssignment.round_id == rnd.id, JudgeAssignment.state != "recused")
        .order_by(JudgeAssignment.judge_id))
    out: dict[int, list] = {}
    for entry_id, judge_id, total, comment, final in rows:
        out.setdefault(entry_id, []).append((judge_id, total if final else None, comment or "", bool(final)))
    return out


def report_rows(rnd: Round) -> list[ReportRow]:
    """The round's entries by category (in the round's order), then rank, each
    with every judge's total and comment: for organisers only (it names judges)."""
    categories = {c.id: c for c in rnd.categories}
    order = {c.id: n for n, c in enumerate(rnd.categories)}
    marks = _marks(rnd)
    judges = _judges({j for held in marks.values() for j, *_rest in held})
    rows = []
    for r in round_results.results_table(rnd):
        entry = r["entry"]
        row = ReportRow(entry.id, entry.number or "", entry.title, categories[entry.category_id], r["rank"],
                        r["score"], r["round_entry"].advanced)
        row.marks = [Mark(judges[j], total, comment, submitted) for j, total, comment, submitted
                     in marks.get(entry.id, [])]
        rows.append(row)
    rows.sort(key=lambda row: (order[row.category.id], row.rank is None, row.rank or 0, row.number))
    return rows


def _panel_by_category(rnd: Round) -> dict[int, list[User]]:
    seats = db.session.scalars(select(PanelMember).where(PanelMember.round_id == rnd.id)
                               .order_by(PanelMember.judge_id))
    out: dict[int, list[User]] = {}
    for seat in seats:
        out.setdefault(seat.category_id, []).append(seat.judge)
    return out


def summary_groups(rnd: Round, rows: list[ReportRow] | None = None) -> list[SummaryGroup]:
    """The 汇总表: per category, entries × the category's judges."""
    rows = report_rows(rnd) if rows is None else rows
    panel = _panel_by_category(rnd)
    groups = []
    for category in rnd.categories:
        cat_rows = [r for r in rows if r.category.id == category.id]
        judges = list(panel.get(category.id, []))
        for r in cat_rows:   # a judge who left the panel after scoring still signs for it
            judges += [m.judge for m in r.marks if m.judge not in judges]
        groups.append(SummaryGroup(
            category=f"{category.code} {category.name}", judges=tuple(j.real_name for j in judges),
            rows=tuple(SummaryRow(
                rank=r.rank, number=r.number, title=r.title,
                totals=tuple(next((m.total for m in r.marks if m.judge.id == j.id), None) for j in judges),
                score=r.score, advanced=r.advanced) for r in cat_rows)))
    return groups


def judge_sheets(rnd: Round, judge: User) -> list[JudgeSheet]:
    """One 评分表 per category the judge scores in this round: the entries in
    the judge's own order, with what the judge has saved (blank otherwise)."""
    items = db.session.execute(
        select(JudgeAssignment, Entry.number, Entry.title, Entry.category_id)
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .where(JudgeAssignment.round_id == rnd.id, JudgeAssignment.judge_id == judge.id,
               JudgeAssignment.state != "recused")
        .order_by(JudgeAssignment.order_key, JudgeAssignment.id).options(selectinload(JudgeAssignment.score))).all()
    sheets = []
    for category in rnd.categories:
        mine = [(item, number, title) for item, number, title, cat_id in items if cat_id == category.id]
        if not mine:
            continue
        entries = []
        for serial, (item, number, title) in enumerate(mine, start=1):
            score = item.score
            values = score.values if score is not None else {}
            entries.append(SheetEntry(
                serial=serial, number=number or "", title=title,
                points=tuple(values.get(str(c.id)) for c in rnd.criteria),
                total=score.total if score is not None else None,
                comment=score.comment if score is not None else ""))
        sheets.append(JudgeSheet(judge=judge.real_name, category=f"{category.code} {category.name}",
                                 entries=tuple(entries)))
    return sheets


def _issuer(rnd: Round) -> str:
    return rnd.contest.lead_unit.name if rnd.contest.lead_unit else ""


def _criteria(rnd: Round) -> list[tuple[str, float]]:
    return [(c.name, c.max_points) for c in rnd.criteria]


def write_judge_sheets(rnd: Round, judge: User, target: BinaryIO,
                       render: Callable[..., str] = render_template) -> int:
    """The judge's 评分表 PDF; returns its page count."""
    return write_judge_sheets_pdf(target, contest_title=rnd.contest.title, round_name=rnd.name,
                                  issuer=_issuer(rnd), criteria=_criteria(rnd), sheets=judge_sheets(rnd, judge),
                                  render=render)


def write_summary(rnd: Round, method: str, target: BinaryIO, render: Callable[..., str] = render_template) -> int:
    """The round's 汇总表 PDF (`method`: how the score column is combined, in words)."""
    return write_summary_pdf(target, contest_title=rnd.contest.title, round_name=rnd.name, issuer=_issuer(rnd),
                             method=method, groups=summary_groups(rnd), render=render)


def sheet_judges(rnd: Round) -> Iterator[User]:
    """The judges who have a 评分表 in this round (an assignment not stepped back from), by id."""
    ids = select(JudgeAssignment.judge_id).where(JudgeAssignment.round_id == rnd.id,
                                                  JudgeAssignment.state != "recused")
    return iter(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


@writes
def set_judges_feedback(actor: User, contest: Contest, on: bool) -> None:
    """Whether entrants read the judges' comments (without names) once the final result is out."""
    if contest.judges_feedback != on:
        contest.judges_feedback = on
        db.session.flush()
        audit.record(actor, "contest.judges_feedback", contest, details={"on": on})


def feedback_for(entry: Entry) -> list[tuple[str, list[str]]]:
    """(round name, comments) for each finalised round the entry took part in,
    once the contest's final result is published and only if the contest shows
    feedback. No judge is named, and the comments are in the order of their text,
    so neither a name nor the order of the panel gives a judge away."""
    contest = entry.contest
    if not contest.judges_feedback or entry.number is None or final_version(contest) is None:
        return []
    rows = db.session.execute(
        select(Round.id, Round.name, Score.comment)
        .join(RoundEntry, RoundEntry.round_id == Round.id)
        .join(JudgeAssignment, (JudgeAssignment.round_id == Round.id) & (JudgeAssignment.entry_id == entry.id))
        .join(Score, Score.assignment_id == JudgeAssignment.id)
        .where(RoundEntry.entry_id == entry.id, Round.state == "finalised", JudgeAssignment.state != "recused",
               Score.final.is_(True), Score.comment != "")
        .order_by(Round.position))
    by_round: dict[int, tuple[str, list[str]]] = {}
    for round_id, name, comment in rows:
        by_round.setdefault(round_id, (name, []))[1].append(comment)
    return [(name, sorted(comments)) for name, comments in by_round.values()]
