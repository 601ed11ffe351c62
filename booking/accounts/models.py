"""People and the roles granted to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.catalogue.models import Building, Neighbourhood, Organisation, _enum
from booking.db import Base, utcnow


class Role(enum.StrEnum):
    """Roles beyond staff (every verified person is staff)."""

    ADMINISTRATOR = "administrator"
    BUILDING_MANAGER = "building_manager"
    NEIGHBOURHOOD_LEAD = "neighbourhood_lead"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    """Bumped by "sign out everywhere" and password changes: older sessions stop working."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    invites_enabled: Mapped[bool] = mapped_column(default=True, server_default="1")
    """Whether bookings are sent as calendar invites (off for people who use the feed)."""

    organisation: Mapped[Organisation] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        foreign_keys="RoleGrant.person_id",
    )

    __table_args__ = (
        Index("uq_person_email_lower", func.lower(email), unique=True),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.email_verified_at is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session identity: id and session version, so old sessions can be revoked."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_administrator(self) -> bool:
        return any(g.role is Role.ADMINISTRATOR for g in self.grants)

    def managed_building_ids(self) -> set[int]:
        return {g.building_id for g in self.grants if g.building_id is not None}

    def led_neighbourhood_ids(self) -> set[int]:
        return {g.neighbourhood_id for g in self.grants if g.neighbourhood_id is not None}

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class RoleGrant(Base):
    """A role given to a person: administrator, or manager/lead of one building/neighbourhood."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    building_id: Mapped[int | None] = mapped_column(
        ForeignKey("building.id", ondelete="CASCADE"), index=True
    )
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="CASCADE"), index=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="grants", foreign_keys=[person_id])
    building: Mapped[Building | None] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()

    __table_args__ = (
        UniqueConstraint("person_id", "role", "building_id", "neighbourhood_id"),
        CheckConstraint(
            "(role = 'administrator' AND building_id IS NULL AND neighbourhood_id IS NULL)"
            " OR (role = 'building_manager' AND building_id IS NOT NULL"
            " AND neighbourhood_id IS NULL)"
            " OR (role = 'neighbourhood_lead' AND neighbourhood_id IS NOT NULL"
            " AND building_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    @property
    def scope_name(self) -> str:
        if self.building is not None:
            return self.building.name
        if self.neighbourhood is not None:
            return self.neighbourhood.name
        return "Everything"


class AccessToken(Base):
    """A personal access token for the JSON API, shown once and stored only as a SHA-256 hash."""

    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    """The token's first characters, so people can tell their tokens apart."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()
