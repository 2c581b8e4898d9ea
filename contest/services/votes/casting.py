"""Casting a public vote, exactly once, inside the database's transaction.

One write path for the route, the demo and the tests: cast(). Its four
statements run through SQLAlchemy Core on the session's connection, in the
same order for every vote (so two votes never wait on each other in a
circle): the voter's counter for the day, then the entry's tally and chain
head, then the row, then the head's advance. The voter's counter serialises
one voter's votes (the quota and "once per entry per day" hold under any
concurrency); the entry's tally serialises the entry's hash chain, so votes
for different entries never wait on each other on PostgreSQL. SQLite
serialises every write anyway (BEGIN IMMEDIATE, contest/database.py)."""
from __future__ import annotations

import hmac
import ipaddress
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ... import policies
from ...database import begin_write
from ...extensions import db
from ...models import Contest, Entry, RoundEntry, User, Vote, VoterDay, VoteTally
from ...models.timestamps import utcnow
from ...phases import SHANGHAI
from ...state import in_voting, voting_open
from ..errors import ServiceError
from ..unit_of_work import writes
from .ledger import chain_link


class VoteRefused(ServiceError):
    """A vote not recorded; `status` is the HTTP status the voter's page gets."""

    def __init__(self, status: int, message: str, remaining: int | None = None):
        super().__init__(message)
        self.status, self.remaining = status, remaining


@dataclass(frozen=True)
class VoteOutcome:
    vote_id: int
    day: date
    remaining_today: int
    replayed: bool = False


@dataclass(frozen=True)
class Ballot:
    """Everything the write needs, read and checked before the write begins."""
    contest_id: int
    entry_id: int
    voter_id: int
    quota: int
    opens: datetime
    closes: datetime
    request_id: str
    ip_hash: str
    ip_prefix: str
    device_hash: str


def vote_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of a server timestamp."""
    return moment.astimezone(SHANGHAI).date()


def _salt() -> bytes:
    return current_app.config["IP_HASH_SALT"].encode()


def _hash(kind: str, value: str, salt: bytes | None = None) -> str:
    return hmac.digest(salt or _salt(), f"{kind}:{value}".encode(), "sha256").hex()


def ip_prefix(ip: str) -> str:
    """The network a voter's address belongs to: /24 for IPv4, /48 for IPv6."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:   # the same text as ip_network(.../24), for a fraction of its cost
        return f"{ipaddress.IPv4Address(int(address) & 0xFFFFFF00)}/24"
    return str(ipaddress.ip_network(f"{address}/48", strict=False))


def remaining_today(contest: Contest, voter: User, now: datetime | None = None) -> int:
    used = db.session.scalar(select(VoterDay.used).where(
        VoterDay.contest_id == contest.id, VoterDay.voter_id == voter.id,
        VoterDay.day == vote_day(now or utcnow()))) or 0
    return max(contest.votes_per_day - used, 0)


def voted_today(contest: Contest, voter: User, now: datetime | None = None) -> set[int]:
    return set(db.session.scalars(select(Vote.entry_id).where(
        Vote.contest_id == contest.id, Vote.voter_id == voter.id, Vote.day == vote_day(now or utcnow()))))


class VoteSettings(NamedTuple):
    """What a vote needs of its contest (the attribute names of Contest, so the
    same checks and policies read either)."""
    id: int
    voting_enabled: bool
    voting_start: datetime | None
    voting_end: datetime | None
    votes_per_day: int
    vote_round_id: int | None
    voting_districts: list


class Voter(NamedTuple):
    """The voting account as the route reads it (what policies.can_vote asks of a user)."""
    id: int
    district: str | None
    is_authenticated: bool = True


class VoteContext(NamedTuple):
    settings: VoteSettings | None   # None: no published contest with this slug
    entry_id: int | None            # None: no entry with this number in its vote
    voter: Voter | None             # None: no account, a disabled one, or a session ended since


class _Row(NamedTuple):
    contest_id: int
    entry_id: int
    voter_id: int
    day: date
    created_at: datetime
    request_id: str
    ip_hash: str
    ip_prefix: str
    device_hash: str


class _Statements(NamedTuple):
    context: object   # the contest's settings, the entry in its vote and the voter
    count_in: object  # the voter's day counter, within the quota
    head: object      # the entry's tally, locked, and its chain head
    add: object       # the row (nothing when it repeats a vote or replays a key)
    advance: object   # the chain head and the tally moved on
    used: object
    earlier: object
    repeat: object


@cache
def _statements(dialect: str) -> _Statements:
    """Built once per dialect with bound parameters (SQLAlchemy caches their
    compiled form): building them anew each time cost more than running them."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    days, tallies_t, votes_t = VoterDay.__table__, VoteTally.__table__, Vote.__table__
    in_round = or_(Contest.vote_round_id.is_(None), Entry.id.in_(
        select(RoundEntry.entry_id).where(RoundEntry.round_id == Contest.vote_round_id)))
    context = (select(Contest.id, Contest.voting_enabled, Contest.voting_start, Contest.voting_end,
                      Contest.votes_per_day, Contest.vote_round_id, Contest.voting_districts,
                      Entry.id, User.id, User.district).select_from(Contest)
               .outerjoin(Entry, and_(Entry.contest_id == Contest.id, Entry.number == bindparam("number"),
                                      in_voting(), in_round))
               .outerjoin(User, and_(User.id == bindparam("account"), User.active.is_(True),
                                     User.session_version == bindparam("version")))
               .where(Contest.slug == bindparam("slug"), Contest.published.is_(True)))
    count_in = insert(days).values(contest_id=bindparam("c"), voter_id=bindparam("v"), day=bindparam("d"),
                                   used=bindparam("step"))
    count_in = count_in.on_conflict_do_update(
        index_elements=["contest_id", "voter_id", "day"], set_={"used": days.c.used + bindparam("step")},
        where=days.c.used + bindparam("step") <= bindparam("quota")).returning(days.c.used)
    head = insert(tallies_t).values(entry_id=bindparam("e"), contest_id=bindparam("c"), counted=0, head="")
    head = head.on_conflict_do_update(index_elements=["entry_id"], set_={"counted": tallies_t.c.counted}) \
        .returning(tallies_t.c.head)
    add = insert(votes_t).values({c: bindparam(c) for c in (*_Row._fields, "status", "chain")}) \
        .on_conflict_do_nothing().returning(votes_t.c.id)
    advance = update(tallies_t).where(tallies_t.c.entry_id == bindparam("e")) \
        .values(head=bindparam("chain"), counted=tallies_t.c.counted + 1)
    used = select(days.c.used).where(days.c.contest_id == bindparam("c"), days.c.voter_id == bindparam("v"),
                                     days.c.day == bindparam("d"))
    earlier = select(votes_t.c.id, votes_t.c.day).where(votes_t.c.request_id == bindparam("request_id"))
    repeat = select(votes_t.c.id).where(votes_t.c.voter_id == bindparam("v"), votes_t.c.entry_id == bindparam("e"),
                                        votes_t.c.day == bindparam("d"))
    return _Statements(context, count_in, head, add, advance, used, earlier, repeat)


def _sql(connection: Connection) -> _Statements:
    return _statements(connection.dialect.name)


def settings_for(slug: str, number: str, account: tuple[int, int] | None = None) -> VoteContext:
    """A published contest's vote settings, the id of the entry with this
    number in its vote, and the voter whose session names `account` (id,
    session version), in one query on the session's connection."""
    account_id, version = account or (None, None)
    connection = db.session.connection()
    found = connection.execute(_sql(connection).context, {
        "slug": slug, "number": number, "account": account_id, "version": version}).first()
    if found is None:
        return VoteContext(None, None, None)
    *settings, entry_id, voter_id, district = found
    return VoteContext(VoteSettings(*settings), entry_id, Voter(voter_id, district) if voter_id else None)


def ballot_for(contest: Contest | VoteSettings, entry_id: int | None, voter: User | Voter, *, ip: str, device: str,
               idempotency_key: str | None = None, now: datetime | None = None) -> Ballot:
    if not voting_open(contest, now or utcnow()):
        raise VoteRefused(403, _("Voting is not open now."))
    if entry_id is None:
        raise VoteRefused(404, _("No entry with this number is in the vote."))
    if not policies.can_vote(voter, contest):
        raise VoteRefused(403, _("This vote is open to residents of %(districts)s only.",
                                 districts="、".join(contest.voting_districts)))
    # A key names one request: the same key for another entry or contest is another request.
    salt = _salt()
    request_id = _hash("request", f"{voter.id}:{contest.id}:{entry_id}:{idempotency_key}", salt) \
        if idempotency_key else uuid.uuid4().hex
    return Ballot(contest.id, entry_id, voter.id, contest.votes_per_day, contest.voting_start, contest.voting_end,
                  request_id, _hash("ip", ip, salt), _hash("prefix", ip_prefix(ip), salt),
                  _hash("device", device, salt))


def _count_in(connection: Connection, ballot: Ballot, day: date, step: int = 1) -> int | None:
    """Add `step` to the voter's count for the day, within the quota; the row
    stays locked to this transaction. None when the quota is used up."""
    return connection.execute(_sql(connection).count_in, {
        "c": ballot.contest_id, "v": ballot.voter_id, "d": day, "step": step, "quota": ballot.quota}).scalar()


def cast(ballot: Ballot, *, now: datetime | None = None, clock=utcnow) -> VoteOutcome:
    """Record one vote in the session's transaction (begun as a write), or
    refuse it with the reason and the HTTP status; the caller commits. A
    refusal leaves nothing changed. `now` fixes the clock (tests); otherwise
    the clock is read once the voter's counter is held, so every accepted row
    is stamped before the window closes and on the day it counts for."""
    read_clock = (lambda: now) if now is not None else clock
    connection = begin_write(db.session())   # the scoped session's own Session
    sql = _sql(connection)
    day = vote_day(read_clock())
    while True:
        used = _count_in(connection, ballot, day)
        if used is None:
            # A replay of the day's last vote, or a second vote for an entry, says so
            # rather than "no votes left"; only then is it the quota.
            return _replayed_or_refused(connection, ballot, day, VoteRefused(
                429, _("You have used all %(n)d of today's votes. Come back tomorrow.", n=ballot.quota), 0))
        stamp = read_clock()
        if vote_day(stamp) == day:
            break
        _count_in(connection, ballot, day, -1)   # midnight passed while waiting: the new day's
        day = vote_day(stamp)
    if not ballot.opens <= stamp < ballot.closes:
        _count_in(connection, ballot, day, -1)
        raise VoteRefused(403, _("Voting closed before your vote arrived."))
    head = connection.execute(sql.head, {"e": ballot.entry_id, "c": ballot.contest_id}).scalar_one()
    row = _Row(ballot.contest_id, ballot.entry_id, ballot.voter_id, day, stamp, ballot.request_id, ballot.ip_hash,
               ballot.ip_prefix, ballot.device_hash)
    chain = chain_link(head, row)
    vote_id = connection.execute(sql.add, {**row._asdict(), "status": "valid", "chain": chain}).scalar()
    if vote_id is None:
        # The row's own constraints met a vote for this entry today or this key already used.
        _count_in(connection, ballot, day, -1)
        return _replayed_or_refused(connection, ballot, day, VoteRefused(
            409, _("You have already voted for this entry today. Come back tomorrow.")))
    connection.execute(sql.advance, {"e": ballot.entry_id, "chain": chain})
    return VoteOutcome(vote_id, day, ballot.quota - used)


def _replayed_or_refused(connection: Connection, ballot: Ballot, day: date, otherwise: VoteRefused) -> VoteOutcome:
    """A replayed request (the same key) gets its first answer again; a second
    vote for the entry that day is told so; anything else gets `otherwise`."""
    sql = _sql(connection)
    used = connection.execute(sql.used, {"c": ballot.contest_id, "v": ballot.voter_id, "d": day}).scalar()
    remaining = max(ballot.quota - (used or 0), 0)
    earlier = connection.execute(sql.earlier, {"request_id": ballot.request_id}).first()
    if earlier is not None:
        return VoteOutcome(earlier[0], earlier[1], remaining, replayed=True)
    if connection.execute(sql.repeat, {"v": ballot.voter_id, "e": ballot.entry_id, "d": day}).first():
        raise VoteRefused(409, _("You have already voted for this entry today. Come back tomorrow."), remaining)
    otherwise.remaining = remaining if otherwise.remaining is None else otherwise.remaining
    raise otherwise


@writes
def cast_vote(contest: Contest, number: str, voter: User, *, ip: str, device: str,
              idempotency_key: str | None = None, now: datetime | None = None, clock=utcnow) -> VoteOutcome:
    """Read the contest's settings and the entry, and cast() the vote: for
    the demo and the tests, with model objects in hand."""
    db.session.flush()   # settings_for reads the database, not the session
    settings, entry_id, _voter = settings_for(contest.slug, number)
    if settings is None:
        raise VoteRefused(404, _("No entry with this number is in the vote."))
    ballot = ballot_for(settings, entry_id, voter, ip=ip, device=device, idempotency_key=idempotency_key,
                        now=now if now is not None else clock())
    return cast(ballot, now=now, clock=clock)
