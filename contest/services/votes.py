"""Casting a public vote, exactly once, inside the database's transaction.

Order of locks, the same for every vote (so two votes never wait on each
other in a circle): the voter's counter for the day, then the entry's tally.
The voter's counter serialises one voter's votes (the quota and "once per
entry per day" hold under any concurrency); the entry's tally serialises the
entry's hash chain, so votes for different entries never wait on each other
on PostgreSQL. SQLite serialises every write anyway (BEGIN IMMEDIATE)."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import policies
from ..driver_sql import DriverConnection, OnConnection
from ..extensions import db
from ..models import Contest, Entry, Round, RoundEntry, User, Vote, VoterDay, VoteTally
from ..models.timestamps import utcnow
from ..phases import SHANGHAI
from ..state import in_voting, voting_entries, voting_open  # noqa: F401  (voting_entries: callers read it here)
from . import audit
from .errors import ServiceError


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


def chain_link(previous: str, vote: Vote) -> str:
    """The row's fields, chained to the entry's previous row: editing, adding
    or removing a row by hand breaks every link after it. The status is not
    part of it (it changes, audited, when votes are invalidated)."""
    stamp = vote.created_at.astimezone(SHANGHAI).isoformat(timespec="microseconds")
    fields = "|".join(str(x) for x in (previous, vote.contest_id, vote.entry_id, vote.voter_id,
                                        vote.day.isoformat(), stamp, vote.request_id, vote.ip_hash,
                                        vote.ip_prefix, vote.device_hash))
    return hashlib.sha256(fields.encode()).hexdigest()


def save_settings(actor: User, contest: Contest, round_id: int | None, districts: list[str]) -> None:
    """Which entries are put to the vote (every accepted one, or a round's) and
    who may vote (everyone, or residents of the named districts)."""
    if round_id and db.session.scalar(select(Round.contest_id).where(Round.id == round_id)) != contest.id:
        raise ServiceError(_("Please choose a round of this contest."), field="vote_round")
    known = current_app.config["DISTRICTS"]
    contest.vote_round_id = round_id or None
    contest.voting_districts = [d for d in known if d in set(districts)]
    db.session.flush()
    audit.record(actor, "votes.settings", contest, details={
        "round": contest.vote_round_id, "districts": contest.voting_districts})


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
    """The voting account as the hot path reads it (what policies.can_vote asks of a user)."""
    id: int
    district: str | None
    is_authenticated: bool = True


class VoteContext(NamedTuple):
    settings: VoteSettings | None   # None: no published contest with this slug
    entry_id: int | None            # None: no entry with this number in its vote
    voter: Voter | None             # None: no account, a disabled one, or a session ended since


_SETTINGS = (Contest.id, Contest.voting_enabled, Contest.voting_start, Contest.voting_end, Contest.votes_per_day,
             Contest.vote_round_id, Contest.voting_districts)


def _context_query():
    """The contest's vote settings, the entry in its vote and the voter, in
    one statement with bound parameters (built once, in _statements)."""
    in_round = or_(Contest.vote_round_id.is_(None), Entry.id.in_(
        select(RoundEntry.entry_id).where(RoundEntry.round_id == Contest.vote_round_id)))
    return (select(*_SETTINGS, Entry.id, User.id, User.district).select_from(Contest)
            .outerjoin(Entry, and_(Entry.contest_id == Contest.id, Entry.number == bindparam("number"),
                                   in_voting(), in_round))
            .outerjoin(User, and_(User.id == bindparam("account"), User.active.is_(True),
                                  User.session_version == bindparam("version")))
            .where(Contest.slug == bindparam("slug"), Contest.published.is_(True)))


def settings_for(slug: str, number: str, account: tuple[int, int] | None = None,
                 connection: DriverConnection | None = None) -> VoteContext:
    """A published contest's vote settings, the id of the entry with this
    number in its vote, and the voter whose session names `account` (id,
    session version), in one query: the vote's hot path. Reads on the
    session's connection unless given one."""
    account_id, version = account or (None, None)
    found = _first(_on(connection), "context", {"slug": slug, "number": number, "account": account_id,
                                                 "version": version})
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


@lru_cache(maxsize=4)
def _statements(dialect: str) -> dict:
    """The vote's statements, built once per dialect with bound parameters:
    building them anew each time cost more than running them. The read of
    the contest, entry and voter; the write's four; and the three reads that
    tell a replay or a repeat from a vote over the quota."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    days, tallies_t, votes_t = VoterDay.__table__, VoteTally.__table__, Vote.__table__
    count_in = insert(days).values(contest_id=bindparam("c"), voter_id=bindparam("v"), day=bindparam("d"),
                                   used=bindparam("step"))
    count_in = count_in.on_conflict_do_update(
        index_elements=["contest_id", "voter_id", "day"], set_={"used": days.c.used + bindparam("step")},
        where=days.c.used + bindparam("step") <= bindparam("quota")).returning(days.c.used)
    head = insert(tallies_t).values(entry_id=bindparam("e"), contest_id=bindparam("c"), counted=0, head="")
    head = head.on_conflict_do_update(index_elements=["entry_id"], set_={"counted": tallies_t.c.counted}) \
        .returning(tallies_t.c.head)
    add = votes_t.insert().values({c: bindparam(c) for c in (*_Row._fields, "status", "chain")}) \
        .returning(votes_t.c.id)
    advance = update(tallies_t).where(tallies_t.c.entry_id == bindparam("e")) \
        .values(head=bindparam("chain"), counted=tallies_t.c.counted + 1)
    used = select(days.c.used).where(days.c.contest_id == bindparam("c"), days.c.voter_id == bindparam("v"),
                                     days.c.day == bindparam("d"))
    earlier = select(votes_t.c.id, votes_t.c.day).where(votes_t.c.request_id == bindparam("request_id"))
    repeat = select(votes_t.c.id).where(votes_t.c.voter_id == bindparam("v"), votes_t.c.entry_id == bindparam("e"),
                                        votes_t.c.day == bindparam("d"))
    return {"context": _context_query(), "count_in": count_in, "head": head, "add": add, "advance": advance,
            "used": used, "earlier": earlier, "repeat": repeat}


def _on(connection: DriverConnection | None) -> DriverConnection | OnConnection:
    return OnConnection(db.session.connection()) if connection is None else connection


def _first(connection: DriverConnection | OnConnection, name: str, params: dict) -> tuple | None:
    """Run one of the vote's prebuilt statements on the driver's cursor: the
    first row it returns, if any. A constraint it meets raises the driver's
    IntegrityError (see conflict_errors)."""
    return connection.first(f"votes.{name}", lambda: _statements(connection.dialect.name)[name], params)


def conflict_errors(connection) -> tuple[type[Exception], ...]:
    """What a constraint met by the write raises: SQLAlchemy's wrapper, or the driver's own."""
    return IntegrityError, connection.dialect.loaded_dbapi.IntegrityError


def _count_in(connection, ballot: Ballot, day: date, step: int = 1) -> int | None:
    """Add `step` to the voter's count for the day, within the quota; the row
    stays locked to this transaction. None when the quota is used up."""
    row = _first(connection, "count_in", {
        "c": ballot.contest_id, "v": ballot.voter_id, "d": day, "step": step, "quota": ballot.quota})
    return row[0] if row else None


def record(ballot: Ballot, *, connection=None, now: datetime | None = None, clock=utcnow) -> VoteOutcome:
    """The write: the voter's day counter (locked first), then the entry's
    tally and chain head (locked last, so a popular entry's votes queue for
    the shortest time), then the row. A repeated vote or a replayed key ends
    in an IntegrityError from the database's own constraints: the caller rolls
    back and asks after_conflict(). `now` fixes the clock (tests); otherwise
    the clock is read once the voter's counter is held, so every accepted row
    is stamped before the window closes. Runs on the session's connection
    unless given one."""
    read_clock = (lambda: now) if now is not None else clock
    connection = _on(connection)
    connection.begin_write()
    day = vote_day(read_clock())
    while True:
        used = _count_in(connection, ballot, day)
        if used is None:
            # A replay of the day's last vote, or a second vote for an entry, says so
            # rather than "no votes left"; only then is it the quota.
            return _replayed_or_refused(ballot, day, VoteRefused(
                429, _("You have used all %(n)d of today's votes. Come back tomorrow.", n=ballot.quota), 0),
                connection)
        stamp = read_clock()
        if vote_day(stamp) == day:
            break
        _count_in(connection, ballot, day, -1)   # midnight passed while waiting: the new day's
        day = vote_day(stamp)
    if not ballot.opens <= stamp < ballot.closes:
        raise VoteRefused(403, _("Voting closed before your vote arrived."))
    (head,) = _first(connection, "head", {"e": ballot.entry_id, "c": ballot.contest_id})
    row = _Row(ballot.contest_id, ballot.entry_id, ballot.voter_id, day, stamp, ballot.request_id, ballot.ip_hash,
               ballot.ip_prefix, ballot.device_hash)
    chain = chain_link(head, row)
    (vote_id,) = _first(connection, "add", {**row._asdict(), "status": "valid", "chain": chain})
    _first(connection, "advance", {"e": ballot.entry_id, "chain": chain})
    return VoteOutcome(vote_id, day, ballot.quota - used)


def _replayed_or_refused(ballot: Ballot, day: date, otherwise: VoteRefused, connection=None) -> VoteOutcome:
    """A replayed request (the same key) gets its first answer again; a second
    vote for the entry that day is told so; anything else gets `otherwise`."""
    connection = _on(connection)
    used = _first(connection, "used", {"c": ballot.contest_id, "v": ballot.voter_id, "d": day})
    remaining = max(ballot.quota - (used[0] if used else 0), 0)
    earlier = _first(connection, "earlier", {"request_id": ballot.request_id})
    if earlier is not None:
        return VoteOutcome(earlier[0], earlier[1], remaining, replayed=True)
    if _first(connection, "repeat", {"v": ballot.voter_id, "e": ballot.entry_id, "d": day}):
        raise VoteRefused(409, _("You have already voted for this entry today. Come back tomorrow."), remaining)
    otherwise.remaining = remaining if otherwise.remaining is None else otherwise.remaining
    raise otherwise


def hot_connection() -> DriverConnection:
    """A pooled connection of the vote's own, used at the driver's level: the
    hot path reads and writes a few rows and needs none of the ORM session's
    unit of work nor SQLAlchemy's per-statement work."""
    return DriverConnection(db.engine)


def write(connection: DriverConnection, ballot: Ballot) -> VoteOutcome:
    """On the hot connection, after the ballot's reads: record and commit. On
    SQLite the reads ran without a transaction, so the write lock is held for
    the write's own statements only. A repeat or a replayed key met by the
    database's constraints is rolled back and answered by after_conflict()."""
    try:
        outcome = record(ballot, connection=connection)
        connection.commit()
    except conflict_errors(connection):
        connection.rollback()
        return after_conflict(ballot, connection=connection)
    except BaseException:
        connection.rollback()
        raise
    return outcome


def after_conflict(ballot: Ballot, now: datetime | None = None, connection=None) -> VoteOutcome:
    """After a rolled-back write that met a constraint: a replay or a second vote."""
    return _replayed_or_refused(ballot, vote_day(now or utcnow()), VoteRefused(
        409, _("You have already voted for this entry today. Come back tomorrow.")), connection)


def cast_vote(contest: Contest, number: str, voter: User, *, ip: str, device: str,
              idempotency_key: str | None = None, now: datetime | None = None, clock=utcnow) -> VoteOutcome:
    """Record one vote inside the caller's transaction (a savepoint holds the
    write), or refuse with the reason and the HTTP status."""
    db.session.flush()   # settings_for reads the database, not the session
    settings, entry_id, _voter = settings_for(contest.slug, number)
    if settings is None:
        raise VoteRefused(404, _("No entry with this number is in the vote."))
    ballot = ballot_for(settings, entry_id, voter, ip=ip, device=device, idempotency_key=idempotency_key,
                        now=now if now is not None else clock())
    try:
        with db.session.begin_nested():
            return record(ballot, now=now, clock=clock)
    except conflict_errors(db.session.connection()):
        return after_conflict(ballot, now)


def tallies(contest: Contest) -> dict[int, int]:
    """entry id -> counted votes, from the kept counters."""
    return dict(db.session.execute(select(VoteTally.entry_id, VoteTally.counted)
                                   .where(VoteTally.contest_id == contest.id)).all())


@dataclass
class Recount:
    counted: dict[int, int]          # entry id -> valid and suspect votes, from the rows
    broken_at: int | None            # the first row whose chain does not hold
    drift: dict[int, tuple[int, int]]   # entry id -> (kept counter, recount) where they differ


_CHAINED = (Vote.id, Vote.entry_id, Vote.status, Vote.chain, Vote.contest_id, Vote.voter_id, Vote.day,
            Vote.created_at, Vote.request_id, Vote.ip_hash, Vote.ip_prefix, Vote.device_hash)


def recount(contest: Contest) -> Recount:
    """Count every entry's votes again from the rows and walk each entry's
    chain. The rows and the kept tallies are read by one statement, so one
    snapshot: a vote arriving meanwhile cannot look like a break."""
    counted: dict[int, int] = {}
    heads: dict[int, str] = {}
    kept: dict[int, tuple[int, str]] = {}
    broken_at = None
    rows = db.session.execute(
        select(*_CHAINED, VoteTally.counted.label("kept_count"), VoteTally.head.label("kept_head"))
        .outerjoin(VoteTally, VoteTally.entry_id == Vote.entry_id)
        .where(Vote.contest_id == contest.id).order_by(Vote.entry_id, Vote.id))
    for vote in rows:
        counted.setdefault(vote.entry_id, 0)
        if vote.status != "invalid":
            counted[vote.entry_id] += 1
        if broken_at is None and chain_link(heads.get(vote.entry_id, ""), vote) != vote.chain:
            broken_at = vote.id
        heads[vote.entry_id] = vote.chain
        kept[vote.entry_id] = (vote.kept_count or 0, vote.kept_head or "")
    # Tallies of entries without a single row left (rows removed by hand).
    for entry_id, n, head in db.session.execute(
            select(VoteTally.entry_id, VoteTally.counted, VoteTally.head)
            .where(VoteTally.contest_id == contest.id, VoteTally.entry_id.not_in(select(Vote.entry_id).where(
                Vote.contest_id == contest.id).distinct()))):
        kept[entry_id] = (n, head)
    if broken_at is None:
        # A last row removed by hand leaves the chain whole but shorter than its kept head.
        for entry_id in sorted(kept):
            if kept[entry_id][1] != heads.get(entry_id, ""):
                broken_at = db.session.scalar(select(func.max(Vote.id)).where(Vote.entry_id == entry_id)) or 0
                break
    drift = {e: (kept.get(e, (0, ""))[0], counted.get(e, 0)) for e in set(kept) | set(counted)
             if kept.get(e, (0, ""))[0] != counted.get(e, 0)}
    return Recount(counted, broken_at, drift)


def lock_tallies(entry_ids) -> None:
    """Lock entries' tallies in entry order: votes, invalidations and scans all
    take these locks in the same order, before touching vote rows."""
    if entry_ids:
        db.session.execute(select(VoteTally.entry_id).where(VoteTally.entry_id.in_(sorted(entry_ids)))
                           .order_by(VoteTally.entry_id).with_for_update())


def invalidate(actor: User, contest: Contest, vote_ids, reason: str) -> int:
    """Mark votes invalid with a reason; each entry's tally falls by exactly
    the number marked. Rows are never deleted. Returns how many were marked."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reason for invalidating these votes."), field="reason")
    ids = sorted({int(i) for i in vote_ids})
    lock_tallies(set(db.session.scalars(select(Vote.entry_id).where(
        Vote.contest_id == contest.id, Vote.id.in_(ids)).distinct())))
    marked = db.session.execute(
        update(Vote).where(Vote.contest_id == contest.id, Vote.id.in_(ids), Vote.status != "invalid")
        .values(status="invalid", reason=reason).returning(Vote.id, Vote.entry_id)).all()
    per_entry: dict[int, int] = {}
    for _vote_id, entry_id in marked:
        per_entry[entry_id] = per_entry.get(entry_id, 0) + 1
    for entry_id, n in sorted(per_entry.items()):
        db.session.execute(update(VoteTally).where(VoteTally.entry_id == entry_id)
                           .values(counted=VoteTally.counted - n))
    db.session.flush()
    audit.record(actor, "votes.invalidate", contest, details={
        "votes": len(marked), "reason": reason, "ids": sorted(v for v, _e in marked)[:500]})
    return len(marked)
