"""Assignment: k judges per entry, no conflicted pair, caps kept, loads within
one of each other whenever that is possible, infeasibility reported."""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.matching import assign

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py


def test_simple_balanced_assignment():
    result = assign(range(10), ["a", "b", "c", "d"], k=2, seed=1)
    assert result.complete
    assert all(len(js) == 2 and len(set(js)) == 2 for js in result.judges_of.values())
    assert sorted(result.loads.values()) == [5, 5, 5, 5]


def test_conflicts_are_never_assigned():
    conflicts = {("a", 0), ("b", 0), ("c", 1)}
    result = assign(range(4), ["a", "b", "c", "d"], k=2, conflicts=conflicts, seed=3)
    assert result.complete
    for e, js in result.judges_of.items():
        assert not any((j, e) in conflicts for j in js)
    assert set(result.judges_of[0]) == {"c", "d"}


def test_deterministic_for_a_seed():
    args = (range(30), list("abcdefg"), 3)
    assert assign(*args, seed=7).judges_of == assign(*args, seed=7).judges_of


def test_too_few_judges_without_conflict_is_explained():
    result = assign([1, 2], ["a", "b", "c"], k=2, conflicts={("a", 1), ("b", 1)})
    assert not result.complete
    [short] = result.shortfalls
    assert (short.entry, short.reason, short.eligible, short.needed) == (1, "conflicts", 1, 2)


def test_caps_that_cannot_carry_the_load_are_explained():
    result = assign(range(5), ["a", "b"], k=1, caps={"a": 2, "b": 2})
    assert not result.complete
    assert [s.reason for s in result.shortfalls] == ["capacity"]
    assert all(load <= 2 for load in result.loads.values())


def test_caps_respected_and_the_rest_balanced():
    result = assign(range(12), ["a", "b", "c", "d"], k=1, caps={"a": 1})
    assert result.complete and result.loads["a"] == 1
    assert sorted(v for j, v in result.loads.items() if j != "a") == [3, 4, 4]


def test_all_panel_judges():
    result = assign([1, 2], ["a", "b", "c"], k=None, conflicts={("a", 1)})
    assert result.judges_of == {1: ["b", "c"], 2: ["a", "b", "c"]}


def test_large_instance_is_balanced():
    judges = [f"j{i}" for i in range(60)]
    entries = list(range(3000))
    conflicts = {(j, e) for e in entries for j in judges if hash((j, e)) % 20 == 0}
    result = assign(entries, judges, k=3, conflicts=conflicts, seed=11)
    assert result.complete and result.spread <= 1


# --- properties against an exhaustive oracle on small panels -----------------

def _all_assignments(entries, judges, k, conflicts, caps):
    """Every complete assignment (tiny instances only)."""
    options = [[c for c in itertools.combinations(judges, k) if not any((j, e) in conflicts for j in c)]
               for e in entries]
    for choice in itertools.product(*options):
        loads = {j: 0 for j in judges}
        for combo in choice:
            for j in combo:
                loads[j] += 1
        if all(caps.get(j) is None or loads[j] <= caps[j] for j in judges):
            yield loads


@st.composite
def instances(draw):
    judges = [f"j{i}" for i in range(draw(st.integers(1, 4)))]
    entries = list(range(draw(st.integers(1, 4))))
    k = draw(st.integers(1, min(2, len(judges))))
    conflicts = {(j, e) for j in judges for e in entries if draw(st.booleans()) and draw(st.booleans())}
    caps = {j: draw(st.one_of(st.none(), st.integers(0, 4))) for j in judges}
    return entries, judges, k, conflicts, caps, draw(st.integers(0, 1000))


@settings(max_examples=400, deadline=None)
@given(instances())
def test_assignment_keeps_every_promise(instance):
    entries, judges, k, conflicts, caps, seed = instance
    result = assign(entries, judges, k, conflicts, caps, seed)
    # Never a conflicted pair, never the same judge twice, never over a cap.
    for e, js in result.judges_of.items():
        assert len(js) == len(set(js)) and not any((j, e) in conflicts for j in js)
    for j, load in result.loads.items():
        assert caps.get(j) is None or load <= caps[j]
        assert load == sum(1 for js in result.judges_of.values() if j in js)
    possible = list(_all_assignments(entries, judges, k, conflicts, caps))
    # Complete exactly when a complete assignment exists; otherwise each short entry is reported.
    assert result.complete == bool(possible)
    if result.complete:
        assert all(len(js) == k for js in result.judges_of.values())
        best = min(max(loads.values()) - min(loads.values()) for loads in possible)
        if best <= 1:
            assert result.spread <= 1
    else:
        assert {s.entry for s in result.shortfalls} == {e for e, js in result.judges_of.items() if len(js) < k}
