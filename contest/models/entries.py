"""Entries (作品), their files, authors, status history, flags and numbering."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import Unit, User
from .contests import Category, Contest
from .timestamps import UTCDateTime, utcnow

ENTRY_STATUSES = ("draft", "submitted", "returned", "accepted", "rejected", "withdrawn")
# Statuses that hold a place in the per-category limit.
COUNTED_STATUSES = ("draft", "submitted", "returned", "accepted")
ASSET_ROLES = ("image", "video", "audio", "h5_package", "photo", "document", "poster")


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_contest_status", "contest_id", "status"),
        Index("ix_entries_owner_contest", "owner_id", "contest_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The unit that submits it (a unit admin for its members, or the owner's unit).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    on_behalf: Mapped[bool] = mapped_column(default=False)  # a unit admin submits for named authors
    district: Mapped[str | None] = mapped_column(String(40), index=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    status_reason: Mapped[str | None] = mapped_column(Text)

    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    body_chars: Mapped[int] = mapped_column(default=0)
    h5_url: Mapped[str | None] = mapped_column(String(500))
    nominee_name: Mapped[str | None] = mapped_column(String(100))
    nominee_kind: Mapped[str | None] = mapped_column(String(20))  # person | organisation
    nominee_phone: Mapped[str | None] = mapped_column(String(20))
    nominee_post: Mapped[str | None] = mapped_column(String(200))  # 工作单位及职务
    # Sent by a unit for a named author: how the office reaches the author (and,
    # for a child, the guardian), not the unit administrator who typed it in.
    author_phone: Mapped[str | None] = mapped_column(String(20))
    author_minor: Mapped[bool] = mapped_column(default=False, server_default=false())

    pledge_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    licence_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_ip_hash: Mapped[str | None] = mapped_column(String(64))
    guardian_name: Mapped[str | None] = mapped_column(String(50))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    guardian_phone: Mapped[str | None] = mapped_column(String(20))

    version: Mapped[int] = mapped_column(default=1)  # autosave conflict check
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    minhash: Mapped[list | None] = mapped_column(JSON)  # text signature for near-duplicate search
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contest: Mapped[Contest] = relationship()
    category: Mapped[Category] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    unit: Mapped[Unit | None] = relationship()
    authors: Mapped[list[EntryAuthor]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryAuthor.position")
    assets: Mapped[list[Asset]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Asset.id")
    events: Mapped[list[EntryEvent]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryEvent.id")
    flags: Mapped[list[EntryFlag]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryFlag.id",
        foreign_keys="EntryFlag.entry_id")

    @property
    def contact_phone(self) -> str:
        """The author's phone: the one given for the author when a unit sent
        the entry, else the entrant's own."""
        if self.on_behalf:
            return self.author_phone or ""
        return self.owner.phone if self.owner else ""


class EntryAuthor(db.Model):
    __tablename__ = "entry_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(default=0)

    entry: Mapped[Entry] = relationship(back_populates="authors")


class Asset(db.Model):
    __tablename__ = "assets"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # codecs, entry counts ...
    variants: Mapped[dict] = mapped_column(JSON, default=dict)  # name -> storage key
    original_name: Mapped[str] = mapped_column(String(255), default="")  # display only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="assets")


class EntryEvent(db.Model):
    """The entry's status history: who moved it where, and why."""
    __tablename__ = "entry_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class EntryFlag(db.Model):
    """Something for a human to look at during screening; never a verdict."""
    __tablename__ = "entry_flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # same_file | similar_text | sensitive
    other_entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", ondelete="SET NULL"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="flags", foreign_keys=[entry_id])
    other_entry: Mapped[Entry | None] = relationship(foreign_keys=[other_entry_id])


class TextBand(db.Model):
    """Locality-sensitive hash bands of an entry's text: entries that share a
    band are candidates for a near-duplicate comparison."""
    __tablename__ = "text_bands"
    __table_args__ = (Index("ix_text_bands_contest_band", "contest_id", "band"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    band: Mapped[int] = mapped_column(BigInteger)


class EntryCounter(db.Model):
    """The last number given in a category; numbers are never reused."""
    __tablename__ = "entry_counters"
    __table_args__ = (UniqueConstraint("category_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    last: Mapped[int] = mapped_column(default=0)


class SensitiveTerm(db.Model):
    """Terms the organisers watch for during screening."""
    __tablename__ = "sensitive_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

