"""Judging rounds (初评 / 复评 / 终评): criteria, panels, assignments, scores
with every revision, declared conflicts, and each round's entry list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .contests import Category, Contest
from .entries import Entry
from .timestamps import UTCDateTime, utcnow

ROUND_STATES = ("draft", "open", "closed", "finalised")
AGGREGATIONS = ("mean", "median", "trimmed", "zscore")
ADVANCE_RULES = ("top_n", "top_percent", "min_score", "manual")
ASSIGNMENT_STATES = ("pending", "scored", "recused")

round_categories = Table(
    "round_categories",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(50))
    judges_per_entry: Mapped[int | None]  # None: every panel judge scores every entry
    blind: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    aggregation: Mapped[str] = mapped_column(String(20), default="mean")
    advance_rule: Mapped[str] = mapped_column(String(20), default="top_n")
    advance_value: Mapped[float | None] = mapped_column(Float)
    disagreement_at: Mapped[float] = mapped_column(Float, default=25.0)  # spread that flags an entry
    state: Mapped[str] = mapped_column(String(20), default="draft")
    seed: Mapped[int] = mapped_column(default=0)
    # Raised by every flush that changes a score, an assignment or a decision
    # (services/round_totals.py): a computed results table is current while it holds.
    results_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contest: Mapped[Contest] = relationship(foreign_keys=[contest_id])
    categories: Mapped[list[Category]] = relationship(secondary=round_categories, order_by=Category.position)
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position")
    panel: Mapped[list[PanelMember]] = relationship(back_populates="round", cascade="all, delete-orphan")


class Criterion(db.Model):
    __tablename__ = "criteria"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    guidance: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="criteria")


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("round_id", "category_id", "judge_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    max_load: Mapped[int | None]

    round: Mapped[Round] = relationship(back_populates="panel")
    category: Mapped[Category] = relationship()
    judge: Mapped[User] = relationship()


class RoundEntry(db.Model):
    """An entry taking part in a round, and what the round decided for it."""
    __tablename__ = "round_entries"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None]
    advanced: Mapped[bool | None]  # None until decided
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The judges' final totals, packed (services/round_totals.py pack / unpack) and
    # kept up to date by every flush; read with Core queries, not this attribute.
    totals: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()


class JudgeAssignment(db.Model):
    __tablename__ = "judge_assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id"),
        Index("ix_judge_assignments_judge_round", "judge_id", "round_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    order_key: Mapped[int] = mapped_column(default=0)  # the judge's own shuffled order
    recusal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship()
    score: Mapped[Score | None] = relationship(back_populates="assignment", uselist=False,
                                               cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("judge_assignments.id", ondelete="CASCADE"),
                                               unique=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id (str) -> points
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[float | None] = mapped_column(Float)
    final: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assignment: Mapped[JudgeAssignment] = relationship(back_populates="score")
    revisions: Mapped[list[ScoreRevision]] = relationship(
        back_populates="score", cascade="all, delete-orphan", order_by="ScoreRevision.id")


class ScoreRevision(db.Model):
    """Every change to a score, kept."""
    __tablename__ = "score_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[float | None] = mapped_column(Float)
    final: Mapped[bool] = mapped_column(default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    score: Mapped[Score] = relationship(back_populates="revisions")


class DeclaredConflict(db.Model):
    """A conflict of interest a judge or an organiser declared."""
    __tablename__ = "declared_conflicts"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
