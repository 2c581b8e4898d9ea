"""Judging maths, pure (no Flask, no database): a judge's weighted total, the
aggregation methods, disagreement, and ranks under every method."""
from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

METHODS = ("mean", "median", "trimmed", "zscore")
TRIM_FROM = 5      # entries with at least this many totals lose their single highest and lowest
ZSCORE_MIN = 5     # judges with fewer totals than this are standardised with the round's figures


@dataclass(frozen=True)
class Criterion:
    key: object
    max_points: float
    weight: float


def judge_total(scores: Mapping[object, float], criteria: Iterable[Criterion]) -> float:
    """100 × Σ wᶜ·sᶜ/maxᶜ ÷ Σ wᶜ over the criteria (a missing score counts 0)."""
    criteria = list(criteria)
    weights = sum(c.weight for c in criteria)
    if weights <= 0:
        raise ValueError("criteria need a positive total weight")
    return 100 * sum(c.weight * scores.get(c.key, 0) / c.max_points for c in criteria) / weights


Totals = Mapping[object, Mapping[object, float]]   # entry -> judge -> total


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def trimmed(values: list[float]) -> float:
    if len(values) >= TRIM_FROM:
        ordered = sorted(values)[1:-1]
        return mean(ordered)
    return mean(values)


def _pstdev(values: list[float]) -> float:
    # statistics.pstdev is exact (fractions) and ~50x slower; floats are plenty here.
    n = len(values)
    if n < 2:
        return 0.0
    m = sum(values) / n
    return math.sqrt(sum([(x - m) * (x - m) for x in values]) / n)


def zscore(totals: Totals) -> dict[object, float]:
    """μ + σ · mean(zᵢⱼ), zᵢⱼ = (xᵢⱼ − μⱼ)/σⱼ per judge; a judge with fewer than
    ZSCORE_MIN totals, or σⱼ = 0, is standardised with the round's μ and σ."""
    per_judge: dict[object, list[float]] = {}
    for by_judge in totals.values():
        for judge, x in by_judge.items():
            per_judge.setdefault(judge, []).append(x)
    everything = [x for xs in per_judge.values() for x in xs]
    if not everything:
        return {}
    mu, sigma = mean(everything), _pstdev(everything)
    if sigma == 0:   # every total the same: nothing to standardise
        return {entry: mu for entry, by_judge in totals.items() if by_judge}
    centre, scale = {}, {}
    for judge, xs in per_judge.items():
        s = _pstdev(xs)
        centre[judge], scale[judge] = (mean(xs), s) if len(xs) >= ZSCORE_MIN and s > 0 else (mu, sigma)
    out = {}
    for entry, by_judge in totals.items():
        if by_judge:
            z = sum([(x - centre[j]) / scale[j] for j, x in by_judge.items()])
            out[entry] = mu + sigma * z / len(by_judge)
    return out


def aggregate(totals: Totals, method: str) -> dict[object, float]:
    if method == "zscore":
        return zscore(totals)
    fn = {"mean": mean, "median": statistics.median, "trimmed": trimmed}.get(method)
    if fn is None:
        raise ValueError(f"unknown method {method!r}")
    return {entry: float(fn(list(by_judge.values()))) for entry, by_judge in totals.items() if by_judge}


class Disagreement(NamedTuple):
    spread: float
    stdev: float


def disagreement(totals: Totals) -> dict[object, Disagreement]:
    out = {}
    for entry, by_judge in totals.items():
        xs = list(by_judge.values())
        if xs:
            out[entry] = Disagreement(max(xs) - min(xs), _pstdev(xs))
    return out


def ranks(scores: Mapping[object, float], places: int = 6) -> dict[object, int]:
    """Competition ranking (1, 2, 2, 4): equal scores share a rank. Scores are
    compared rounded, so float noise does not split a tie."""
    rounded = {e: round(s, places) for e, s in scores.items()}
    ordered = sorted(rounded.values(), reverse=True)
    first = {}
    for i, s in enumerate(ordered, start=1):
        first.setdefault(s, i)
    return {e: first[s] for e, s in rounded.items()}


def robustness(totals: Totals, cut: int) -> dict[object, dict]:
    """Each entry's score and rank under every method, and whether it falls
    inside the top `cut` under some methods but not others (its advancement
    would change with the method)."""
    scores = {m: aggregate(totals, m) for m in METHODS}
    by_method = {m: ranks(s) for m, s in scores.items()}
    out = {}
    for entry in totals:
        entry_ranks = {m: r.get(entry) for m, r in by_method.items()}
        inside = {m for m, r in entry_ranks.items() if r is not None and r <= cut}
        out[entry] = {"ranks": entry_ranks, "scores": {m: s.get(entry) for m, s in scores.items()},
                      "unstable": 0 < len(inside) < len(METHODS)}
    return out


def is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def vote_scores(votes: Mapping[object, int], method: str) -> dict[object, float]:
    """Votes mapped to 0–100 within one category. "rank": the most voted get
    100 and the least 0, evenly by place among the distinct vote counts (equal
    votes, equal score; all equal: 0, the vote then separates no one). "log":
    100 × ln(1 + v) / ln(1 + most), so a lead of thousands of votes weighs
    less than it would counted plainly."""
    if not votes:
        return {}
    if method == "log":
        most = max(votes.values())
        if most <= 0:
            return {e: 0.0 for e in votes}
        return {e: 100 * math.log1p(max(v, 0)) / math.log1p(most) for e, v in votes.items()}
    levels = sorted(set(votes.values()))
    if len(levels) == 1:
        return {e: 0.0 for e in votes}
    place = {v: i for i, v in enumerate(levels)}
    return {e: 100 * place[v] / (len(levels) - 1) for e, v in votes.items()}


def blend(judge: Mapping[object, float], vote: Mapping[object, float], judge_weight: float,
          vote_weight: float) -> dict[object, float]:
    """final = judge_weight × judge score + vote_weight × vote score, for the
    entries with a judge score (an entry without votes scores 0 on the vote)."""
    return {e: judge_weight * s + vote_weight * vote.get(e, 0.0) for e, s in judge.items()}


def final_ranks(final: Mapping[object, float], judge: Mapping[object, float],
                votes: Mapping[object, int], places: int = 6) -> dict[object, int]:
    """Competition ranking by final score; equal finals are ordered by the
    judge score, then by votes; entries equal on all three share a rank."""
    def key(e):
        return (-round(final[e], places), -round(judge.get(e, 0.0), places), -votes.get(e, 0))

    ordered = sorted(final, key=key)
    out: dict[object, int] = {}
    for i, e in enumerate(ordered, start=1):
        out[e] = out[ordered[i - 2]] if i > 1 and key(ordered[i - 2]) == key(e) else i
    return out


def suggest_awards(rank: Mapping[object, int], counts: Iterable[tuple[str, int]]) -> dict[object, str]:
    """Award levels by rank: the first n1 places the first level, the next n2
    the second ... Entries tied on a boundary all take the higher level (the
    organiser sees that a level holds more than its count)."""
    out: dict[object, str] = {}
    bound = 0
    for level, n in counts:
        if n <= 0:
            continue
        bound += n
        for e, r in rank.items():
            if e not in out and r <= bound:
                out[e] = level
    return out


# --- advancement --------------------------------------------------------------
# A results row is a dict with "entry" (.category_id), "round_entry"
# (.advanced, .decision_reason), "score" and "rank" (within its category).

def by_category(rows: list[dict]) -> dict[int, list[dict]]:
    """The rows grouped by their entry's category, in order."""
    by_cat: dict[int, list[dict]] = {}
    for row in rows:
        by_cat.setdefault(row["entry"].category_id, []).append(row)
    return by_cat


def apply_advancement_rule(rows: list[dict], rule: str, value: float | None) -> None:
    """Set row["advance"] under a round's rule (top_n, top_percent, min_score
    or manual), per category; ties at the cut all advance, and are marked
    row["tied_at_cut"]. A decision by hand (a reason given) stands and is
    marked row["by_hand"]: it takes none of the rule's places and is never
    called a tie (an entry let through below the cut is not 并列)."""
    value = float(value or 0)
    for cat_rows in by_category(rows).values():
        if rule == "top_n":
            places = int(value)
        elif rule == "top_percent":
            places = -(-len(cat_rows) * value // 100)
        else:
            places = None
        for row in cat_rows:
            re = row["round_entry"]
            if row["score"] is None or rule == "manual":
                by_rule = False if row["score"] is None else None
            elif rule == "min_score":
                # rounded like ranks, so 59.999999999999986 reaches a cut of 60
                by_rule = round(row["score"], 6) >= value
            else:
                by_rule = row["rank"] <= places
            row["by_hand"] = bool(re.decision_reason) or rule == "manual"
            row["advance"] = re.advanced if row["by_hand"] else by_rule   # by hand: None while undecided
            row["by_rule"], row["tied_at_cut"] = by_rule, False
        # Ties at the cut: the rule lets more through than there are places, all on the last rank.
        if places:
            inside = [r for r in cat_rows if r["by_rule"] and r["rank"] is not None]
            if len(inside) > places:
                last = max(r["rank"] for r in inside)
                for r in inside:
                    r["tied_at_cut"] = r["rank"] == last and not r["by_hand"]
