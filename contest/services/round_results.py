"""A round's results: each entry's judges' totals, the aggregate under the
round's method, ranks within its category, disagreement and the advancement
the rule gives (nothing saved: services/advancement.py finalises). The
organiser's table is computed once per process until anything it depends on
changes."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import select

from .. import scoring
from ..extensions import db
from ..models import Entry, Round, RoundEntry
from . import round_totals


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
    for cat_rows in scoring.by_category(rows).values():
        rank = scoring.ranks({r["entry"].id: r["score"] for r in cat_rows if r["score"] is not None})
        for r in cat_rows:
            r["rank"] = rank.get(r["entry"].id)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["entry"].number or ""))
    return rows


def preview_advancement(rnd: Round, read: tuple | None = None) -> list[dict]:
    """The results with the rule applied, as row["advance"] (nothing is saved
    until the round is finalised)."""
    rows = results(rnd, read)
    scoring.apply_advancement_rule(rows, rnd.advance_rule, rnd.advance_value)
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
    own number of places under the round's rule (entries let through by
    hand take none of them)."""
    def compute():
        table = results_table(rnd)
        _items, by_entry = _read(rnd)
        stability: dict = {}
        with _collector_paused():
            for cat_rows in scoring.by_category(table).values():
                places = max(1, sum(1 for r in cat_rows
                                     if (r["advance"] if r["by_rule"] is None else r["by_rule"])))
                stability.update(scoring.robustness(
                    {r["entry"].id: by_entry[r["entry"].id] for r in cat_rows if r["entry"].id in by_entry},
                    places))
        return stability

    return _kept(("methods",) + _stamp(rnd), compute)
