"""The catalogue: neighbourhoods, organisations, buildings, their opening hours, spaces, closures."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.db import Base, utcnow

if TYPE_CHECKING:
    from booking.accounts.models import Person


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    """Enums are stored as their lower-case values in a VARCHAR with a CHECK, on both databases."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class OrganisationType(enum.StrEnum):
    COUNCIL = "council"
    HEALTH = "health"
    POLICE = "police"
    VCFSE = "vcfse"
    LEISURE = "leisure"
    HOUSING = "housing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"vcfse": "Voluntary, community, faith or social enterprise"}.get(
            self.value, self.value.capitalize()
        )


class SpaceKind(enum.StrEnum):
    DESK = "desk"
    MEETING_ROOM = "meeting_room"
    QUIET_ROOM = "quiet_room"

    @property
    def label(self) -> str:
        return {"desk": "Desk", "meeting_room": "Meeting room", "quiet_room": "Quiet room"}[
            self.value
        ]


class BuildingAccess(enum.StrEnum):
    """Who may book in a building: every partner, or the organisations listed on it only."""

    ALL_PARTNERS = "all_partners"
    LISTED = "listed"


class Facility(enum.StrEnum):
    """Facilities and accessibility of a building; each is a boolean column on `Building`."""

    WIFI = "wifi"
    REFRESHMENTS = "refreshments"
    STEP_FREE = "step_free"
    ACCESSIBLE_TOILET = "accessible_toilet"
    HEARING_LOOP = "hearing_loop"
    BABY_CHANGE = "baby_change"
    PARKING = "parking"
    CYCLE_STORAGE = "cycle_storage"
    PUBLIC_TRANSPORT = "public_transport"

    @property
    def label(self) -> str:
        return FACILITY_LABELS[self]

    @property
    def column(self) -> str:
        return f"has_{self.value}"


FACILITY_LABELS = {
    Facility.WIFI: "Wi-Fi",
    Facility.REFRESHMENTS: "Refreshments (tea and coffee)",
    Facility.STEP_FREE: "Step-free access",
    Facility.ACCESSIBLE_TOILET: "Accessible toilet",
    Facility.HEARING_LOOP: "Hearing loop",
    Facility.BABY_CHANGE: "Baby changing",
    Facility.PARKING: "Parking",
    Facility.CYCLE_STORAGE: "Cycle storage",
    Facility.PUBLIC_TRANSPORT: "Near public transport",
}


class Neighbourhood(Base):
    __tablename__ = "neighbourhood"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    buildings: Mapped[list[Building]] = relationship(back_populates="neighbourhood")

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.slug}>"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = mapped_column(_enum(OrganisationType, "organisation_type"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    domains: Mapped[list[OrganisationDomain]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationDomain.domain",
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class OrganisationDomain(Base):
    """An email domain whose addresses belong to an organisation's staff (e.g. nhs.example)."""

    __tablename__ = "organisation_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(253), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="domains")

    __table_args__ = (CheckConstraint("domain = lower(domain)", name="domain_lower_case"),)


building_organisation = Table(
    "building_organisation",
    Base.metadata,
    Column("building_id", ForeignKey("building.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)
"""The organisations whose staff may book in a building whose access is `listed`."""


class Building(Base):
    __tablename__ = "building"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"), index=True)
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(10))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    description: Mapped[str] = mapped_column(Text, default="")
    arrival_instructions: Mapped[str] = mapped_column(Text, default="")
    access: Mapped[BuildingAccess] = mapped_column(
        _enum(BuildingAccess, "building_access"), default=BuildingAccess.ALL_PARTNERS
    )
    opens_on_bank_holidays: Mapped[bool] = mapped_column(default=False)
    has_wifi: Mapped[bool] = mapped_column(default=False)
    has_refreshments: Mapped[bool] = mapped_column(default=False)
    has_step_free: Mapped[bool] = mapped_column(default=False)
    has_accessible_toilet: Mapped[bool] = mapped_column(default=False)
    has_hearing_loop: Mapped[bool] = mapped_column(default=False)
    has_baby_change: Mapped[bool] = mapped_column(default=False)
    has_parking: Mapped[bool] = mapped_column(default=False)
    has_cycle_storage: Mapped[bool] = mapped_column(default=False)
    has_public_transport: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Booking rules, editable per building (defaults are the service's).
    desk_advance_days: Mapped[int] = mapped_column(default=28, server_default="28")
    """How far ahead partners may book a desk here."""
    room_advance_days: Mapped[int] = mapped_column(default=90, server_default="90")
    """How far ahead partners may book a meeting or quiet room here."""
    owner_advance_days: Mapped[int | None]
    """A longer window for the owning organisation's own staff (None: the same as partners)."""
    room_max_minutes: Mapped[int] = mapped_column(default=480, server_default="480")
    """The longest room booking; a desk is booked for at most one opening day."""
    check_in_grace_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    """How long after its start an unchecked booking is kept before it is released."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship()
    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="buildings")
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="building", cascade="all, delete-orphan", order_by="OpeningHours.weekday"
    )
    spaces: Mapped[list[Space]] = relationship(
        back_populates="building", order_by="[Space.kind, Space.name]"
    )
    allowed_organisations: Mapped[list[Organisation]] = relationship(
        secondary=building_organisation, order_by="Organisation.name"
    )

    __table_args__ = (
        UniqueConstraint("neighbourhood_id", "name"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint(
            "desk_advance_days BETWEEN 1 AND 366 AND room_advance_days BETWEEN 1 AND 366"
            " AND (owner_advance_days IS NULL OR owner_advance_days BETWEEN 1 AND 732)",
            name="advance_days_range",
        ),
        CheckConstraint("room_max_minutes BETWEEN 15 AND 1440", name="room_max_minutes_range"),
        CheckConstraint("check_in_grace_minutes BETWEEN 5 AND 240", name="grace_range"),
    )

    def facilities(self) -> list[Facility]:
        return [f for f in Facility if getattr(self, f.column)]

    def is_open_to(self, person: Person) -> bool:
        """Whether `person`'s organisation may book here (listed-only buildings)."""
        if self.access is BuildingAccess.ALL_PARTNERS:
            return True
        return person.organisation_id == self.owner_id or any(
            org.id == person.organisation_id for org in self.allowed_organisations
        )

    def __repr__(self) -> str:
        return f"<Building {self.id} {self.name}>"


class OpeningHours(Base):
    """A building's hours on one weekday (0 = Monday); a weekday without a row is closed."""

    __tablename__ = "opening_hours"

    building_id: Mapped[int] = mapped_column(
        ForeignKey("building.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(primary_key=True)
    opens: Mapped[time]
    closes: Mapped[time]

    building: Mapped[Building] = relationship(back_populates="opening_hours")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )


class Space(Base):
    __tablename__ = "space"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    kind: Mapped[SpaceKind] = mapped_column(_enum(SpaceKind, "space_kind"))
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(default=1)
    equipment: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    accessible: Mapped[bool] = mapped_column(default=False)
    bookable: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship(back_populates="spaces")

    __table_args__ = (
        UniqueConstraint("building_id", "name"),
        CheckConstraint("capacity BETWEEN 1 AND 500", name="capacity_range"),
    )

    def __repr__(self) -> str:
        return f"<Space {self.id} {self.name}>"


class Closure(Base):
    """A building or one space out of use for the half-open period [starts_at, ends_at)."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    building: Mapped[Building | None] = relationship()
    space: Mapped[Space | None] = relationship()

    __table_args__ = (
        CheckConstraint("(building_id IS NULL) <> (space_id IS NULL)", name="building_or_space"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_closure_period", "starts_at", "ends_at"),
    )


class BankHoliday(Base):
    """England and Wales bank holidays; buildings are closed on them unless they opt to open.

    Loaded from the `govuk-bank-holidays` package's bundled data by `flask sync-bank-holidays`
    (run by `make run` and `seed-demo`), so availability and reports can use them in SQL.
    """

    __tablename__ = "bank_holiday"

    day: Mapped[date] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))


__all__ = [
    "BankHoliday",
    "Building",
    "BuildingAccess",
    "Closure",
    "Facility",
    "Neighbourhood",
    "OpeningHours",
    "Organisation",
    "OrganisationDomain",
    "OrganisationType",
    "Space",
    "SpaceKind",
    "building_organisation",
]
