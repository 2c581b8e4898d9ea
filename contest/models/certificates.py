"""获奖证书: the certificate of each award of a published final result, and
the design a contest prints them in. A certificate's number is what the
public verification page looks up: a per-contest serial for the office's
register plus a random part, so numbers cannot be guessed by counting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .contests import Contest
from .entries import Entry
from .timestamps import UTCDateTime, utcnow

CERTIFICATE_DESIGNS = ("classic", "simple")   # 经典, 简约


class CertificateSettings(db.Model):
    """How a contest's certificates look (one row per contest; none: classic)."""
    __tablename__ = "certificate_settings"
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    design: Mapped[str] = mapped_column(String(20), default="classic")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Certificate(db.Model):
    """One awarded entry's certificate, issued once and never renumbered."""
    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    award: Mapped[str] = mapped_column(String(10))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contest: Mapped[Contest] = relationship()
    entry: Mapped[Entry] = relationship()
