"""Which phase a contest is in, from its dates alone (no Flask, no database)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

PHASES = (
    "upcoming", "collecting", "screening", "voting", "judging",
    "reviewing", "publicity", "published", "showcase",
)


@dataclass(frozen=True)
class Step:
    key: str
    start: datetime | None
    end: datetime | None


def showcase_only(c) -> bool:
    """A 展播: collected, screened and shown, never judged, voted on or awarded."""
    return bool(getattr(c, "showcase_only", False))


def showcase_from(c) -> datetime | None:
    """When a 展播 shows its accepted entries: its results date, else the end of screening."""
    return c.results_at or c.screening_end


def timeline(c) -> list[Step]:
    """The contest's phases in order, skipping those it does not hold."""
    steps = [
        Step("collecting", c.submission_start, c.submission_end),
        Step("screening", c.submission_end, c.screening_end),
    ]
    if showcase_only(c):
        start = showcase_from(c)
        return steps + ([Step("showcase", start, None)] if start else [])
    if c.voting_enabled and c.voting_start and c.voting_end:
        steps.append(Step("voting", c.voting_start, c.voting_end))
    if c.judging_start or c.judging_end:
        steps.append(Step("judging", c.judging_start, c.judging_end))
    if c.publicity_start or c.publicity_end:
        steps.append(Step("publicity", c.publicity_start, c.publicity_end))
    if c.results_at:
        steps.append(Step("published", c.results_at, None))
    return steps


def _inside(now: datetime, start: datetime | None, end: datetime | None) -> bool:
    return start is not None and start <= now and (end is None or now < end)


def _after_screening(c, now: datetime) -> str | None:
    """The phase after screening that holds now, if one does. Later phases
    win; the public vote wins over judging when they overlap, because it is
    the one the public can act on. A 展播 goes from screening to its showcase."""
    if showcase_only(c):
        start = showcase_from(c)
        return "showcase" if start is not None and now >= start else None
    if c.results_at and now >= c.results_at:
        return "published"
    if _inside(now, c.publicity_start, c.publicity_end):
        return "publicity"
    if c.voting_enabled and _inside(now, c.voting_start, c.voting_end):
        return "voting"
    if _inside(now, c.judging_start, c.judging_end):
        return "judging"
    return None


def current_phase(c, now: datetime) -> str:
    later = _after_screening(c, now)
    if later:
        return later
    if _inside(now, c.submission_end, c.screening_end):
        return "screening"
    if _inside(now, c.submission_start, c.submission_end):
        return "collecting"
    if c.submission_start is None or now < c.submission_start:
        return "upcoming"
    return "reviewing"


def submission_open(c, now: datetime) -> bool:
    return _inside(now, c.submission_start, c.submission_end)


def shanghai_year(now: datetime) -> int:
    return now.astimezone(SHANGHAI).year
