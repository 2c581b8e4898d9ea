"""Units, users and their role grants."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .timestamps import UTCDateTime, utcnow

ROLES = ("entrant", "unit_admin", "judge", "organiser", "admin")
# Roles that only make sense for a unit: the grant names the unit.
UNIT_SCOPED_ROLES = ("unit_admin", "organiser")
UNIT_KINDS = ("office", "member", "district", "school", "enterprise", "social_org")


class Unit(db.Model):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="member")
    district: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # Whom the office calls about the unit's entries (shown masked in lists).
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    real_name: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    district: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and role removal: older cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan",
        foreign_keys="RoleGrant.user_id",
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Only ids go into the cookie: no phone, no name.
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def unit_ids_for(self, role: str) -> set[int]:
        return {g.unit_id for g in self.grants if g.role == role and g.unit_id is not None}

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id"),
        # NULLs are distinct in a unique constraint: roles without a unit need their own index.
        Index("uq_role_grants_user_role_no_unit", "user_id", "role", unique=True,
              sqlite_where=text("unit_id IS NULL"), postgresql_where=text("unit_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()
