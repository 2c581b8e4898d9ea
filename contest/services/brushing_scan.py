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
from .unit_of_work import writes


def thresholds() -> vote_patterns.Thresholds:
    """The settings VOTE_<FIELD> (VOTE_SPIKE_FACTOR ...), one per threshold."""
    return vote_patterns.Thresholds(**{f.name: current_app.config[f"VOTE_{f.name.upper()}"]
                                       for f in fields(vote_patterns.Thresholds)})


def _rows(contest: Contest) -> list[vote_patterns.VoteRow]:
    found = db.session.execute(
        select(Vote.id, Vote.entry_id, Vote.voter_id, Vote.created_at, Vote.ip_prefix, User.created_at)
        .join(User, User.id == Vote.voter_id)
        .where(Vote.contest_id == contest.id))   # invalidated votes too: a pattern that goes on is still one
    return [vote_patterns.VoteRow(*row) for row in found]


@writes
def scan(actor: User | None, contest: Contest) -> int:
    """Look for every pattern. A finding seen before that has grown adds its new
    votes to its open flag, or, once that flag is decided, raises a flag of its
    own for them; nothing is raised twice. Returns how many flags are new or grew."""
    by_key: dict[str, list[VoteFlag]] = {}
    covered: dict[str, set[int]] = {}   # rule -> votes some flag of that rule already holds
    for flag in db.session.scalars(select(VoteFlag).where(VoteFlag.contest_id == contest.id).order_by(VoteFlag.id)):
        by_key.setdefault(flag.key.split("#")[0], []).append(flag)
        covered.setdefault(flag.rule, set()).update(flag.vote_ids)
    changed, suspect = 0, {}
    for finding in vote_patterns.find_patterns(_rows(contest), thresholds()):
        earlier = by_key.get(finding.key, [])
        held = covered.setdefault(finding.rule, set())
        fresh = [i for i in finding.vote_ids if i not in held]
        held.update(fresh)
        if not fresh:
            continue
        still_open = next((flag for flag in earlier if flag.state == "open"), None)
        if still_open is not None:
            still_open.vote_ids = sorted(set(still_open.vote_ids) | set(fresh))
            still_open.end, still_open.evidence = max(still_open.end, finding.end), finding.evidence
        else:
            flag = VoteFlag(contest_id=contest.id, rule=finding.rule, key=finding.key if not earlier else
                            f"{finding.key}#{len(earlier) + 1}", entry_id=finding.entry_id,
                            voter_id=finding.voter_id, start=finding.start, end=finding.end, vote_ids=fresh,
                            evidence=finding.evidence, state="open")
            db.session.add(flag)
            by_key.setdefault(finding.key, []).append(flag)
        changed += 1
        for vote_id in fresh:
            suspect.setdefault(vote_id, finding.rule)
    if suspect:
        votes.lock_tallies(set(db.session.scalars(select(Vote.entry_id).where(Vote.id.in_(suspect)).distinct())))
        for rule in vote_patterns.RULES:   # each vote's reason: the first rule that caught it
            ids = sorted(i for i, r in suspect.items() if r == rule)
            if ids:
                db.session.execute(update(Vote).where(Vote.id.in_(ids), Vote.status == "valid")
                                   .values(status="suspect", reason=rule))
    db.session.flush()
    audit.record(actor, "votes.scan", contest, details={"flags": changed, "votes": len(suspect)})
    return changed


@writes
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
        freed = sorted(i for i in flag.vote_ids if i not in still_held)
        # Tallies first, in entry order, as every other writer of vote rows takes them.
        votes.lock_tallies(set(db.session.scalars(select(Vote.entry_id).where(Vote.id.in_(freed)).distinct())))
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
