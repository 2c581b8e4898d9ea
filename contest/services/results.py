"""The final ranking: the last judging round's scores blended with the public
vote, ranked per category with a stated tie-break; the organiser's award
levels and recommendations to the provincial selection, each audited."""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import scoring
from ..extensions import db
from ..labels import AWARD_LEVEL_LABELS
from ..models import (
    AWARD_LEVELS,
    VOTE_MAPPINGS,
    Category,
    Contest,
    Entry,
    ResultDecision,
    ResultSettings,
    ResultVersion,
    Round,
    RoundEntry,
    User,
    VoteTally,
)
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

MAX_REASON = 300   # the 推荐表 holds it on one page (exports/pdf.py REASON_LIMIT)


def award_label(level: str | None) -> str:
    label = AWARD_LEVEL_LABELS.get(level or "")
    return str(label) if label else ""


def authors_line(entry: Entry) -> str:
    """An entry's authors as every list of results shows them; a nomination
    shows its nominee (the person honoured), not the unit that nominated."""
    if entry.nominee_name:   # only nominations name one (services/entries.py)
        return entry.nominee_name
    return "、".join(a.name for a in entry.authors)


def settings_for(contest: Contest) -> ResultSettings:
    """The contest's settings, or the defaults until saved; either way the
    vote counts with the weight the contest announced."""
    found = db.session.get(ResultSettings, contest.id)
    return found or ResultSettings(contest_id=contest.id, contest=contest, vote_mapping="rank", award_counts={})


def finalised_rounds(contest: Contest) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.contest_id == contest.id, Round.state == "finalised")
                                   .order_by(Round.position)))


def judging_rounds(contest: Contest, settings: ResultSettings | None = None) -> dict[int, Round]:
    """category id -> the round whose scores count for it: the round chosen in
    the settings for the categories it covers, else the last finalised round
    that covers the category (rounds may judge some categories only)."""
    settings = settings or settings_for(contest)
    out: dict[int, Round] = {}
    for rnd in finalised_rounds(contest):   # in order: a later round replaces an earlier one
        for cat in rnd.categories:
            out[cat.id] = rnd
    if settings.round_id:
        chosen = next((r for r in finalised_rounds(contest) if r.id == settings.round_id), None)
        for cat in chosen.categories if chosen else ():
            out[cat.id] = chosen
    return out


def judging_round(contest: Contest, settings: ResultSettings | None = None) -> Round | None:
    """The last of the rounds that count (for the page's heading)."""
    rounds = judging_rounds(contest, settings)
    return max(rounds.values(), key=lambda r: r.position) if rounds else None


@writes
def lock(contest: Contest) -> None:
    """Serialise the organisers' changes to a contest's results (PostgreSQL
    locks the contest row; SQLite's writers are serialised already)."""
    db.session.execute(select(Contest.id).where(Contest.id == contest.id).with_for_update())


def _percent(raw, errors: dict) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        errors["vote_weight"] = _("Please enter a whole number from 0 to 100.")
        return None
    return int(text)


@writes
def save_settings(actor: User, contest: Contest, data: dict) -> ResultSettings:
    """data: vote_weight (per cent: the contest's announced share of the vote,
    changed here for the contest itself), vote_mapping, round_id (or None) and
    award_counts {category id: {level: n}}."""
    lock(contest)
    require_unpublished(contest)
    errors: dict[str, str] = {}
    vote_weight = _percent(data.get("vote_weight"), errors)
    mapping = data.get("vote_mapping")
    if mapping not in VOTE_MAPPINGS:
        errors["vote_mapping"] = _("Please choose how votes become a score.")
    round_id = data.get("round_id") or None
    if round_id and not any(r.id == round_id for r in finalised_rounds(contest)):
        errors["round_id"] = _("Please choose a finalised round of this contest.")
    categories = {c.id for c in contest.categories}
    counts: dict[str, dict[str, int]] = {}
    for cat_id, levels in (data.get("award_counts") or {}).items():
        if int(cat_id) not in categories:
            continue
        row = {}
        for level in AWARD_LEVELS:
            raw = levels.get(level)
            n = 0 if raw in (None, "") else raw
            if isinstance(n, str) and n.strip().isdigit():
                n = int(n.strip())
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10_000:
                errors[f"award_{cat_id}_{level}"] = _("Please enter a whole number from 0 to 10000.")
                continue
            row[level] = n
        counts[str(cat_id)] = row
    if errors:
        raise ValidationErrors(errors)
    before = contest.vote_weight
    contest.vote_weight = vote_weight
    settings = db.session.get(ResultSettings, contest.id) or ResultSettings(contest_id=contest.id, contest=contest)
    settings.vote_mapping, settings.round_id, settings.award_counts = mapping, round_id, counts
    db.session.add(settings)
    db.session.flush()
    audit.record(actor, "results.settings", contest, details={
        "vote_weight": {"from": before, "to": vote_weight}, "vote_mapping": mapping, "round": round_id,
        "award_counts": counts})
    return settings


def formula_text(settings: ResultSettings) -> str:
    """The formula, weights and tie-break rule, as shown on the page and in every export."""
    mapping = _("by rank within the category") if settings.vote_mapping == "rank" else _("on a log scale")
    if settings.vote_percent:
        formula = _("Final score = judges' score × %(wj)d%% + public vote score × %(wv)d%% (votes mapped to 0–100 "
                    "%(mapping)s).", wj=100 - settings.vote_percent, wv=settings.vote_percent, mapping=mapping)
    else:
        formula = _("Final score = judges' score × %(wj)d%% (the public vote does not count).", wj=100)
    return formula + " " + _("Ties: the higher judges' score first, then more valid votes; entries equal on all "
                             "three share the place.")


class Ranked(NamedTuple):
    entry_id: int
    number: str
    title: str
    category_id: int
    judge: float
    votes: int
    vote_score: float
    final: float
    rank: int
    suggested: str | None
    award: str | None
    recommended: bool
    reason: str | None


def ranking(contest: Contest, settings: ResultSettings | None = None) -> dict[int, list[Ranked]]:
    """category id -> its entries in final order: the entries scored in the
    category's judging round and still accepted; votes are the counted (not
    invalidated) votes kept in the tallies."""
    settings = settings or settings_for(contest)
    rounds = judging_rounds(contest, settings)
    if not rounds:
        return {}
    by_round: dict[int, set[int]] = {}
    for cat_id, rnd in rounds.items():
        by_round.setdefault(rnd.id, set()).add(cat_id)
    rows = db.session.execute(
        select(Entry.id, Entry.number, Entry.title, Entry.category_id, RoundEntry.round_id, RoundEntry.score,
               VoteTally.counted, ResultDecision.award, ResultDecision.recommended, ResultDecision.reason)
        .join(RoundEntry, RoundEntry.entry_id == Entry.id)
        .outerjoin(VoteTally, VoteTally.entry_id == Entry.id)
        .outerjoin(ResultDecision, ResultDecision.entry_id == Entry.id)
        .where(RoundEntry.round_id.in_(by_round), RoundEntry.score.is_not(None), Entry.status == "accepted",
               Entry.contest_id == contest.id)).all()
    by_cat: dict[int, list] = {}
    for row in rows:
        if row.category_id in by_round[row.round_id]:
            by_cat.setdefault(row.category_id, []).append(row)
    out = {}
    for cat_id, cat_rows in by_cat.items():
        judge = {r.id: r.score for r in cat_rows}
        votes = {r.id: r.counted or 0 for r in cat_rows}
        vote_score = scoring.vote_scores(votes, settings.vote_mapping)
        final = scoring.blend(judge, vote_score, settings.judge_weight, settings.vote_weight)
        rank = scoring.final_ranks(final, judge, votes)
        levels = (settings.award_counts or {}).get(str(cat_id), {})
        suggested = scoring.suggest_awards(rank, [(lv, levels.get(lv, 0)) for lv in AWARD_LEVELS])
        ranked = [Ranked(r.id, r.number, r.title, cat_id, judge[r.id], votes[r.id], vote_score[r.id], final[r.id],
                         rank[r.id], suggested.get(r.id), r.award, bool(r.recommended), r.reason)
                  for r in cat_rows]
        ranked.sort(key=lambda x: (x.rank, x.number))
        out[cat_id] = ranked
    return out


def require_unpublished(contest: Contest) -> None:
    """Once the final result is published, no decision and no setting changes."""
    if db.session.scalar(select(ResultVersion.id).where(ResultVersion.contest_id == contest.id,
                                                        ResultVersion.kind == "final")):
        raise ServiceError(_("The final result is published; the list can no longer change."))


def _decision(contest: Contest, entry: Entry) -> ResultDecision:
    found = db.session.scalar(select(ResultDecision).where(ResultDecision.entry_id == entry.id))
    if found is None:
        found = ResultDecision(contest_id=contest.id, entry_id=entry.id, recommended=False)
        db.session.add(found)
    return found


def _in_ranking(contest: Contest, entry: Entry) -> None:
    if entry.contest_id != contest.id or entry.status != "accepted" or not any(
            r.entry_id == entry.id for r in ranking(contest).get(entry.category_id, [])):
        raise ServiceError(_("This entry is not in the final ranking."))


@writes
def set_award(actor: User, contest: Contest, entry: Entry, award: str | None) -> None:
    if award not in (None, *AWARD_LEVELS):
        raise ServiceError(_("Please choose an award level."), "award")
    lock(contest)
    require_unpublished(contest)
    _in_ranking(contest, entry)
    decision = _decision(contest, entry)
    before = decision.award
    decision.award = award
    db.session.flush()
    audit.record(actor, "results.award", entry, details={"from": before, "to": award})


@writes
def set_recommendation(actor: User, contest: Contest, entry: Entry, recommended: bool, reason: str) -> None:
    """Recommend an entry to the provincial selection (reason required, within
    the category's quota) or withdraw the recommendation (always possible
    until the final result, even for an entry no longer ranked)."""
    lock(contest)
    require_unpublished(contest)
    if entry.contest_id != contest.id:
        raise ServiceError(_("This entry is not in the final ranking."))
    reason = (reason or "").strip()
    if recommended:
        _in_ranking(contest, entry)
        if not reason:
            raise ServiceError(_("Please give the reason for the recommendation."), "reason")
        if len(reason) > MAX_REASON:
            raise ServiceError(_("The reason may be at most %(n)d characters.", n=MAX_REASON), "reason")
        category = db.session.get(Category, entry.category_id)
        quota = category.recommend_quota
        taken = len(recommended_ids(contest, category) - {entry.id})
        if quota is not None and taken >= quota:
            raise ServiceError(_("%(category)s may recommend at most %(n)d entries; withdraw one first.",
                                 category=category.name, n=quota))
    decision = _decision(contest, entry)
    decision.recommended, decision.reason = recommended, (reason if recommended else decision.reason)
    db.session.flush()
    audit.record(actor, "results.recommend" if recommended else "results.unrecommend", entry,
                 details={"reason": reason} if recommended else None)


@writes
def decide(actor: User, contest: Contest, entry: Entry, award: str | None, recommended: bool, reason: str) -> None:
    """One submit per entry: its award level and its recommendation (with the
    reason) together; each change audited as its own decision, nothing changed
    unless all of it can be."""
    decision = db.session.scalar(select(ResultDecision).where(ResultDecision.entry_id == entry.id))
    if (decision.award if decision else None) != award:
        set_award(actor, contest, entry, award)
    was = bool(decision and decision.recommended)
    reason = (reason or "").strip()
    if recommended and (not was or reason != (decision.reason or "")):
        set_recommendation(actor, contest, entry, True, reason)
    elif was and not recommended:
        set_recommendation(actor, contest, entry, False, "")


def people(entry_ids: list[int]) -> dict[int, tuple[str, str]]:
    """entry id -> (authors, submitting unit), for a page of the ranking."""
    found = db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids))
                               .options(selectinload(Entry.authors), selectinload(Entry.unit)))
    return {e.id: (authors_line(e), e.unit.name if e.unit else "") for e in found}


def quotas(contest: Contest, ranked: dict[int, list[Ranked]]) -> list[tuple[Category, int, int | None]]:
    """(category, recommended so far, its quota or None) for every category."""
    return [(c, sum(1 for r in ranked.get(c.id, []) if r.recommended), c.recommend_quota)
            for c in contest.categories]


def recommended_ids(contest: Contest, category: Category | None = None) -> set[int]:
    """The recommended entries of the final ranking (an entry that left it
    no longer takes a place of the quota)."""
    ranked = ranking(contest)
    cats = [category.id] if category is not None else list(ranked)
    return {r.entry_id for c in cats for r in ranked.get(c, []) if r.recommended}


@writes
def apply_suggestions(actor: User, contest: Contest, category: Category) -> int:
    """Give every entry of the category its suggested level (none beyond the
    counts); returns how many changed. Each change is in the audit event."""
    lock(contest)
    require_unpublished(contest)
    entries = {e.id: e for e in db.session.scalars(select(Entry).where(Entry.category_id == category.id))}
    changes = []
    for row in ranking(contest).get(category.id, []):
        if row.award != row.suggested:
            _decision(contest, entries[row.entry_id]).award = row.suggested
            changes.append({"entry": row.entry_id, "from": row.award, "to": row.suggested})
    db.session.flush()
    audit.record(actor, "results.apply_suggestions", contest, details={
        "category": category.id, "changed": len(changes), "changes": changes})
    return len(changes)
