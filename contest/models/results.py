"""Results: how a contest blends judging and the public vote into its final
ranking, and the organiser's decisions on each entry (award level, the
recommendation to the provincial selection with its reason)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .contests import Contest
from .entries import Entry
from .timestamps import UTCDateTime, utcnow

AWARD_LEVELS = ("first", "second", "third", "merit")   # 一等奖 二等奖 三等奖 优秀奖
VOTE_MAPPINGS = ("rank", "log")


class ResultSettings(db.Model):
    """final = judge_weight × judge score + vote_weight × vote score (0–100).
    The weights are not stored here: the vote's share is the one the contest
    announced (Contest.vote_weight, in per cent), so the two never disagree."""
    __tablename__ = "result_settings"
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    # The judging round whose scores count; None: the contest's last finalised round.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    vote_mapping: Mapped[str] = mapped_column(String(10), default="rank")
    # {"<category id>": {"first": n, "second": n, "third": n, "merit": n}}
    award_counts: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    contest: Mapped[Contest] = relationship()

    @property
    def vote_percent(self) -> int:
        """The announced share of the vote; none while the contest has no public vote."""
        return self.contest.vote_weight if self.contest.voting_enabled else 0

    @property
    def vote_weight(self) -> float:
        return self.vote_percent / 100

    @property
    def judge_weight(self) -> float:
        return (100 - self.vote_percent) / 100


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


class ResultVersion(db.Model):
    """A published list, frozen: the 公示 (publicity) lists, numbered, and the
    final result. Its rows are a snapshot, so later decisions never rewrite
    what was published."""
    __tablename__ = "result_versions"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))   # publicity | final
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # end of the publicity window
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    formula: Mapped[str] = mapped_column(Text, default="")
    # [{"entry_id", "number", "title", "category_id", "category", "authors", "unit", "rank", "final", "judge",
    #   "votes", "vote_score", "award", "recommended", "reason"}]
    rows: Mapped[list] = mapped_column(JSON, default=list)
    # Every entry of the final ranking when the version was made (入围 for those without an award).
    ranked_ids: Mapped[list] = mapped_column(JSON, default=list)


class Objection(db.Model):
    """An objection (异议) filed during a publicity window against one entry."""
    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("result_versions.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(100))   # seen by the organisers only
    state: Mapped[str] = mapped_column(String(10), default="open")   # open | upheld | dismissed
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship()
    version: Mapped[ResultVersion] = relationship()
