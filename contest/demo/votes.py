"""Demo votes for this year's contest in its public vote: days of ordinary
voting by residents who registered over the past months, and two brushing
patterns (one account firing at five entries in seconds; a burst of fresh
accounts on one network voting for one entry) for the organiser's scan."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import Contest, Entry, Programme, User
from ..phases import shanghai_year
from ..services import brushing_scan, contests, votes
from ..services.unit_of_work import writes
from ..state import voting_entries

ORDINARY_VOTERS = 80
BURST_ACCOUNTS = 22


def _accounts(phones: list[str], password: str, registered: list[datetime], districts: list[str]) -> list[User]:
    # One hash for all: the demo's voters share the demo password, and hashing
    # each at the production cost would add a minute to `make run`.
    shared = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    made = [User(phone=phone, password_hash=shared, real_name=f"投票网民{phone[-4:]}", district=district,
                 active=True, session_version=1, created_at=at)
            for phone, at, district in zip(phones, registered, districts, strict=True)]
    db.session.add_all(made)
    db.session.flush()
    return made


@writes
def seed_votes(now: datetime, password: str) -> None:
    year = db.session.scalar(select(Programme).where(Programme.year == shanghai_year(now)))
    if year is None:
        return
    for n, contest in enumerate(c for c in year.contests if contests.phase(c, now) == "voting"):
        _seed_contest(contest, now, password, n)


def _seed_contest(contest: Contest, now: datetime, password: str, n: int) -> None:
    rng = random.Random(contest.id)
    entries = db.session.scalars(voting_entries(contest).order_by(Entry.number)).all()
    if len(entries) < 5:
        return
    start, end = contest.voting_start, min(contest.voting_end, now) - timedelta(minutes=5)
    span = (end - start).total_seconds()
    districts = current_app.config["DISTRICTS"]
    people = _accounts([f"1391{n}{i:06d}" for i in range(ORDINARY_VOTERS)], password,
                       [now - timedelta(days=rng.uniform(1, 300)) for _ in range(ORDINARY_VOTERS)],
                       [rng.choice(districts) for _ in range(ORDINARY_VOTERS)])
    weights = [1 / (rank + 1) for rank in range(len(entries))]   # a few popular entries, a long tail
    for i, voter in enumerate(people):
        day = start + timedelta(seconds=rng.uniform(0, span))
        chosen = set(rng.choices(entries, weights, k=rng.randint(1, contest.votes_per_day)))
        for entry in chosen:
            at = min(day + timedelta(minutes=rng.uniform(0, 20)), end)
            votes.cast_vote(contest, entry.number, voter, ip=f"113.{rng.randint(64, 127)}.{i}.{rng.randint(2, 250)}",
                            device=f"demo-phone-{i}", now=at)
    # One account, five entries, five seconds.
    bot_at = start + timedelta(seconds=span * 0.6)
    bot = _accounts([f"1392{n}{0:06d}"], password, [now - timedelta(days=40)], [districts[0]])[0]
    for k, entry in enumerate(entries[-5:]):
        votes.cast_vote(contest, entry.number, bot, ip="58.250.1.9", device="demo-script",
                        now=bot_at + timedelta(seconds=k))
    # Fresh accounts, one network, one entry, a few minutes.
    burst_at = start + timedelta(seconds=span * 0.8)
    fresh = _accounts([f"1393{n}{i:06d}" for i in range(BURST_ACCOUNTS)], password,
                      [burst_at - timedelta(minutes=20, seconds=20 * i) for i in range(BURST_ACCOUNTS)],
                      [districts[0]] * BURST_ACCOUNTS)
    for i, voter in enumerate(fresh):
        votes.cast_vote(contest, entries[-1].number, voter, ip=f"120.229.8.{i + 10}", device=f"demo-burst-{i}",
                        now=burst_at + timedelta(seconds=9 * i))
    brushing_scan.scan(None, contest)
