"""Every method against numbers worked out by hand."""
import math
import statistics
from types import SimpleNamespace

import pytest

from contest import scoring
from contest.scoring import Criterion

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py


def approx(x):
    return pytest.approx(x, abs=1e-9)


@pytest.mark.parametrize("scores, criteria, expected", [
    # default weight = max points: plain percentage of the points
    ({"a": 8, "b": 15}, [Criterion("a", 10, 10), Criterion("b", 20, 20)], 100 * 23 / 30),
    # weights differ from max points: 100 × (2·8/10 + 1·10/20) / 3
    ({"a": 8, "b": 10}, [Criterion("a", 10, 2), Criterion("b", 20, 1)], 100 * (1.6 + 0.5) / 3),
    # a missing criterion counts zero
    ({"a": 10}, [Criterion("a", 10, 1), Criterion("b", 10, 1)], 50.0),
    ({}, [Criterion("a", 10, 1)], 0.0),
])
def test_judge_total(scores, criteria, expected):
    assert scoring.judge_total(scores, criteria) == approx(expected)


def test_judge_total_needs_weights():
    with pytest.raises(ValueError):
        scoring.judge_total({"a": 1}, [Criterion("a", 10, 0)])


OUTLIER = {"e": {"j1": 80, "j2": 82, "j3": 78, "j4": 81, "j5": 20}}


@pytest.mark.parametrize("method, totals, expected", [
    ("mean", {"e": {"j1": 80, "j2": 70, "j3": 90}}, 80.0),
    ("median", {"e": {"j1": 80, "j2": 70, "j3": 95}}, 80.0),
    ("median", {"e": {"j1": 80, "j2": 70}}, 75.0),
    # fewer than 5 totals: trimmed is the mean
    ("trimmed", {"e": {"j1": 80, "j2": 70, "j3": 20, "j4": 90}}, 65.0),
    # an outlier judge: 5 totals, drop 82 and 20, mean of 80, 78, 81
    ("trimmed", OUTLIER, (80 + 78 + 81) / 3),
    ("mean", OUTLIER, (80 + 82 + 78 + 81 + 20) / 5),
    ("median", OUTLIER, 80.0),
])
def test_simple_methods(method, totals, expected):
    assert scoring.aggregate(totals, method)["e"] == approx(expected)


def test_zscore_by_hand():
    # Two judges with 5 entries each; judge B is 10 points harsher throughout.
    a = {"e1": 90, "e2": 80, "e3": 70, "e4": 60, "e5": 50}
    b = {e: x - 10 for e, x in a.items()}
    totals = {e: {"A": a[e], "B": b[e]} for e in a}
    out = scoring.zscore(totals)
    everything = list(a.values()) + list(b.values())
    mu, sigma = statistics.fmean(everything), statistics.pstdev(everything)   # 65, √(200+25)=15
    assert mu == 65 and sigma == approx(15.0)
    # each judge: σⱼ = √200; e1 has z = (90−70)/√200 from A and (80−60)/√200 from B
    z1 = 20 / 200 ** 0.5
    assert out["e1"] == approx(mu + sigma * z1)
    assert out["e3"] == approx(mu)   # the middle entry sits at the round's mean
    # the harsh judge no longer pulls its entries down: same order as A alone
    assert [e for e, _ in sorted(out.items(), key=lambda kv: -kv[1])] == ["e1", "e2", "e3", "e4", "e5"]


def test_zscore_judge_with_zero_sigma_uses_the_round_figures():
    # Judge C gives every entry 70 (σ = 0): standardised with the round's μ and σ.
    totals = {f"e{i}": {"A": 50 + 10 * i, "C": 70} for i in range(5)}
    everything = [50 + 10 * i for i in range(5)] + [70] * 5
    mu, sigma = statistics.fmean(everything), statistics.pstdev(everything)
    out = scoring.zscore(totals)
    a_values = [50 + 10 * i for i in range(5)]
    mu_a, sigma_a = statistics.fmean(a_values), statistics.pstdev(a_values)
    for i in range(5):
        z_a = (50 + 10 * i - mu_a) / sigma_a
        z_c = (70 - mu) / sigma
        assert out[f"e{i}"] == approx(mu + sigma * (z_a + z_c) / 2)


def test_zscore_judge_with_few_scores_uses_the_round_figures():
    totals = {"e1": {"A": 80, "B": 60}, "e2": {"A": 60, "B": 40}}
    everything = [80, 60, 60, 40]
    mu, sigma = 60.0, statistics.pstdev(everything)
    out = scoring.zscore(totals)
    assert out["e1"] == approx(mu + sigma * ((80 - mu) / sigma + (60 - mu) / sigma) / 2)
    assert out["e2"] == approx(mu + sigma * ((60 - mu) / sigma + (40 - mu) / sigma) / 2)


def test_zscore_when_everyone_gives_the_same():
    assert scoring.zscore({"e1": {"A": 70}, "e2": {"A": 70}}) == {"e1": 70.0, "e2": 70.0}


def test_disagreement():
    d = scoring.disagreement({"e": {"a": 60, "b": 90, "c": 75}, "f": {"a": 70}})
    assert d["e"].spread == 30 and d["e"].stdev == approx(statistics.pstdev([60, 90, 75]))
    assert d["f"].spread == 0 and d["f"].stdev == 0


def test_ranks_share_ties():
    assert scoring.ranks({"a": 90, "b": 85, "c": 85, "d": 80}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert scoring.ranks({"a": 0.1 + 0.2, "b": 0.3}) == {"a": 1, "b": 1}


def test_robustness_marks_entries_whose_advancement_depends_on_the_method():
    totals = {
        "w": {"j1": 90, "j2": 90, "j3": 90},      # mean 90,   median 90
        "x": {"j1": 100, "j2": 100, "j3": 50},    # mean 83.3, median 100
        "y": {"j1": 85, "j2": 85, "j3": 85},      # mean 85,   median 85
    }
    out = scoring.robustness(totals, cut=2)
    assert out["x"]["ranks"]["mean"] == 3 and out["x"]["ranks"]["median"] == 1
    assert out["y"]["ranks"]["mean"] == 2 and out["y"]["ranks"]["median"] == 3
    assert out["w"]["ranks"]["mean"] == 1 and out["w"]["ranks"]["median"] == 2
    # with two places, x and y are in under one method and out under another; w is in under all
    assert out["x"]["unstable"] and out["y"]["unstable"]
    assert out["w"]["unstable"] is False


def test_unknown_method():
    with pytest.raises(ValueError):
        scoring.aggregate({"e": {"a": 1}}, "borda")


# --- the final blend -----------------------------------------------------------

def test_votes_by_rank_spread_evenly_from_100_to_0_over_the_distinct_counts():
    got = scoring.vote_scores({"a": 50, "b": 20, "c": 20, "d": 0, "e": 7}, "rank")
    # distinct counts 0, 7, 20, 50: 0, 33.3, 66.7, 100
    assert got == pytest.approx({"a": 100.0, "b": 200 / 3, "c": 200 / 3, "d": 0.0, "e": 100 / 3})
    assert scoring.vote_scores({"a": 10, "b": 0, "c": 0}, "rank") == {"a": 100.0, "b": 0.0, "c": 0.0}
    # nobody ahead of anybody: the vote separates no one
    assert scoring.vote_scores({"only": 3}, "rank") == {"only": 0.0}
    assert scoring.vote_scores({"a": 0, "b": 0}, "rank") == {"a": 0.0, "b": 0.0}
    assert scoring.vote_scores({}, "rank") == {}


def test_votes_on_a_log_scale_damp_a_large_lead():
    got = scoring.vote_scores({"a": 999, "b": 99, "c": 0}, "log")
    assert got["a"] == 100.0 and got["c"] == 0.0
    # 66.67: a tenth of the votes, two thirds of the score
    assert got["b"] == pytest.approx(100 * math.log(100) / math.log(1000))
    assert scoring.vote_scores({"a": 0, "b": 0}, "log") == {"a": 0.0, "b": 0.0}


def test_blend_weights_both_parts_and_counts_no_votes_as_zero():
    final = scoring.blend({"a": 90.0, "b": 80.0}, {"a": 0.0, "b": 100.0}, 0.7, 0.3)
    assert final == pytest.approx({"a": 63.0, "b": 86.0})
    assert scoring.blend({"a": 90.0}, {}, 1.0, 0.5) == {"a": 90.0}


def test_final_ranks_break_ties_by_judges_then_votes_and_share_the_rest():
    final = {"a": 80.0, "b": 80.0, "c": 80.0, "d": 80.0, "e": 90.0}
    judge = {"a": 70.0, "b": 75.0, "c": 70.0, "d": 70.0, "e": 60.0}
    votes = {"a": 10, "b": 0, "c": 10, "d": 30, "e": 0}
    assert scoring.final_ranks(final, judge, votes) == {"e": 1, "b": 2, "d": 3, "a": 4, "c": 4}


def test_suggested_awards_follow_the_counts_and_ties_on_a_boundary_take_the_higher_level():
    rank = {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5, "f": 6}
    got = scoring.suggest_awards(rank, [("first", 1), ("second", 1), ("third", 2), ("merit", 0)])
    assert got == {"a": "first", "b": "second", "c": "second", "d": "third"}
    assert scoring.suggest_awards(rank, [("first", 0)]) == {}


# --- advancement (the round's rule, per category) -----------------------------

def _rows(*specs):
    """(category, score, rank[, advanced, reason]) -> results rows as round_results builds them."""
    rows = []
    for i, (cat, score, rank, *decided) in enumerate(specs):
        advanced, reason = decided if decided else (None, None)
        rows.append({"entry": SimpleNamespace(id=i, category_id=cat), "score": score, "rank": rank,
                     "round_entry": SimpleNamespace(advanced=advanced, decision_reason=reason)})
    return rows


def test_top_n_applies_per_category_and_ties_at_the_cut_all_advance():
    rows = _rows((1, 90, 1), (1, 80, 2), (1, 80, 2), (1, 70, 4), (2, 60, 1), (2, 50, 2))
    scoring.apply_advancement_rule(rows, "top_n", 2)
    assert [r["advance"] for r in rows] == [True, True, True, False, True, True]
    assert [r.get("tied_at_cut", False) for r in rows] == [False, True, True, False, False, False]


def test_top_percent_rounds_the_places_up():
    rows = _rows((1, 90, 1), (1, 80, 2), (1, 70, 3))
    scoring.apply_advancement_rule(rows, "top_percent", 50)   # 1.5 places: 2
    assert [r["advance"] for r in rows] == [True, True, False]


def test_min_score_is_compared_as_ranks_are_rounded():
    rows = _rows((1, 59.999999999999986, 1), (1, 59.9, 2), (1, None, None))
    scoring.apply_advancement_rule(rows, "min_score", 60)
    assert [r["advance"] for r in rows] == [True, False, False]


def test_a_decision_by_hand_stands_and_manual_rounds_wait_for_one():
    rows = _rows((1, 90, 1, False, "复议"), (1, 10, 2, True, "复议"), (1, 50, 3))
    scoring.apply_advancement_rule(rows, "top_n", 1)
    assert [r["advance"] for r in rows] == [False, True, False]
    manual = _rows((1, 90, 1), (1, 80, 2, True, None))
    scoring.apply_advancement_rule(manual, "manual", None)
    assert [r["advance"] for r in manual] == [None, True]


def test_rows_are_grouped_by_category_in_order():
    rows = _rows((2, 1, 1), (1, 2, 1), (2, 3, 2))
    assert {cat: [r["entry"].id for r in group] for cat, group in scoring.by_category(rows).items()} == \
        {2: [0, 2], 1: [1]}
