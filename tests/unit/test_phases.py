from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from contest.phases import current_phase, submission_open, timeline

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _contest(voting=True):
    d = lambda days: T0 + timedelta(days=days)  # noqa: E731
    return SimpleNamespace(
        submission_start=d(0), submission_end=d(30), screening_end=d(40),
        voting_enabled=voting, voting_start=d(40), voting_end=d(50),
        judging_start=d(40), judging_end=d(56), publicity_start=d(58), publicity_end=d(65),
        results_at=d(66),
    )


@pytest.mark.parametrize("day, voting, expected", [
    (-1, True, "upcoming"),
    (0, True, "collecting"),
    (29.9, True, "collecting"),
    (30, True, "screening"),
    (45, True, "voting"),      # the vote wins over judging while both run
    (45, False, "judging"),
    (52, True, "judging"),
    (57, True, "reviewing"),   # between judging and the public notice
    (60, True, "publicity"),
    (66, True, "published"),
    (400, True, "published"),
])
def test_current_phase(day, voting, expected):
    assert current_phase(_contest(voting), T0 + timedelta(days=day)) == expected


def test_submission_window_is_half_open():
    c = _contest()
    assert submission_open(c, T0)
    assert not submission_open(c, T0 + timedelta(days=30))


def test_timeline_skips_the_vote_when_there_is_none():
    assert [s.key for s in timeline(_contest(voting=False))] == [
        "collecting", "screening", "judging", "publicity", "published"]
    assert "voting" in [s.key for s in timeline(_contest(voting=True))]
