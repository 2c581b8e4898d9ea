"""Brushing (刷票) patterns in a contest's votes, reported as explainable findings.

Pure functions (no Flask, no database). Nothing here decides anything: each finding is a
group of votes plus the numbers behind it, for an organiser to review.

hourly_spike
    Per entry, votes per UTC clock hour. The baseline is the median hourly count from the
    entry's first to its last vote (empty hours count as 0), at least 1. An hour is flagged
    when it holds >= spike_factor x baseline and >= spike_min_votes votes.
ip_prefix_burst
    Per entry and IP prefix, >= prefix_min_votes votes within prefix_window_s seconds.
    Qualifying windows that overlap, or lie at most one window apart, are one finding.
signup_burst
    Per entry, >= signup_min_accounts of its voters whose accounts were created within
    signup_window_s of the cluster's first one (merged like ip_prefix_burst); the finding
    holds those voters' votes for that entry.
regular_intervals
    Per entry, >= regular_min_run consecutive votes whose gaps have a coefficient of
    variation (pstdev / mean) below regular_max_cv: a timer, not people. Greedy from the
    earliest vote, extending while the CV stays below the limit; runs never overlap. The same
    scan runs on each (entry, IP prefix) subsequence, since a timer usually sits on one network
    and organic votes in between would hide it. Runs sharing votes are reported once: the
    larger, a tie going to the per-entry run; per-prefix runs carry the prefix in key and evidence.
rapid_multi_entry
    Per voter, votes for >= rapid_min_entries distinct entries within rapid_window_s
    seconds, merged like ip_prefix_burst.

Every finding's start and end are the times of its first and last vote (aware UTC), and its
key is built from the data alone, so the same votes give the same keys on every scan.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RULES = ("hourly_spike", "ip_prefix_burst", "signup_burst", "regular_intervals", "rapid_multi_entry")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SECOND = 1_000_000
_HOUR = 3600 * _SECOND


@dataclass(frozen=True)
class VoteRow:
    id: int
    entry_id: int
    voter_id: int
    at: datetime                   # timezone-aware UTC, server time of the vote
    ip_prefix: str                 # opaque hash of the voter's IPv4 /24 or IPv6 /48 prefix
    voter_registered_at: datetime  # timezone-aware UTC, when the voter's account was created


@dataclass(frozen=True)
class Thresholds:
    spike_factor: float = 5.0       # an hour with >= factor x the entry's median hourly votes ...
    spike_min_votes: int = 30       # ... and at least this many votes in that hour
    prefix_window_s: int = 600      # many votes for one entry from one IP prefix within this window
    prefix_min_votes: int = 20
    signup_window_s: int = 1800     # accounts registered within this window of each other ...
    signup_min_accounts: int = 10   # ... at least this many of them, all voting for the same entry
    regular_min_run: int = 10       # at least this many consecutive votes for one entry ...
    regular_max_cv: float = 0.1     # ... whose gaps have a coefficient of variation below this
    rapid_window_s: int = 10        # one account voting for many entries within this many seconds
    rapid_min_entries: int = 5


@dataclass(frozen=True)
class Finding:
    rule: str                   # one of RULES
    key: str                    # stable identity, the same on every scan of the same data
    entry_id: int | None
    voter_id: int | None
    start: datetime
    end: datetime
    vote_ids: tuple[int, ...]   # sorted, the votes of the group
    evidence: dict              # JSON-serialisable numbers for a human: ints, floats, strings


_Rows = list[tuple[int, VoteRow]]   # (microseconds since the epoch, vote), in time order


def _utc(dt: datetime) -> datetime:
    # SQLite hands back naive datetimes; the columns hold UTC, so read them as UTC.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _us(dt: datetime) -> int:
    # Integer microseconds keep window boundaries exact ("within 600 s" includes 600 s).
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH) // _US


def _iso_us(us: int) -> str:
    return (_EPOCH + timedelta(microseconds=us)).isoformat()


def _seconds(span_us: int) -> float:
    return span_us / _SECOND


def _window_us(seconds: float) -> int:
    return round(seconds * _SECOND)


def _prepare(votes: Iterable[VoteRow]) -> _Rows:
    """Votes with their times, sorted once by (time, id) so input order never matters."""
    rows = [(_us(v.at), v) for v in votes]
    rows.sort(key=lambda row: (row[0], row[1].id))
    return rows


def _by(rows: _Rows, key: Callable[[VoteRow], Hashable]) -> dict[Hashable, _Rows]:
    # Appending in sorted order keeps every group sorted without sorting it again.
    groups: dict[Hashable, _Rows] = defaultdict(list)
    for row in rows:
        groups[key(row[1])].append(row)
    return groups


def _finding(rule: str, key: str, rows: _Rows, evidence: dict, *,
             entry_id: int | None = None, voter_id: int | None = None) -> Finding:
    return Finding(
        rule=rule, key=key, entry_id=entry_id, voter_id=voter_id,
        start=_utc(rows[0][1].at), end=_utc(rows[-1][1].at),
        vote_ids=tuple(sorted(v.id for _, v in rows)), evidence=evidence,
    )


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, f.key))


def _bursts(times: list[int], keys: list[Hashable], width: int, min_distinct: int) -> list[tuple[int, int]]:
    """Index spans [i, j] where some window of `width` holds >= min_distinct distinct keys.

    Two pointers over sorted times: each j's window is the largest set ending at j. Qualifying
    windows that overlap or sit within one width of the previous span extend it, so a long
    burst is one span rather than a report per sliding position."""
    spans: list[tuple[int, int]] = []
    inside: Counter = Counter()
    i = 0
    for j, k in enumerate(keys):
        inside[k] += 1
        while times[j] - times[i] > width:
            inside[keys[i]] -= 1
            if not inside[keys[i]]:
                del inside[keys[i]]
            i += 1
        if len(inside) >= min_distinct:
            if spans and times[i] - times[spans[-1][1]] <= width:
                spans[-1] = (spans[-1][0], j)
            else:
                spans.append((i, j))
    return spans


def _median_with_zeros(nonzero_sorted: list[int], zeros: int) -> float:
    # Long quiet stretches would otherwise mean a list of millions of zeros.
    n = zeros + len(nonzero_sorted)

    def at(k: int) -> int:
        return 0 if k < zeros else nonzero_sorted[k - zeros]

    return float(at(n // 2)) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def _hourly_spikes(prepared: _Rows, t: Thresholds) -> list[Finding]:
    out = []
    for entry_id, rows in _by(prepared, lambda v: v.entry_id).items():
        hours: dict[int, _Rows] = defaultdict(list)
        for row in rows:
            hours[row[0] // _HOUR].append(row)
        span = max(hours) - min(hours) + 1
        counts = sorted(len(r) for r in hours.values())
        baseline = max(1.0, _median_with_zeros(counts, span - len(counts)))
        for hour, hour_rows in hours.items():
            n = len(hour_rows)
            if n >= t.spike_factor * baseline and n >= t.spike_min_votes:
                hour_iso = _iso_us(hour * _HOUR)
                out.append(_finding(
                    "hourly_spike", f"hourly_spike:{entry_id}:{hour_iso}", hour_rows,
                    {"votes": n, "median": baseline, "hour": hour_iso}, entry_id=entry_id,
                ))
    return _sorted(out)


def _ip_prefix_bursts(prepared: _Rows, t: Thresholds) -> list[Finding]:
    out = []
    width = _window_us(t.prefix_window_s)
    for (entry_id, prefix), rows in _by(prepared, lambda v: (v.entry_id, v.ip_prefix)).items():
        if len(rows) < t.prefix_min_votes:
            continue
        times = [us for us, _ in rows]
        for i, j in _bursts(times, list(range(len(rows))), width, t.prefix_min_votes):
            group = rows[i:j + 1]
            out.append(_finding(
                "ip_prefix_burst", f"ip_prefix_burst:{entry_id}:{prefix}:{_iso_us(times[i])}", group,
                {"votes": len(group), "window_s": t.prefix_window_s, "ip_prefix": prefix[:8]},
                entry_id=entry_id,
            ))
    return _sorted(out)


def _signup_bursts(prepared: _Rows, t: Thresholds) -> list[Finding]:
    out = []
    width = _window_us(t.signup_window_s)
    for entry_id, rows in _by(prepared, lambda v: v.entry_id).items():
        registered: dict[int, int] = {}
        for _, v in rows:
            us = _us(v.voter_registered_at)
            # Rows should agree about a voter; if they do not, the earliest claim is the account's age.
            registered[v.voter_id] = min(us, registered.get(v.voter_id, us))
        if len(registered) < t.signup_min_accounts:
            continue
        voters = sorted(registered, key=lambda vid: (registered[vid], vid))
        regs = [registered[vid] for vid in voters]
        for i, j in _bursts(regs, voters, width, t.signup_min_accounts):
            cluster = set(voters[i:j + 1])
            group = [row for row in rows if row[1].voter_id in cluster]
            reg_from = _iso_us(regs[i])
            out.append(_finding(
                "signup_burst", f"signup_burst:{entry_id}:{reg_from}", group,
                {"accounts": len(cluster), "registered_from": reg_from, "registered_to": _iso_us(regs[j])},
                entry_id=entry_id,
            ))
    return _sorted(out)


def _cv(mean: float, m2: float, count: int) -> float:
    # Gaps are never negative, so a zero mean means all gaps are zero: perfectly regular.
    return math.sqrt(max(m2, 0.0) / count) / mean if mean > 0 else 0.0


def _regular_runs(rows: _Rows, min_run: int, limit: float) -> list[tuple[int, int, float, float]]:
    """Greedy non-overlapping runs (s, e, mean gap, cv): rows[s..e] with gap cv below limit."""
    runs = []
    n = len(rows)
    s = 0
    while s + min_run <= n:
        # Welford's running mean/variance: stable and O(1) per extension.
        e, count, mean, m2 = s, 0, 0.0, 0.0
        while e + 1 < n:
            gap = _seconds(rows[e + 1][0] - rows[e][0])
            c = count + 1
            d = gap - mean
            new_mean = mean + d / c
            new_m2 = m2 + d * (gap - new_mean)
            # cv < limit, squared to skip a sqrt in the hot loop; all-zero gaps have cv 0
            if not (new_m2 < c * (limit * new_mean) ** 2 or (new_m2 <= 0 and limit > 0)):
                break
            count, mean, m2, e = c, new_mean, new_m2, e + 1
        if e - s + 1 >= min_run:
            runs.append((s, e, mean, _cv(mean, m2, count)))
            s = e + 1
        else:
            # A failed start costs fewer than min_run steps, so the scan stays O(n * min_run).
            s += 1
    return runs


def _regular_intervals(prepared: _Rows, t: Thresholds) -> list[Finding]:
    out = []
    min_run = max(t.regular_min_run, 2)  # one vote has no gap to measure
    for entry_id, rows in _by(prepared, lambda v: v.entry_id).items():
        if len(rows) < min_run:
            continue
        # The whole entry, then each prefix's votes (a prefix holding them all adds nothing).
        scopes: list[tuple[str | None, _Rows]] = [(None, rows)]
        scopes += [(p, sub) for p, sub in _by(rows, lambda v: v.ip_prefix).items()
                   if min_run <= len(sub) < len(rows)]
        found = []
        for prefix, seq in scopes:
            for s, e, mean, cv in _regular_runs(seq, min_run, t.regular_max_cv):
                group = seq[s:e + 1]
                evidence = {"votes": len(group), "mean_gap_s": round(mean, 3), "cv": round(cv, 4)}
                key = f"regular_intervals:{entry_id}:{_iso_us(group[0][0])}"
                if prefix is not None:
                    key = f"regular_intervals:{entry_id}:{prefix}:{_iso_us(group[0][0])}"
                    evidence["ip_prefix"] = prefix[:8]
                found.append((prefix is not None, _finding("regular_intervals", key, group, evidence,
                                                           entry_id=entry_id)))
        # Larger runs first, then per-entry before per-prefix; the key makes the order total.
        found.sort(key=lambda pf: (-len(pf[1].vote_ids), pf[0], pf[1].start, pf[1].key))
        taken: set[int] = set()
        for _, f in found:
            if taken.isdisjoint(f.vote_ids):
                taken.update(f.vote_ids)
                out.append(f)
    return _sorted(out)


def _rapid_multi_entry(prepared: _Rows, t: Thresholds) -> list[Finding]:
    out = []
    width = _window_us(t.rapid_window_s)
    for voter_id, rows in _by(prepared, lambda v: v.voter_id).items():
        if len(rows) < t.rapid_min_entries:
            continue
        times = [us for us, _ in rows]
        entries = [v.entry_id for _, v in rows]
        for i, j in _bursts(times, entries, width, t.rapid_min_entries):
            group = rows[i:j + 1]
            out.append(_finding(
                "rapid_multi_entry", f"rapid_multi_entry:{voter_id}:{_iso_us(times[i])}", group,
                {"entries": len(set(entries[i:j + 1])), "seconds": _seconds(times[j] - times[i])},
                voter_id=voter_id,
            ))
    return _sorted(out)


def hourly_spikes(votes: list[VoteRow], t: Thresholds) -> list[Finding]:
    return _hourly_spikes(_prepare(votes), t)


def ip_prefix_bursts(votes: list[VoteRow], t: Thresholds) -> list[Finding]:
    return _ip_prefix_bursts(_prepare(votes), t)


def signup_bursts(votes: list[VoteRow], t: Thresholds) -> list[Finding]:
    return _signup_bursts(_prepare(votes), t)


def regular_intervals(votes: list[VoteRow], t: Thresholds) -> list[Finding]:
    return _regular_intervals(_prepare(votes), t)


def rapid_multi_entry(votes: list[VoteRow], t: Thresholds) -> list[Finding]:
    return _rapid_multi_entry(_prepare(votes), t)


_RULE_FUNCTIONS = (_hourly_spikes, _ip_prefix_bursts, _signup_bursts, _regular_intervals, _rapid_multi_entry)


def find_patterns(votes: Iterable[VoteRow], thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """All findings, rule by rule in RULES order, each rule's sorted by (start, key)."""
    prepared = _prepare(votes)  # times computed and sorted once for all five rules
    return [finding for rule in _RULE_FUNCTIONS for finding in rule(prepared, thresholds)]
