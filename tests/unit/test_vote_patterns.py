"""Brushing-pattern rules: each on its own synthetic pattern, thresholds at the boundary,
organic traffic that must stay quiet, and properties over random data."""
import ast
import dataclasses
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest import vote_patterns as vp
from contest.vote_patterns import RULES, Thresholds, VoteRow, find_patterns

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

BASE = datetime(2024, 5, 1, tzinfo=UTC)
DEFAULT = Thresholds()
MODULE = Path(vp.__file__)


def vote(id, at, entry=1, voter=None, prefix=None, registered=None):
    """One vote `at` seconds after BASE. By default every vote has its own voter, its own IP
    prefix and a registration a day apart from every other voter's, so it matches no rule."""
    voter = id if voter is None else voter
    return VoteRow(
        id=id, entry_id=entry, voter_id=voter,
        at=BASE + timedelta(seconds=at),
        ip_prefix=f"net-{voter}" if prefix is None else prefix,
        voter_registered_at=BASE - timedelta(days=voter) if registered is None else registered,
    )


def ids(votes):
    return tuple(sorted(v.id for v in votes))


def rules_of(findings):
    return [f.rule for f in findings]


def random_times(rng, n, start, end):
    """n random times in [start, end], the first exactly at start and the last exactly at end."""
    inner = sorted(rng.uniform(start, end) for _ in range(n - 2))
    return [start, *inner, end]


# --- hourly_spike ---------------------------------------------------------------------------

def spike_data(rng, extra=40):
    background = [vote(i, h * 3600 + rng.uniform(0, 3599)) for i, h in enumerate(
        [h for h in range(24) for _ in range(2)], start=1)]
    spike = [vote(1000 + k, 20 * 3600 + rng.uniform(0, 3599)) for k in range(extra)]
    return background, spike


def test_hourly_spike_fires_on_its_pattern_alone():
    background, spike = spike_data(random.Random(1))
    votes = background + spike
    findings = find_patterns(votes)
    assert rules_of(findings) == ["hourly_spike"]
    (f,) = findings
    in_hour = [v for v in votes if v.at.hour == 20]
    assert f.vote_ids == ids(in_hour)
    assert f.evidence == {"votes": 42, "median": 2.0, "hour": "2024-05-01T20:00:00+00:00"}
    assert f.key == "hourly_spike:1:2024-05-01T20:00:00+00:00"
    assert (f.entry_id, f.voter_id) == (1, None)
    assert f.start == min(v.at for v in in_hour) and f.end == max(v.at for v in in_hour)
    assert [g.key for g in find_patterns(list(reversed(votes)))] == [f.key]


def sparse_with_hour(n_in_hour, rng):
    # One vote at hour 0 and one at hour 10: 11 hours, median 0, so the baseline is 1.
    votes = [vote(1, 60), vote(2, 10 * 3600 + 60)]
    return votes + [vote(100 + k, 5 * 3600 + rng.uniform(0, 3599)) for k in range(n_in_hour)]


def test_hourly_spike_min_votes_boundary():
    rng = random.Random(2)
    (f,) = vp.hourly_spikes(sparse_with_hour(30, rng), DEFAULT)
    assert f.evidence["votes"] == 30 and f.evidence["median"] == 1.0
    assert vp.hourly_spikes(sparse_with_hour(29, rng), DEFAULT) == []


def test_hourly_spike_counts_empty_hours_as_zero():
    # counts 8, 30, then nothing until 8 at hour 12: the median over the 13 hours is 0, not 8
    counts = [8, 30] + [0] * 10 + [8]
    (f,) = vp.hourly_spikes(hours_with_counts(counts, random.Random(15)), DEFAULT)
    assert f.evidence == {"votes": 30, "median": 1.0, "hour": "2024-05-01T01:00:00+00:00"}


def hours_with_counts(counts, rng):
    votes, next_id = [], 1
    for hour, n in enumerate(counts):
        for _ in range(n):
            votes.append(vote(next_id, hour * 3600 + rng.uniform(0, 3599)))
            next_id += 1
    return votes


def test_hourly_spike_factor_boundary_and_even_median():
    rng = random.Random(3)
    (f,) = vp.hourly_spikes(hours_with_counts([6, 6, 30, 6, 6], rng), DEFAULT)
    assert f.evidence == {"votes": 30, "median": 6.0, "hour": "2024-05-01T02:00:00+00:00"}
    assert vp.hourly_spikes(hours_with_counts([7, 7, 30, 7, 7], rng), DEFAULT) == []  # needs 35
    # an even number of hours: the median averages the two middle counts, 4 and 6
    (f,) = vp.hourly_spikes(hours_with_counts([2, 30, 4, 6], rng), Thresholds(spike_min_votes=25))
    assert f.evidence["median"] == 5.0 and f.evidence["votes"] == 30
    # median 6.5 needs 32.5 votes; taking either middle count alone (5 or 8) would decide otherwise
    assert vp.hourly_spikes(hours_with_counts([2, 30, 5, 8], rng), Thresholds(spike_min_votes=25)) == []


# --- ip_prefix_burst ------------------------------------------------------------------------

PREFIX = "abcdef0123456789"


def test_ip_prefix_burst_fires_on_its_pattern_alone():
    rng = random.Random(4)
    burst = [vote(100 + k, t, entry=7, prefix=PREFIX) for k, t in enumerate(random_times(rng, 25, 5000, 5480))]
    # the same prefix for the same entry hours later, and for other entries meanwhile: not the burst
    later = [vote(200 + k, 20000 + 1500 * k, entry=7, prefix=PREFIX) for k in range(5)]
    others = [vote(300 + k, 5000 + rng.uniform(0, 480), entry=8 + k, prefix=PREFIX) for k in range(10)]
    votes = burst + later + others
    findings = find_patterns(votes)
    assert rules_of(findings) == ["ip_prefix_burst"]
    (f,) = findings
    assert f.vote_ids == ids(burst)
    assert f.evidence == {"votes": 25, "window_s": 600, "ip_prefix": "abcdef01"}
    assert f.key == f"ip_prefix_burst:7:{PREFIX}:{(BASE + timedelta(seconds=5000)).isoformat()}"
    assert (f.start, f.end) == (BASE + timedelta(seconds=5000), BASE + timedelta(seconds=5480))
    assert find_patterns(votes) == findings


def test_ip_prefix_burst_merges_a_long_burst_but_not_separate_ones():
    rng = random.Random(5)
    # 120 votes 25 s (+-5 s) apart: every 600 s window holds >= 20, i.e. one long burst
    long = [vote(k, 25 * k + rng.uniform(-5, 5) + 100, prefix=PREFIX) for k in range(120)]
    # and a second burst four hours later
    second = [vote(500 + k, 4 * 3600 + 10 * k, prefix=PREFIX) for k in range(20)]
    findings = vp.ip_prefix_bursts(long + second, DEFAULT)
    assert [f.vote_ids for f in findings] == [ids(long), ids(second)]
    assert [f.evidence["votes"] for f in findings] == [120, 20]


@pytest.mark.parametrize("n, last, fires", [
    (20, 600, True),    # exactly prefix_min_votes exactly prefix_window_s apart
    (19, 600, False),   # one vote short
    (20, 601, False),   # one second too wide
])
def test_ip_prefix_burst_boundary(n, last, fires):
    votes = [vote(k, t, prefix=PREFIX) for k, t in enumerate(random_times(random.Random(6), n, 0, last))]
    findings = vp.ip_prefix_bursts(votes, DEFAULT)
    assert [f.vote_ids for f in findings] == ([ids(votes)] if fires else [])


# --- signup_burst ---------------------------------------------------------------------------

def test_signup_burst_fires_on_its_pattern_alone():
    rng = random.Random(7)
    wave = BASE - timedelta(days=5)
    regs = {1000 + k: wave + timedelta(seconds=s) for k, s in enumerate(random_times(rng, 12, 0, 1200))}
    burst = [vote(k + 1, rng.uniform(0, 86400), entry=3, voter=voter, registered=reg)
             for k, (voter, reg) in enumerate(regs.items())]
    # three of the same accounts also vote for entry 4: too few there, and not part of entry 3's finding
    aside = [vote(50 + k, rng.uniform(0, 86400), entry=4, voter=voter, registered=regs[voter])
             for k, voter in enumerate(list(regs)[:3])]
    organic = [vote(100 + k, rng.uniform(0, 86400), entry=3) for k in range(30)]
    votes = burst + aside + organic
    findings = find_patterns(votes)
    assert rules_of(findings) == ["signup_burst"]
    (f,) = findings
    assert f.vote_ids == ids(burst)
    assert f.evidence == {
        "accounts": 12, "registered_from": wave.isoformat(),
        "registered_to": (wave + timedelta(seconds=1200)).isoformat(),
    }
    assert f.key == f"signup_burst:3:{wave.isoformat()}"
    assert f.start == min(v.at for v in burst) and f.end == max(v.at for v in burst)
    assert find_patterns(votes) == findings


@pytest.mark.parametrize("n, spread, fires", [(10, 1800, True), (9, 1800, False), (10, 1801, False)])
def test_signup_burst_boundary(n, spread, fires):
    rng = random.Random(8)
    regs = random_times(rng, n, 0, spread)
    votes = [vote(k, rng.uniform(0, 86400), voter=1000 + k, registered=BASE - timedelta(days=3, seconds=s))
             for k, s in enumerate(regs)]
    assert len(vp.signup_bursts(votes, DEFAULT)) == (1 if fires else 0)


# --- regular_intervals ----------------------------------------------------------------------

def test_regular_intervals_fires_on_its_pattern_alone():
    rng = random.Random(9)
    before = [vote(k + 1, t, entry=5) for k, t in enumerate([0, 1000, 3100, 3500])]
    bot = [vote(100 + k, 5000 + 30 * k + rng.uniform(-1, 1), entry=5) for k in range(15)]
    after = [vote(200 + k, t, entry=5) for k, t in enumerate([9000, 11000, 16000])]
    votes = before + bot + after
    findings = find_patterns(votes)
    assert rules_of(findings) == ["regular_intervals"]
    (f,) = findings
    assert f.vote_ids == ids(bot)
    gaps = [(b.at - a.at).total_seconds() for a, b in zip(bot, bot[1:], strict=False)]
    assert f.evidence["votes"] == 15
    assert f.evidence["mean_gap_s"] == pytest.approx(statistics.mean(gaps), abs=1e-3)
    assert f.evidence["cv"] == pytest.approx(statistics.pstdev(gaps) / statistics.mean(gaps), abs=1e-4)
    assert f.evidence["cv"] < 0.1
    assert f.key == f"regular_intervals:5:{bot[0].at.isoformat()}"
    assert find_patterns(votes) == findings


@pytest.mark.parametrize("n, jitter, fires", [
    (10, 2, True),    # exactly regular_min_run votes, gaps 28/32: cv 0.067
    (9, 2, False),    # one vote short
    (30, 4, False),   # gaps 26/34: cv 0.133 however long the run
])
def test_regular_intervals_boundary(n, jitter, fires):
    times = [0]
    for k in range(n - 1):
        times.append(times[-1] + 30 + (jitter if k % 2 else -jitter))
    votes = [vote(k, t) for k, t in enumerate(times)]
    findings = vp.regular_intervals(votes, DEFAULT)
    assert [f.vote_ids for f in findings] == ([ids(votes)] if fires else [])


def test_regular_intervals_all_at_once_counts_as_regular():
    votes = [vote(k, 100) for k in range(12)]
    (f,) = vp.regular_intervals(votes, DEFAULT)
    assert f.vote_ids == ids(votes)
    assert f.evidence == {"votes": 12, "mean_gap_s": 0.0, "cv": 0.0}


def test_regular_intervals_reports_maximal_non_overlapping_runs():
    # a 30 s bot, then (after a pause) a 120 s bot: two runs, each whole, sharing no vote
    first = [vote(k, 30 * k) for k in range(20)]
    second = [vote(100 + k, 5000 + 120 * k) for k in range(12)]
    findings = vp.regular_intervals(first + second, DEFAULT)
    assert [f.vote_ids for f in findings] == [ids(first), ids(second)]
    assert [f.evidence["mean_gap_s"] for f in findings] == [30.0, 120.0]


def test_regular_intervals_quiet_on_poisson_arrivals():
    rng = random.Random(10)
    t, votes = 0.0, []
    for k in range(5000):
        t += rng.expovariate(1 / 60)
        votes.append(vote(k, t))
    assert vp.regular_intervals(votes, DEFAULT) == []


TIMER_PREFIX = "7f3e9a0b1c2d4e5f"


def timer_among_organic(seed, jitter=0.0, entry=5):
    """60 votes 30 s apart from one prefix, and 39 organic votes for the same entry from other
    prefixes, Poisson arrivals at one a minute over the same half hour and more."""
    rng = random.Random(seed)
    timer = [vote(100 + k, 1000 + 30 * k + rng.uniform(-jitter, jitter), entry=entry, prefix=TIMER_PREFIX)
             for k in range(60)]
    t, organic = 700.0, []
    for k in range(39):
        t += rng.expovariate(1 / 60)
        organic.append(vote(1000 + k, t, entry=entry))
    return timer, organic


def per_entry_only(votes):
    """What the per-entry scan alone reports: the same votes, each on a prefix of its own."""
    return vp.regular_intervals([dataclasses.replace(v, ip_prefix=f"own-{v.id}") for v in votes], DEFAULT)


@pytest.mark.parametrize("seed", range(1, 9))
def test_regular_intervals_finds_a_timer_hidden_among_organic_votes(seed):
    timer, organic = timer_among_organic(seed)
    votes = timer + organic
    # the data really hides the timer from the per-entry scan: organic votes break it up, so that
    # scan finds nothing (seeds 1, 2, 4, 5, 8) or only a stretch where few organic votes fell
    alone = per_entry_only(votes)
    assert not any(set(ids(timer)) <= set(f.vote_ids) for f in alone)
    assert (alone == []) == (seed in (1, 2, 4, 5, 8))
    findings = vp.regular_intervals(votes, DEFAULT)
    assert [f.vote_ids for f in findings] == [ids(timer)]
    (f,) = findings
    assert f.key == f"regular_intervals:5:{TIMER_PREFIX}:{timer[0].at.isoformat()}"
    assert f.evidence == {"votes": 60, "mean_gap_s": 30.0, "cv": 0.0, "ip_prefix": TIMER_PREFIX[:8]}
    assert (f.entry_id, f.voter_id, f.start, f.end) == (5, None, timer[0].at, timer[-1].at)
    shuffled = list(votes)
    random.Random(seed).shuffle(shuffled)
    assert vp.regular_intervals(shuffled, DEFAULT) == findings
    assert [g for g in find_patterns(shuffled) if g.rule == "regular_intervals"] == findings


def test_regular_intervals_finds_a_jittery_timer_hidden_among_organic_votes():
    timer, organic = timer_among_organic(4, jitter=1.0)
    assert per_entry_only(timer + organic) == []
    (f,) = vp.regular_intervals(organic + timer, DEFAULT)
    assert f.vote_ids == ids(timer) and 0 < f.evidence["cv"] < DEFAULT.regular_max_cv


def test_regular_intervals_reports_a_run_found_per_entry_and_per_prefix_once():
    # a lone timer on one prefix: both scans find the same 15 votes, reported once, per entry
    bot = [vote(100 + k, 5000 + 30 * k, entry=5, prefix=TIMER_PREFIX) for k in range(15)]
    others = [vote(k + 1, t, entry=5) for k, t in enumerate([0, 1000, 9000, 16000])]
    (f,) = vp.regular_intervals(bot + others, DEFAULT)
    assert f.vote_ids == ids(bot)
    assert f.key == f"regular_intervals:5:{bot[0].at.isoformat()}"
    assert f.evidence == {"votes": 15, "mean_gap_s": 30.0, "cv": 0.0}


def test_regular_intervals_prefers_the_larger_of_overlapping_runs():
    # the timer runs alone for 15 votes before organic votes start: the per-entry run is those
    # 15, the per-prefix run all 60; only the larger is reported
    timer, organic = timer_among_organic(5)
    shift = timer[14].at + timedelta(seconds=15) - organic[0].at
    late = [dataclasses.replace(v, at=v.at + shift) for v in organic]
    (alone,) = per_entry_only(timer + late)
    assert alone.vote_ids == ids(timer[:15])
    assert [f.vote_ids for f in vp.regular_intervals(timer + late, DEFAULT)] == [ids(timer)]
    # a timer alternating between two prefixes: 30 votes per entry, 15 (60 s apart) per prefix
    bot = [vote(100 + k, 30 * k, prefix="ab"[k % 2]) for k in range(30)]
    others = [vote(k + 1, t) for k, t in enumerate([-3000, -1000, 2000])]
    (f,) = vp.regular_intervals(bot + others, DEFAULT)
    assert f.vote_ids == ids(bot) and f.key == f"regular_intervals:1:{BASE.isoformat()}"


def test_regular_intervals_never_reports_a_vote_twice():
    # timers on one or two of a few shared prefixes, overlapping each other and organic votes
    prefix_kinds, per_prefix = Counter(), 0
    for seed in range(40):
        rng = random.Random(seed)
        votes, next_id = [], itertools.count(1)
        for entry in (1, 2, 3):
            for _ in range(rng.randint(1, 3)):
                prefixes = rng.sample(["p0", "p1", "p2"], rng.randint(1, 2))
                period, start = rng.choice([15, 30, 60]), rng.uniform(0, 3000)
                votes += [vote(next(next_id), start + period * k + rng.uniform(-0.5, 0.5), entry=entry,
                               prefix=prefixes[k % len(prefixes)]) for k in range(rng.randint(5, 40))]
            t = 0.0
            while t < 5000:
                t += rng.expovariate(1 / 60)
                votes.append(vote(next(next_id), t, entry=entry, prefix=rng.choice(["p0", "p1", "p2", None])))
        findings = vp.regular_intervals(votes, DEFAULT)
        all_ids = [i for f in findings for i in f.vote_ids]
        assert len(all_ids) == len(set(all_ids))
        assert findings == sorted(findings, key=lambda f: (f.start, f.key))
        assert len({f.key for f in findings}) == len(findings)
        by_id = {v.id: v for v in votes}
        for f in findings:
            group = sorted((by_id[i] for i in f.vote_ids), key=lambda v: v.at)
            gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(group)]
            assert len(group) == f.evidence["votes"] >= DEFAULT.regular_min_run
            assert statistics.pstdev(gaps) / statistics.mean(gaps) < DEFAULT.regular_max_cv
            if "ip_prefix" in f.evidence:
                (prefix,) = {v.ip_prefix for v in group}
                assert f.key == f"regular_intervals:{f.entry_id}:{prefix}:{group[0].at.isoformat()}"
                assert f.evidence["ip_prefix"] == prefix[:8]
                per_prefix += 1
            prefix_kinds["ip_prefix" in f.evidence] += 1
        shuffled = list(votes)
        rng.shuffle(shuffled)
        assert vp.regular_intervals(shuffled, DEFAULT) == findings
    assert prefix_kinds[True] >= 10 and prefix_kinds[False] >= 10  # both scans really report


# --- rapid_multi_entry ----------------------------------------------------------------------

def test_rapid_multi_entry_fires_on_its_pattern_alone():
    rng = random.Random(11)
    burst = [vote(10 + k, t, entry=20 + k, voter=99) for k, t in enumerate(random_times(rng, 6, 3000, 3008))]
    later = [vote(50 + k, 9000 + 3600 * k, entry=40 + k, voter=99) for k in range(4)]
    votes = burst + later
    findings = find_patterns(votes)
    assert rules_of(findings) == ["rapid_multi_entry"]
    (f,) = findings
    assert f.vote_ids == ids(burst)
    assert f.evidence == {"entries": 6, "seconds": 8.0}
    assert (f.entry_id, f.voter_id) == (None, 99)
    assert f.key == f"rapid_multi_entry:99:{(BASE + timedelta(seconds=3000)).isoformat()}"
    assert find_patterns(votes) == findings


@pytest.mark.parametrize("entries, last, fires", [
    ([1, 2, 3, 4, 5], 10, True),     # exactly rapid_min_entries exactly rapid_window_s apart
    ([1, 2, 3, 4], 10, False),       # one entry short
    ([1, 2, 3, 4, 4], 10, False),    # five votes, but only four distinct entries
    ([1, 2, 3, 4, 5], 10.5, False),  # half a second too slow
])
def test_rapid_multi_entry_boundary(entries, last, fires):
    times = random_times(random.Random(12), len(entries), 0, last)
    votes = [vote(k, t, entry=e, voter=7) for k, (t, e) in enumerate(zip(times, entries, strict=True))]
    findings = vp.rapid_multi_entry(votes, DEFAULT)
    assert [f.vote_ids for f in findings] == ([ids(votes)] if fires else [])


# --- organic traffic ------------------------------------------------------------------------

SHARED = (("school", 0.06), ("carrier-a", 0.08), ("carrier-b", 0.05), ("carrier-c", 0.04))


def organic_votes(seed, n_votes=3000, n_entries=200, n_voters=2500, n_prefixes=800):
    """About n_votes over one day of honest voting: Zipf-like entry popularity, a daily curve
    peaking in the Chinese evening (12:00 UTC) via a thinned Poisson process, voters registered
    over the previous six months, and a few big shared prefixes (a school, carrier NATs)."""
    rng = random.Random(seed)
    small = [f"net{k:04d}" for k in range(n_prefixes - len(SHARED))]
    voters = {}
    for voter in range(1, n_voters + 1):
        registered = BASE - timedelta(seconds=rng.uniform(0, 183 * 86400))
        r, prefix = rng.random(), None
        for name, share in SHARED:
            if r < share:
                prefix = name
                break
            r -= share
        voters[voter] = (registered, prefix or rng.choice(small))
    cum_weights = list(itertools.accumulate(1 / (k + 1) for k in range(n_entries)))
    mean_rate = n_votes / 86400

    def rate(seconds):
        return mean_rate * (1 + 0.7 * math.cos(2 * math.pi * (seconds / 3600 - 12) / 24))

    max_rate, t, seen, votes = mean_rate * 1.7, 0.0, set(), []
    while True:
        t += rng.expovariate(max_rate)
        if t >= 86400:
            return votes
        if rng.random() * max_rate > rate(t):
            continue
        entry = rng.choices(range(1, n_entries + 1), cum_weights=cum_weights)[0]
        voter = rng.randint(1, n_voters)
        while (voter, entry) in seen:  # one vote per voter and entry
            voter = rng.randint(1, n_voters)
        seen.add((voter, entry))
        registered, prefix = voters[voter]
        votes.append(VoteRow(len(votes) + 1, entry, voter, BASE + timedelta(seconds=t), prefix, registered))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_organic_traffic_is_quiet(seed):
    votes = organic_votes(seed)
    assert 2800 < len(votes) < 3200
    # the data really has what could fool a careless rule:
    top_hours = Counter(v.at.replace(minute=0, second=0, microsecond=0) for v in votes if v.entry_id == 1)
    assert max(top_hours.values()) >= DEFAULT.spike_min_votes  # only the factor keeps the evening quiet
    by_hour = Counter(v.at.hour for v in votes)
    assert by_hour[12] > 3 * by_hour[0]  # evening busier than night
    carrier = [v for v in votes if v.ip_prefix == "carrier-a"]
    assert len(carrier) > 150 and len({v.entry_id for v in carrier}) > 50
    assert find_patterns(votes) == []


def test_injected_patterns_are_found_in_organic_traffic():
    rng = random.Random(13)
    votes = organic_votes(4)
    next_id = iter(range(10_000, 20_000))
    next_voter = iter(range(5000, 6000))

    def inject(at, entry, voter=None, prefix=None, registered=None):
        voter = next(next_voter) if voter is None else voter
        v = VoteRow(next(next_id), entry, voter, BASE + timedelta(seconds=at),
                    prefix or f"fresh-{voter}", registered or BASE - timedelta(days=voter - 4000))
        votes.append(v)
        return v

    expected = {}
    sparse = [inject(h * 3600 + 100, 201) for h in (0, 10, 23)]
    expected["hourly_spike"] = ids(inject(3 * 3600 + rng.uniform(0, 3599), 201) for _ in range(40))
    expected["ip_prefix_burst"] = ids(inject(t, 202, prefix="dormitory")
                                      for t in random_times(rng, 25, 40000, 40480))
    wave = BASE - timedelta(days=2)
    expected["signup_burst"] = ids(inject(rng.uniform(0, 86400), 203, registered=wave + timedelta(seconds=s))
                                   for s in random_times(rng, 12, 0, 1000))
    expected["regular_intervals"] = ids(inject(60000 + 30 * k + rng.uniform(-1, 1), 204) for k in range(15))
    expected["rapid_multi_entry"] = ids(inject(t, e, voter=4999)
                                        for t, e in zip(random_times(rng, 6, 50000, 50007), range(1, 7), strict=True))
    rng.shuffle(votes)
    findings = find_patterns(votes)
    assert {f.rule: f.vote_ids for f in findings} == expected
    assert rules_of(findings) == list(RULES)
    assert not set(ids(sparse)) & set(expected["hourly_spike"])


# --- ordering, keys, purity -----------------------------------------------------------------

def test_find_patterns_orders_by_rule_then_start_then_key():
    rng = random.Random(14)
    votes, next_id = [], 1
    for start in (30000, 1000):  # two bots, listed out of time order
        for entry in (2, 1):
            for k in range(12):
                votes.append(vote(next_id, start + 30 * k + rng.uniform(-1, 1), entry=entry))
                next_id += 1
    votes += [vote(900 + k, 20000 + k, entry=10 + k, voter=77) for k in range(5)]
    findings = find_patterns(votes)
    assert rules_of(findings) == ["regular_intervals"] * 4 + ["rapid_multi_entry"]
    regular = findings[:4]
    assert regular == sorted(regular, key=lambda f: (f.start, f.key))
    assert {f.entry_id for f in regular[:2]} == {1, 2}
    assert max(f.start for f in regular[:2]) < BASE + timedelta(seconds=2000) < min(f.start for f in regular[2:])
    assert len({f.key for f in findings}) == len(findings)


@pytest.fixture
def shanghai_local_time():
    # Naive datetimes must not be read in the server's local zone: make that zone UTC+8.
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_naive_datetimes_are_read_as_utc(shanghai_local_time):
    aware = [vote(k, 30 * k) for k in range(12)]
    naive = [VoteRow(v.id, v.entry_id, v.voter_id, v.at.replace(tzinfo=None), v.ip_prefix,
                     v.voter_registered_at.replace(tzinfo=None)) for v in aware]
    findings = find_patterns(naive)
    assert findings == find_patterns(aware) != []
    assert findings[0].start == BASE and findings[0].start.tzinfo is not None


def test_inconsistent_registration_times_take_the_earliest():
    # ten accounts made within 1800 s, but an earlier row of voter 1009 claims an older account:
    # the earliest claim wins, leaving nine, which is not a burst
    votes = [vote(k, 1000 * k, entry=3, voter=1000 + k, registered=BASE - timedelta(days=3, seconds=100 * k))
             for k in range(10)]
    votes.append(vote(99, -5000, entry=3, voter=1009, registered=BASE - timedelta(days=300)))
    assert vp.signup_bursts(votes, DEFAULT) == vp.signup_bursts(votes[::-1], DEFAULT) == []
    assert len(vp.signup_bursts(votes[:10], DEFAULT)) == 1


ALLOWED_IMPORTS = {"__future__", "collections", "dataclasses", "datetime", "math", "statistics"}


def test_module_imports_only_the_standard_library():
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported.add(node.module.split(".")[0])
    assert imported and imported <= ALLOWED_IMPORTS


def test_module_loads_without_flask_or_sqlalchemy():
    # A fresh interpreter: this test process already has Flask loaded via conftest.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('vote_patterns', {str(MODULE)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['vote_patterns'] = module\n"
        "spec.loader.exec_module(module)\n"
        "assert module.find_patterns([]) == []\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'contest')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- properties -----------------------------------------------------------------------------

SMALL = Thresholds(spike_factor=2, spike_min_votes=3, prefix_window_s=300, prefix_min_votes=3,
                   signup_window_s=1800, signup_min_accounts=3, regular_min_run=3, regular_max_cv=0.3,
                   rapid_window_s=120, rapid_min_entries=2)

random_votes = st.tuples(
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 8), st.integers(0, 4 * 3600), st.sampled_from("abc")),
             max_size=80),
    st.integers(0, 3000),
).map(lambda data: [
    vote(k, at, entry=entry, voter=voter, prefix=prefix, registered=BASE - timedelta(seconds=voter * data[1]))
    for k, (entry, voter, at, prefix) in enumerate(data[0])
])


@settings(max_examples=300, deadline=None, database=None)
@given(random_votes, st.randoms(use_true_random=False))
def test_findings_are_well_formed(votes, rng):
    findings = find_patterns(votes, SMALL)
    by_id = {v.id: v for v in votes}
    for rule in RULES:
        mine = [f for f in findings if f.rule == rule]
        assert mine == sorted(mine, key=lambda f: (f.start, f.key))
        # within a rule, groups never share a vote: no burst is reported twice
        all_ids = [i for f in mine for i in f.vote_ids]
        assert len(all_ids) == len(set(all_ids))
    assert rules_of(findings) == sorted(rules_of(findings), key=RULES.index)
    assert len({f.key for f in findings}) == len(findings)
    for f in findings:
        assert f.key.startswith(f.rule + ":")
        assert f.vote_ids and list(f.vote_ids) == sorted(set(f.vote_ids)) and set(f.vote_ids) <= set(by_id)
        group = [by_id[i] for i in f.vote_ids]
        assert f.start == min(v.at for v in group) <= f.end == max(v.at for v in group)
        if f.rule == "rapid_multi_entry":
            assert f.entry_id is None and {v.voter_id for v in group} == {f.voter_id}
        else:
            assert f.voter_id is None and {v.entry_id for v in group} == {f.entry_id}
        assert json.loads(json.dumps(f.evidence)) == f.evidence
        assert all(type(x) in (int, float, str) for x in f.evidence.values())
    shuffled = list(votes)
    rng.shuffle(shuffled)
    assert find_patterns(shuffled, SMALL) == findings
