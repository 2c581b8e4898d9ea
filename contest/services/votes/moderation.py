"""Invalidating votes: rows are marked, never deleted, and each entry's tally
falls by exactly the number marked."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...extensions import db
from ...models import Contest, User, Vote, VoteTally
from .. import audit
from ..errors import ServiceError
from ..unit_of_work import writes
from .ledger import lock_tallies


@writes
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
