"""The public vote (网络投票): one row per accepted vote, never deleted; each
voter's counter for a contest day (the row locked to hold the daily quota);
each entry's tally and the head of its hash chain; flags raised by the
brushing scan, with their evidence and the organiser's decision."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .contests import Contest
from .entries import Entry
from .timestamps import UTCDateTime, utcnow

VOTE_STATUSES = ("valid", "suspect", "invalid")   # suspect votes count until a person decides
FLAG_STATES = ("open", "invalidated", "cleared")


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("voter_id", "entry_id", "day"),   # one vote per entry per voter per day
        Index("ix_votes_entry_id_id", "entry_id", "id"),
        Index("ix_votes_contest_id_created_at", "contest_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)   # the Asia/Shanghai calendar day of created_at
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    ip_hash: Mapped[str] = mapped_column(String(64))
    ip_prefix: Mapped[str] = mapped_column(String(64))   # salted hash of the /24 (IPv4) or /48 (IPv6)
    device_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="valid")
    reason: Mapped[str | None] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(String(64))   # sha256 of the fields and the entry's previous chain

    entry: Mapped[Entry] = relationship()
    voter: Mapped[User] = relationship()


class VoterDay(db.Model):
    """How many votes a voter has cast in a contest on one day."""
    __tablename__ = "voter_days"
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(default=0)


class VoteTally(db.Model):
    """An entry's counted votes (valid and suspect) and the head of its chain;
    always equal to a recount of the rows."""
    __tablename__ = "vote_tallies"
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    counted: Mapped[int] = mapped_column(default=0)
    head: Mapped[str] = mapped_column(String(64), default="")


class VoteFlag(db.Model):
    """A group of votes matching a brushing pattern, with the numbers that
    make it suspicious, until the organiser invalidates or clears it."""
    __tablename__ = "vote_flags"
    __table_args__ = (UniqueConstraint("contest_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    rule: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    vote_ids: Mapped[list] = mapped_column(JSON, default=list)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="open")
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry | None] = relationship()
    contest: Mapped[Contest] = relationship()
