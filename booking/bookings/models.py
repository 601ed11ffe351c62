"""Bookings: a person's hold on a space for a half-open interval [starts_at, ends_at) in UTC.

No double booking is enforced by the database itself, not only by the service's checks:
PostgreSQL has exclusion constraints over (space, time range) and (person, time range) for
active desk bookings; SQLite has triggers refusing the same overlaps (and every booking write
runs in a `BEGIN IMMEDIATE` transaction, which SQLite serialises). Both are written by hand in
migration 0003, because autogenerate cannot render them; they are not declared here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.catalogue.models import Space, _enum
from booking.db import Base, utcnow

if TYPE_CHECKING:
    from booking.accounts.models import Person


class BookingStatus(enum.StrEnum):
    """Whether a booking holds its space. Checking in is recorded separately (`checked_in_at`)."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    """Released because nobody checked in within the building's grace period."""


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class BookingSeries(Base):
    """A recurring room booking: the pattern; each occurrence is a `Booking` of its own."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency, "frequency"))
    weekdays: Mapped[str] = mapped_column(String(13), default="")
    """Weekly series: the weekdays as comma-separated numbers, Monday = 0 (e.g. "0,2")."""
    starts_on: Mapped[date]
    start_time: Mapped[time]
    """Europe/London wall-clock start of every occurrence."""
    duration_minutes: Mapped[int]
    until: Mapped[date | None]
    count: Mapped[int | None]
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """The series' iCalendar SEQUENCE: bumped whenever any occurrence changes or is cancelled."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    space: Mapped[Space] = relationship()
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="series", order_by="Booking.starts_at"
    )

    __table_args__ = (
        CheckConstraint("(until IS NULL) <> (count IS NULL)", name="until_or_count"),
        CheckConstraint("count IS NULL OR count BETWEEN 1 AND 52", name="count_range"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 1440", name="duration_range"),
    )

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day]


class Booking(Base):
    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    is_desk: Mapped[bool]
    """Copied from the space's kind: the one-desk-at-a-time rule is enforced on it in SQL."""
    status: Mapped[BookingStatus] = mapped_column(
        _enum(BookingStatus, "booking_status"), default=BookingStatus.ACTIVE
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id"), index=True)
    occurrence_date: Mapped[date | None]
    """For an occurrence of a series: the local date it was first planned for (it never moves)."""
    sequence: Mapped[int] = mapped_column(default=0)
    """Bumped on every change the booker should hear about (the iCalendar SEQUENCE)."""
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    cancellation_reason: Mapped[str] = mapped_column(String(300), default="")
    released_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    space: Mapped[Space] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    cancelled_by: Mapped[Person | None] = relationship(foreign_keys=[cancelled_by_id])
    series: Mapped[BookingSeries | None] = relationship(back_populates="bookings")
    attendees: Mapped[list[BookingAttendee]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingAttendee.email"
    )

    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_booking_space_starts", "space_id", "starts_at"),
        # Reports read a period's bookings across every space (booking.reports.queries).
        Index("ix_booking_starts_at", "starts_at"),
        Index("ix_booking_person_starts", "person_id", "starts_at"),
        Index(
            "ix_booking_unchecked_starts",
            "starts_at",
            postgresql_where=text("status = 'active' AND checked_in_at IS NULL"),
            sqlite_where=text("status = 'active' AND checked_in_at IS NULL"),
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.status is BookingStatus.ACTIVE

    @property
    def is_checked_in(self) -> bool:
        return self.checked_in_at is not None

    def __repr__(self) -> str:
        return f"<Booking {self.id} space={self.space_id} {self.starts_at:%Y-%m-%d %H:%M}>"


class BookingAttendee(Base):
    """Someone invited to a room booking (by email: they may not have an account)."""

    __tablename__ = "booking_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    booking: Mapped[Booking] = relationship(back_populates="attendees")

    __table_args__ = (UniqueConstraint("booking_id", "email"),)
