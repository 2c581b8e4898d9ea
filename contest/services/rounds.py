"""Judging rounds: set-up, the entries each round takes, and its life
draft → open → closed → finalised."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from .. import scoring
from ..extensions import db
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
from . import audit, round_totals
from .errors import ServiceError, ValidationErrors
from .results import require_unpublished as require_results_unpublished


def _require_state(rnd: Round, *states: str) -> None:
    if rnd.state not in states:
        raise ServiceError(_("This cannot be done while the round is %(state)s.", state=state_label(rnd.state)))


def state_label(state: str) -> str:
    from ..templating import ROUND_STATE_LABELS

    return str(ROUND_STATE_LABELS[state])


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


def save_criterion(actor: User, rnd: Round, criterion: Criterion | None, data: dict) -> Criterion:
    _require_state(rnd, "draft")
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


def clear_assignment(rnd: Round) -> None:
    """Forget a draft round's assignment (its panel, k or categories changed)."""
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id))
    db.session.execute(delete(RoundEntry).where(RoundEntry.round_id == rnd.id))
    db.session.flush()
    round_totals.bump(db.session.connection(), {rnd.id})
    db.session.expire(rnd, ["results_version"])


def delete_criterion(actor: User, criterion: Criterion) -> None:
    rnd = criterion.round
    _require_state(rnd, "draft")
    rnd.criteria.remove(criterion)
    db.session.flush()
    audit.record(actor, "round.criterion_remove", rnd, details={"name": criterion.name})


def add_judge(actor: User, rnd: Round, category: Category, judge: User, max_load: int | None = None) -> PanelMember:
    _require_state(rnd, "draft", "open")
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


def remove_judge(actor: User, member: PanelMember) -> None:
    _require_state(member.round, "draft")
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
    from ..sanitize import plain_text

    found = []
    entry_ids = select(RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id)
    for entry in db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids))):
        text = " ".join((entry.title, entry.summary, plain_text(entry.body)))
        for author in entry.authors:
            if len(author.name) >= 2 and author.name in text:
                found.append((entry, author.name))
                break
    return found


def open_round(actor: User, rnd: Round, now: datetime | None = None) -> None:
    _require_state(rnd, "draft")
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


def close_round(actor: User, rnd: Round) -> None:
    _require_state(rnd, "open")
    rnd.state = "closed"
    db.session.flush()
    audit.record(actor, "round.close", rnd)


def totals(rnd: Round) -> dict[int, dict[int, float]]:
    """entry id -> judge id -> total, from the final scores of the round."""
    stored = round_totals.final_totals(db.session.connection(), rnd.id)
    return {entry_id: dict(pairs) for entry_id, pairs in stored.items()}


class EntryRow(NamedTuple):
    id: int
    number: str | None
    title: str
    category_id: int


class RoundEntryRow(NamedTuple):
    id: int
    advanced: bool | None
    decision_reason: str | None


def _read(rnd: Round) -> tuple[list[tuple[RoundEntryRow, EntryRow]], dict[int, dict[int, float]]]:
    """The round's entries and their judges' totals, in one query of one row
    per entry (the totals are kept on the round entry: services/round_totals.py)."""
    found = db.session.execute(
        select(RoundEntry.id, RoundEntry.advanced, RoundEntry.decision_reason, RoundEntry.totals,
               Entry.id, Entry.number, Entry.title, Entry.category_id)
        .join(Entry, Entry.id == RoundEntry.entry_id).where(RoundEntry.round_id == rnd.id))
    items, by_entry = [], {}
    for re_id, advanced, reason, stored, entry_id, number, title, category_id in found:
        items.append((RoundEntryRow(re_id, advanced, reason), EntryRow(entry_id, number, title, category_id)))
        if stored:
            by_entry[entry_id] = round_totals.unpack(stored)
    return items, by_entry


def results(rnd: Round, read: tuple | None = None) -> list[dict]:
    """One row per entry of the round: totals by judge, the aggregate under the
    round's method, its rank within the category, spread and flags. Plain
    rows, not ORM objects: a round of 10,000 entries is one query."""
    items, by_entry = read or _read(rnd)
    agg = scoring.aggregate(by_entry, rnd.aggregation)
    spread = scoring.disagreement(by_entry)
    rows = []
    no_totals: dict = {}
    flag_at = rnd.disagreement_at
    for re, entry in items:
        d = spread.get(entry.id)
        rows.append({"round_entry": re, "entry": entry, "totals": by_entry.get(entry.id, no_totals),
                     "score": agg.get(entry.id), "rank": None,
                     "spread": d.spread if d else None, "stdev": d.stdev if d else None,
                     "flagged": d is not None and d.spread >= flag_at})
    # Ranks are within a category: categories compete separately.
    for cat_rows in _by_category(rows).values():
        rank = scoring.ranks({r["entry"].id: r["score"] for r in cat_rows if r["score"] is not None})
        for r in cat_rows:
            r["rank"] = rank.get(r["entry"].id)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["entry"].number or ""))
    return rows


def _by_category(rows: list[dict]) -> dict[int, list[dict]]:
    by_cat: dict[int, list[dict]] = {}
    for row in rows:
        by_cat.setdefault(row["entry"].category_id, []).append(row)
    return by_cat


def _cut(rows: list[dict], rnd: Round) -> None:
    """Apply the round's rule per category; ties at the cut all advance."""
    rule, value = rnd.advance_rule, float(rnd.advance_value or 0)
    for cat_rows in _by_category(rows).values():
        if rule == "top_n":
            places = int(value)
        elif rule == "top_percent":
            places = -(-len(cat_rows) * value // 100)
        else:
            places = None
        for row in cat_rows:
            re = row["round_entry"]
            if re.decision_reason or rule == "manual":
                row["advance"] = re.advanced   # decided by hand (None: not yet)
            elif row["score"] is None:
                row["advance"] = False
            elif rule == "min_score":
                # rounded like ranks, so 59.999999999999986 reaches a cut of 60
                row["advance"] = round(row["score"], 6) >= value
            else:
                row["advance"] = row["rank"] <= places
        # Ties at the cut: more advance than there are places, all on the last rank.
        if places:
            inside = [r for r in cat_rows if r["advance"] and r["rank"] is not None]
            if len(inside) > places:
                last = max(r["rank"] for r in inside)
                for r in inside:
                    r["tied_at_cut"] = r["rank"] == last


def set_advancement(actor: User, round_entry: RoundEntry, advanced: bool, reason: str) -> None:
    rnd = round_entry.round
    _require_state(rnd, "closed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationErrors({"reason": _("A change by hand needs a reason.")})
    before = round_entry.advanced
    round_entry.advanced = advanced
    round_entry.decision_reason = reason
    db.session.flush()
    audit.record(actor, "round.advance_manual", rnd, details={"entry": round_entry.entry.number,
                                                              "from": before, "to": advanced, "reason": reason})


def preview_advancement(rnd: Round, read: tuple | None = None) -> list[dict]:
    """The results with the rule applied, as row["advance"] (nothing is saved
    until the round is finalised)."""
    rows = results(rnd, read)
    _cut(rows, rnd)
    return rows


# Computed results per worker process, keyed by everything they depend on:
# the round's settings and its results version (raised by every change).
_TABLES: dict[tuple, object] = {}
_TABLES_KEPT = 16


def _kept(key: tuple, compute):
    if key not in _TABLES:
        _TABLES[key] = compute()
        while len(_TABLES) > _TABLES_KEPT:
            _TABLES.pop(next(iter(_TABLES)))
    return _TABLES[key]


def _stamp(rnd: Round) -> tuple:
    return (rnd.id, rnd.state, rnd.results_version, rnd.aggregation, rnd.advance_rule, rnd.advance_value,
            rnd.disagreement_at)


@contextmanager
def _collector_paused():
    # A table of 10,000 entries allocates some 200,000 short-lived objects
    # without cycles; the cyclic collector would sweep the whole heap several
    # times meanwhile (about a third of the time). It runs again right after.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def results_table(rnd: Round) -> list[dict]:
    """The organiser's results table (rows with the rule applied), computed
    once until a score, an assignment, a decision or the settings change."""
    def compute():
        with _collector_paused():
            return preview_advancement(rnd)

    return list(_kept(("table",) + _stamp(rnd), compute))


def method_ranks(rnd: Round) -> dict:
    """Each entry's rank under every method, and whether its advancement would
    change with the method (the robustness view), each category against its
    own number of places under the round's rule."""
    def compute():
        table = results_table(rnd)
        _items, by_entry = _read(rnd)
        stability: dict = {}
        with _collector_paused():
            for cat_rows in _by_category(table).values():
                places = max(1, sum(1 for r in cat_rows if r["advance"]))
                stability.update(scoring.robustness(
                    {r["entry"].id: by_entry[r["entry"].id] for r in cat_rows if r["entry"].id in by_entry},
                    places))
        return stability

    return _kept(("methods",) + _stamp(rnd), compute)


def finalise_round(actor: User, rnd: Round) -> None:
    """Freeze the round: scores stay as they are, each entry's score, rank and
    advancement are written, and the next round takes those who advanced."""
    _require_state(rnd, "closed")
    require_results_unpublished(rnd.contest)   # the published result stands on the rounds as they were
    rows = preview_advancement(rnd)
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


def declare_conflict(actor: User, rnd: Round, judge: User, number: str, reason: str) -> None:
    """An organiser records a conflict; an assignment that breaks it is moved."""
    from . import assigning

    _require_state(rnd, "draft", "open")
    entry = db.session.scalar(select(Entry).where(Entry.number == (number or "").strip(),
                                                  Entry.contest_id == rnd.contest_id))
    if entry is None:
        raise ValidationErrors({"number": _("No entry of this contest has that number.")})
    if not (reason or "").strip():
        raise ValidationErrors({"reason": _("Please give the reason.")})
    from ..models import DeclaredConflict

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
            assigning._reassign(rnd, entry)
    db.session.flush()
    audit.record(actor, "round.conflict_declared", rnd, details={"judge": judge.id, "entry": entry.number,
                                                                 "reason": reason.strip()})


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
