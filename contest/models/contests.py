"""Programmes, contests and their categories (组别)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import Unit
from .timestamps import UTCDateTime, utcnow

ENTRY_KINDS = ("story", "image", "video", "h5", "audio", "nomination")

# The phase dates a contest carries, in the order the phases run.
PHASE_FIELDS = (
    "submission_start", "submission_end", "screening_end",
    "voting_start", "voting_end", "judging_start", "judging_end",
    "publicity_start", "publicity_end", "results_at",
)

contest_co_units = Table(
    "contest_co_units",
    db.metadata,
    Column("contest_id", ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class Programme(db.Model):
    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lead_unit: Mapped[Unit | None] = relationship()
    contests: Mapped[list[Contest]] = relationship(
        back_populates="programme", order_by="Contest.id"
    )


class Contest(db.Model):
    __tablename__ = "contests"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    rules: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    recommended_to: Mapped[str | None] = mapped_column(String(200))

    # Eligibility
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    eligible_districts: Mapped[list] = mapped_column(JSON, default=list)
    eligible_unit_kinds: Mapped[list] = mapped_column(JSON, default=list)
    real_name_required: Mapped[bool] = mapped_column(default=True)

    # Phase dates (UTC)
    submission_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    screening_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voting_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voting_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    judging_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    judging_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publicity_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publicity_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 公示联系电话: printed on the 公示 notice for objections.
    publicity_phone: Mapped[str] = mapped_column(String(40), default="")

    # Limits and voting
    entries_per_entrant: Mapped[int] = mapped_column(default=1)  # per category
    voting_enabled: Mapped[bool] = mapped_column(default=False)
    votes_per_day: Mapped[int] = mapped_column(default=5)
    vote_weight: Mapped[int] = mapped_column(default=0)  # percent of the final score
    show_vote_counts: Mapped[bool] = mapped_column(default=True)
    # After the final result, each entrant reads the judges' comments on their entry, without names.
    judges_feedback: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Which entries are put to the vote: every accepted one, or the entries of a round.
    vote_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", use_alter=True, ondelete="SET NULL"))
    voting_districts: Mapped[list] = mapped_column(JSON, default=list)   # empty: everyone may vote
    # 展播: entries are collected, screened and shown; no judging, vote or awards.
    showcase_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Visible on public pages. A new contest starts hidden: the organiser publishes it when it is ready.
    published: Mapped[bool] = mapped_column(default=False)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="contests")
    lead_unit: Mapped[Unit] = relationship()
    co_units: Mapped[list[Unit]] = relationship(secondary=contest_co_units, order_by=Unit.id)
    categories: Mapped[list[Category]] = relationship(
        back_populates="contest", order_by="Category.position, Category.id",
        cascade="all, delete-orphan",
    )

    @property
    def organiser_unit_ids(self) -> set[int]:
        return {self.lead_unit_id} | {u.id for u in self.co_units}


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    min_chars: Mapped[int | None]
    max_chars: Mapped[int | None]
    max_files: Mapped[int | None]
    max_file_mb: Mapped[int | None]
    max_duration_s: Mapped[int | None]
    recommend_quota: Mapped[int | None]
    unit_quota: Mapped[int | None]  # entries one submitting unit may send in

    contest: Mapped[Contest] = relationship(back_populates="categories")
