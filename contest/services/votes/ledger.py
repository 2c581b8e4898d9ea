"""The vote's ledger: each entry's kept tally and the head of its hash chain,
and the recount that checks both against the rows."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ...models import Contest, Vote, VoteTally
from ...phases import SHANGHAI


def chain_link(previous: str, vote) -> str:
    """The row's fields, chained to the entry's previous row: editing, adding
    or removing a row by hand breaks every link after it. The status is not
    part of it (it changes, audited, when votes are invalidated)."""
    stamp = vote.created_at.astimezone(SHANGHAI).isoformat(timespec="microseconds")
    fields = "|".join(str(x) for x in (previous, vote.contest_id, vote.entry_id, vote.voter_id,
                                        vote.day.isoformat(), stamp, vote.request_id, vote.ip_hash,
                                        vote.ip_prefix, vote.device_hash))
    return hashlib.sha256(fields.encode()).hexdigest()


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
