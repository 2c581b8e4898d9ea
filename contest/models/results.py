"""Results: how a contest blends judging and the public vote into its final
ranking, and the organiser's decisions on each entry (award level, the
recommendation to the provincial selection with its reason)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .contests import Contest
from .entries import Entry
from .timestamps import UTCDateTime, utcnow

AWARD_LEVELS = ("first", "second", "third", "merit")   # 一等奖 二等奖 三等奖 优秀奖
VOTE_MAPPINGS = ("rank", "log")


class ResultSettings(db.Model):
    """final = judge_weight × judge score + vote_weight × vote score (0–100)."""
    __tablename__ = "result_settings"
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    # The judging round whose scores count; None: the contest's last finalised round.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    judge_weight: Mapped[float] = mapped_column(Float, default=1.0)
    vote_weight: Mapped[float] = mapped_column(Float, default=0.0)
    vote_mapping: Mapped[str] = mapped_column(String(10), default="rank")
    # {"<category id>": {"first": n, "second": n, "third": n, "merit": n}}
    award_counts: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    contest: Mapped[Contest] = relationship()


class ResultDecision(db.Model):
    """What the organiser decided for one entry of the final ranking."""
    __tablename__ = "result_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    award: Mapped[str | None] = mapped_column(String(10))
    recommended: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)   # 推荐理由
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    entry: Mapped[Entry] = relationship()
