"""Where a contest, an entry or a round stands: predicates about state, read
from the models alone. Low in the house: policies and services both build on
it, and it imports only the models and pure modules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .extensions import db
from .models import Category, Contest, Entry, JudgeAssignment, ResultVersion, RoundEntry
from .models.timestamps import utcnow
from .phases import showcase_from, submission_open


def editable(entry: Entry, now: datetime | None = None) -> bool:
    """Drafts and submitted entries until the deadline; entries returned for
    changes until screening ends."""
    now = now or utcnow()
    if entry.status in ("draft", "submitted"):
        return submission_open(entry.contest, now)
    if entry.status == "returned":
        end = entry.contest.screening_end
        return end is None or now < end
    return False


def voting_open(contest: Contest, now: datetime) -> bool:
    return bool(contest.voting_enabled and contest.voting_start and contest.voting_end
                and contest.voting_start <= now < contest.voting_end)


def in_voting():
    """The condition on Entry for the entries a contest puts to the vote."""
    return Entry.status == "accepted"


def voting_entries(contest: Contest):
    """A select of the entries put to the vote: every accepted entry, or the
    accepted entries of the round the organiser chose."""
    query = select(Entry).where(Entry.contest_id == contest.id, in_voting())
    if contest.vote_round_id:
        query = query.where(Entry.id.in_(
            select(RoundEntry.entry_id).where(RoundEntry.round_id == contest.vote_round_id)))
    return query


def entry_in_voting(contest: Contest, number: str) -> Entry | None:
    return db.session.scalar(voting_entries(contest).where(Entry.number == number))


def final_version(contest: Contest) -> ResultVersion | None:
    """The published final result, if there is one."""
    return db.session.scalar(select(ResultVersion).where(ResultVersion.contest_id == contest.id,
                                                         ResultVersion.kind == "final"))


def round_is_open(item: JudgeAssignment, now: datetime | None = None) -> bool:
    """The round of this assignment takes scores now."""
    rnd = item.round
    now = now or utcnow()
    return rnd.state == "open" and (rnd.opens_at is None or rnd.opens_at <= now) and \
        (rnd.closes_at is None or now < rnd.closes_at)


def holds_assignment(judge_id: int, entry_id: int) -> bool:
    """The judge has an assignment of this entry they have not stepped back from."""
    return db.session.scalar(select(JudgeAssignment.id).where(
        JudgeAssignment.judge_id == judge_id, JudgeAssignment.entry_id == entry_id,
        JudgeAssignment.state != "recused").limit(1)) is not None


def showcase_open(contest: Contest, now: datetime | None = None) -> bool:
    """A published 展播 shows its accepted entries once screening is over
    (or from the results date the organiser set)."""
    start = showcase_from(contest)
    return bool(contest.showcase_only and contest.published and start is not None and (now or utcnow()) >= start)


def showcase_entries(contest: Contest):
    """A select of the entries a 展播 shows: every accepted one, by category and number."""
    return (select(Entry).join(Category, Entry.category_id == Category.id)
            .where(Entry.contest_id == contest.id, Entry.status == "accepted")
            .order_by(Category.position, Category.id, Entry.number))
