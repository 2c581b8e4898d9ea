"""Judging rounds: set-up, the entries each round takes, and its life
draft → open → closed (finalising: services/advancement.py); the results table
is services/round_results.py, conflicts declared by organisers services/conflicts.py."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..extensions import db
from ..labels import ROUND_STATE_LABELS
from ..models import (
    ADVANCE_RULES,
    AGGREGATIONS,
    Category,
    Contest,
    Criterion,
    Entry,
    JudgeAssignment,
    PanelMember,
    Round,
    RoundEntry,
    User,
)
from ..models.timestamps import utcnow
from ..sanitize import plain_text
from . import audit, round_totals
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes


def require_state(rnd: Round, *states: str) -> None:
    """Refuse (ServiceError) unless the round is in one of these states."""
    if rnd.state not in states:
        raise ServiceError(_("This cannot be done while the round is %(state)s.", state=state_label(rnd.state)))


def state_label(state: str) -> str:
    return str(ROUND_STATE_LABELS[state])


@writes
def save_round(actor: User, contest: Contest, rnd: Round | None, data: dict) -> Round:
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Please enter a name, e.g. 初评.")
    cats = data.get("categories") or []
    if not cats or any(c.contest_id != contest.id for c in cats):
        errors["categories"] = _("Please choose the categories this round covers.")
    k = data.get("judges_per_entry")
    if k is not None and not 1 <= k <= 50:
        errors["judges_per_entry"] = _("Please enter a number from %(low)d to %(high)d.", low=1, high=50)
    if data.get("aggregation") not in AGGREGATIONS:
        errors["aggregation"] = _("Please choose how the judges' totals are combined.")
    if data.get("advance_rule") not in ADVANCE_RULES:
        errors["advance_rule"] = _("Please choose an advancement rule.")
    elif data["advance_rule"] != "manual" and data.get("advance_value") is None:
        errors["advance_value"] = _("Please give the number, percentage or score for this rule.")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and not opens < closes:
        errors["closes_at"] = _("This date must come after the one before it.")
    if errors:
        raise ValidationErrors(errors)
    creating = rnd is None
    if creating:
        last = db.session.scalar(select(func.max(Round.position)).where(Round.contest_id == contest.id)) or 0
        rnd = Round(contest=contest, position=last + 1, seed=contest.id * 1000 + last + 1)
        db.session.add(rnd)
    elif rnd.state != "draft":
        # Once open, only the closing time may move.
        rnd.closes_at = closes
        db.session.flush()
        audit.record(actor, "round.update", rnd, details={"closes_at": str(closes)})
        return rnd
    if not creating and (k != rnd.judges_per_entry or {c.id for c in cats} != {c.id for c in rnd.categories}):
        clear_assignment(rnd)   # made for other settings: must be made again
    rnd.name, rnd.categories, rnd.judges_per_entry = name, list(cats), k
    rnd.blind = bool(data.get("blind", True))
    rnd.opens_at, rnd.closes_at = opens, closes
    rnd.aggregation, rnd.advance_rule = data["aggregation"], data["advance_rule"]
    rnd.advance_value = data.get("advance_value")
    at = data.get("disagreement_at")
    rnd.disagreement_at = 25.0 if at is None else float(at)
    db.session.flush()
    audit.record(actor, "round.create" if creating else "round.update", rnd, details={"name": name})
    return rnd


@writes
def save_criterion(actor: User, rnd: Round, criterion: Criterion | None, data: dict) -> Criterion:
    require_state(rnd, "draft")
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Please enter a name.")
    max_points = data.get("max_points")
    if max_points is None or max_points <= 0:
        errors["max_points"] = _("Please enter a positive number.")
    weight = data.get("weight")
    if weight is not None and weight <= 0:
        errors["weight"] = _("Please enter a positive number.")
    if errors:
        raise ValidationErrors(errors)
    if criterion is None:
        criterion = Criterion(round=rnd, position=len(rnd.criteria))
        db.session.add(criterion)
    criterion.name = data["name"].strip()
    criterion.guidance = (data.get("guidance") or "").strip()
    criterion.max_points = float(max_points)
    criterion.weight = float(weight) if weight is not None else float(max_points)  # default: its points
    db.session.flush()
    audit.record(actor, "round.criterion", rnd, details={"name": criterion.name, "max": criterion.max_points,
                                                         "weight": criterion.weight})
    return criterion


@writes
def clear_assignment(rnd: Round) -> None:
    """Forget a draft round's assignment (its panel, k or categories changed)."""
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id))
    db.session.execute(delete(RoundEntry).where(RoundEntry.round_id == rnd.id))
    db.session.flush()
    round_totals.bump(db.session.connection(), {rnd.id})
    db.session.expire(rnd, ["results_version"])


@writes
def delete_criterion(actor: User, criterion: Criterion) -> None:
    rnd = criterion.round
    require_state(rnd, "draft")
    rnd.criteria.remove(criterion)
    db.session.flush()
    audit.record(actor, "round.criterion_remove", rnd, details={"name": criterion.name})


@writes
def add_judge(actor: User, rnd: Round, category: Category, judge: User, max_load: int | None = None) -> PanelMember:
    require_state(rnd, "draft", "open")
    if not judge.has_role("judge"):
        raise ServiceError(_("%(name)s does not have the judge role.", name=judge.real_name), "judge")
    if category not in rnd.categories:
        raise ServiceError(_("This round does not cover that category."), "category")
    if any(p.judge_id == judge.id and p.category_id == category.id for p in rnd.panel):
        raise ServiceError(_("This judge is already on the panel for that category."), "judge")
    if max_load is not None and max_load < 1:
        raise ValidationErrors({"max_load": _("Please enter a positive number.")})
    member = PanelMember(round=rnd, category=category, judge=judge, max_load=max_load)
    db.session.add(member)
    if rnd.state == "draft":
        clear_assignment(rnd)
    db.session.flush()
    audit.record(actor, "round.panel_add", rnd, details={"judge": judge.id, "category": category.code})
    return member


@writes
def add_judges(actor: User, rnd: Round, categories: list[Category], judges: list[User],
               max_load: int | None = None) -> int:
    """Put each judge on the panel of each category in one go (a pair already
    there is left as it is); one audit event per pair added. Returns how many
    were added."""
    if not judges:
        raise ValidationErrors({"judges": _("Please choose at least one judge.")})
    if not categories:
        raise ValidationErrors({"categories": _("Please choose at least one category.")})
    there = {(p.judge_id, p.category_id) for p in rnd.panel}
    added = 0
    for judge in judges:
        for category in categories:
            if (judge.id, category.id) not in there:
                add_judge(actor, rnd, category, judge, max_load)
                added += 1
    return added


@writes
def remove_judge(actor: User, member: PanelMember) -> None:
    require_state(member.round, "draft")
    rnd = member.round
    rnd.panel.remove(member)
    clear_assignment(rnd)
    db.session.flush()
    audit.record(actor, "round.panel_remove", rnd, details={"judge": member.judge_id})


def previous_round(rnd: Round) -> Round | None:
    return db.session.scalar(select(Round).where(Round.contest_id == rnd.contest_id,
                                                 Round.position < rnd.position)
                             .order_by(Round.position.desc()).limit(1))


def eligible_entries(rnd: Round) -> list[Entry]:
    """The first round takes the entries that passed 初审; a later round takes
    those its predecessor advanced."""
    cat_ids = [c.id for c in rnd.categories]
    before = previous_round(rnd)
    if before is not None and before.state != "finalised":
        return []   # the next round takes its entries only once this one is final
    if before is None:
        stmt = select(Entry).where(Entry.contest_id == rnd.contest_id, Entry.status == "accepted",
                                   Entry.category_id.in_(cat_ids))
    else:
        stmt = (select(Entry).join(RoundEntry, RoundEntry.entry_id == Entry.id)
                .where(RoundEntry.round_id == before.id, RoundEntry.advanced.is_(True),
                       Entry.category_id.in_(cat_ids)))
    return list(db.session.scalars(stmt.order_by(Entry.id)))


def self_named(rnd: Round) -> list[tuple[Entry, str]]:
    """Entries of a blind round whose own text names an author: the organiser
    should know before judges read them."""
    found = []
    entry_ids = select(RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id)
    for entry in db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids))):
        text = " ".join((entry.title, entry.summary, plain_text(entry.body)))
        for author in entry.authors:
            if len(author.name) >= 2 and author.name in text:
                found.append((entry, author.name))
                break
    return found


@writes
def open_round(actor: User, rnd: Round, now: datetime | None = None) -> None:
    require_state(rnd, "draft")
    problems = []
    if not rnd.criteria:
        problems.append(_("Add at least one criterion."))
    for cat in rnd.categories:
        if not any(p.category_id == cat.id for p in rnd.panel):
            problems.append(_("Category %(code)s has no judges.", code=cat.code))
    entry_count = db.session.scalar(select(func.count(RoundEntry.id)).where(RoundEntry.round_id == rnd.id))
    if not entry_count or not _assignment_current(rnd):
        problems.append(_("Assign the judges first."))
    if problems:
        raise ServiceError(" ".join(problems))
    rnd.state = "open"
    rnd.opens_at = rnd.opens_at or (now or utcnow())
    db.session.flush()
    audit.record(actor, "round.open", rnd, details={"entries": entry_count})


def _assignment_current(rnd: Round) -> bool:
    """The saved assignment still fits: the same entries, k judges each (at
    least one when all panel judges score), all of them on the panel now."""
    listed = set(db.session.scalars(select(RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id)))
    if listed != {e.id for e in eligible_entries(rnd)}:
        return False
    panel = {(p.category_id, p.judge_id) for p in rnd.panel}
    held: dict[int, int] = {}
    rows = db.session.execute(
        select(JudgeAssignment.entry_id, JudgeAssignment.judge_id, Entry.category_id)
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .where(JudgeAssignment.round_id == rnd.id, JudgeAssignment.state != "recused"))
    for entry_id, judge_id, category_id in rows:
        if (category_id, judge_id) not in panel:
            return False
        held[entry_id] = held.get(entry_id, 0) + 1
    need = rnd.judges_per_entry or 1
    return all(held.get(e, 0) >= need for e in listed)


@writes
def close_round(actor: User, rnd: Round) -> None:
    require_state(rnd, "open")
    rnd.state = "closed"
    db.session.flush()
    audit.record(actor, "round.close", rnd)


def progress_by_category(rnd: Round) -> list[dict]:
    rows = db.session.execute(
        select(Entry.category_id, JudgeAssignment.state, func.count(JudgeAssignment.id))
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .where(JudgeAssignment.round_id == rnd.id, JudgeAssignment.state != "recused")
        .group_by(Entry.category_id, JudgeAssignment.state))
    counts: dict[int, dict[str, int]] = {}
    for category_id, state, n in rows:
        counts.setdefault(category_id, {})[state] = n
    return [{"category": c, "assigned": sum(counts.get(c.id, {}).values()),
             "scored": counts.get(c.id, {}).get("scored", 0)} for c in rnd.categories]


def progress(rnd: Round) -> list[dict]:
    """Per judge: assigned, scored, recused."""
    rows = db.session.execute(
        select(JudgeAssignment.judge_id, JudgeAssignment.state, func.count(JudgeAssignment.id))
        .where(JudgeAssignment.round_id == rnd.id).group_by(JudgeAssignment.judge_id, JudgeAssignment.state))
    by_judge: dict[int, dict[str, int]] = {}
    for judge_id, state, n in rows:
        by_judge.setdefault(judge_id, {})[state] = n
    judges = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_judge))))}
    out = []
    for judge_id, counts in by_judge.items():
        assigned = counts.get("pending", 0) + counts.get("scored", 0)
        out.append({"judge": judges[judge_id], "assigned": assigned, "scored": counts.get("scored", 0),
                    "recused": counts.get("recused", 0)})
    out.sort(key=lambda r: (r["scored"] / r["assigned"] if r["assigned"] else 1, r["judge"].id))
    return out
