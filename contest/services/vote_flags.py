"""The brushing scan and the organiser's decisions on what it finds. A scan
never changes a count: it marks the votes of each new finding suspect (they
still count) until a person invalidates the group, with a reason, or clears it."""
from __future__ import annotations

from dataclasses import fields

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from .. import vote_patterns
from ..extensions import db
from ..models import Contest, User, Vote, VoteFlag
from ..models.timestamps import utcnow
from . import audit, votes
from .errors import ServiceError


def thresholds() -> vote_patterns.Thresholds:
    """The settings VOTE_<FIELD> (VOTE_SPIKE_FACTOR ...), one per threshold."""
    return vote_patterns.Thresholds(**{f.name: current_app.config[f"VOTE_{f.name.upper()}"]
                                       for f in fields(vote_patterns.Thresholds)})


def _rows(contest: Contest) -> list[vote_patterns.VoteRow]:
    found = db.session.execute(
        select(Vote.id, Vote.entry_id, Vote.voter_id, Vote.created_at, Vote.ip_prefix, User.created_at)
        .join(User, User.id == Vote.voter_id)
        .where(Vote.contest_id == contest.id, Vote.status != "invalid"))
    return [vote_patterns.VoteRow(*row) for row in found]


def scan(actor: User | None, contest: Contest) -> int:
    """Look for every pattern; record each finding not seen before. Returns how many are new."""
    known = set(db.session.scalars(select(VoteFlag.key).where(VoteFlag.contest_id == contest.id)))
    new = [f for f in vote_patterns.find_patterns(_rows(contest), thresholds()) if f.key not in known]
    for finding in new:
        db.session.add(VoteFlag(
            contest_id=contest.id, rule=finding.rule, key=finding.key, entry_id=finding.entry_id,
            voter_id=finding.voter_id, start=finding.start, end=finding.end, vote_ids=list(finding.vote_ids),
            evidence=finding.evidence, state="open"))
        db.session.execute(update(Vote).where(Vote.id.in_(finding.vote_ids), Vote.status == "valid")
                           .values(status="suspect", reason=finding.rule))
    db.session.flush()
    audit.record(actor, "votes.scan", contest, details={"new_flags": len(new)})
    return len(new)


def decide(actor: User, flag: VoteFlag, action: str, reason: str) -> int:
    """`invalidate` the group's votes (the tally falls by exactly the number
    marked) or `clear` it (its suspect votes are valid again, unless another
    open flag holds them). Returns the number of votes changed."""
    if flag.state != "open":
        raise ServiceError(_("This flag has already been decided."))
    reason = (reason or "").strip()
    if action == "invalidate":
        changed = votes.invalidate(actor, flag.contest, flag.vote_ids, reason)
        flag.state = "invalidated"
    elif action == "clear":
        still_held = {i for ids in db.session.scalars(select(VoteFlag.vote_ids).where(
            VoteFlag.contest_id == flag.contest_id, VoteFlag.state == "open", VoteFlag.id != flag.id))
            for i in ids}
        freed = [i for i in flag.vote_ids if i not in still_held]
        changed = db.session.execute(update(Vote).where(Vote.id.in_(freed), Vote.status == "suspect")
                                     .values(status="valid", reason=None)).rowcount
        flag.state = "cleared"
    else:
        raise ServiceError(_("Please choose what to do with this group."))
    flag.reason, flag.decided_by_id, flag.decided_at = reason or None, actor.id, utcnow()
    db.session.flush()
    audit.record(actor, f"votes.flag_{flag.state}", flag.contest, details={
        "flag": flag.id, "rule": flag.rule, "votes": changed, "reason": reason})
    return changed
