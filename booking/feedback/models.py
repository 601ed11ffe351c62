"""Feedback on a space from the person who booked it: a rating, and problems for its managers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.bookings.models import Booking
from booking.catalogue.models import Building, Space, _enum
from booking.db import Base, utcnow

if TYPE_CHECKING:
    from booking.accounts.models import Person


class Rating(enum.IntEnum):
    """How the space was, in one tap: three buttons in words, side by side on a phone.

    Three labelled buttons fit one row of a phone screen at a comfortable size and read the
    same to a screen reader; five stars need a picture, and the difference between 2 and 4 of
    five is noise when the question is "would you book it again?".
    """

    POOR = 1
    OK = 2
    GOOD = 3

    @property
    def label(self) -> str:
        return {1: "Poor", 2: "OK", 3: "Good"}[self.value]


class ProblemCategory(enum.StrEnum):
    WIFI = "wifi"
    HEATING = "heating"
    ACCESS = "access"
    CLEANLINESS = "cleanliness"
    EQUIPMENT = "equipment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "wifi": "Wi-Fi",
            "heating": "Heating or cooling",
            "access": "Getting in (doors, keys, passes)",
            "cleanliness": "Cleanliness",
            "equipment": "Equipment (screens, furniture, power)",
            "other": "Something else",
        }[self.value]


class ProblemStatus(enum.StrEnum):
    OPEN = "open"
    FIXED = "fixed"


class SpaceRating(Base):
    """The booker's rating of the space they booked: one per booking, changed by rating again."""

    __tablename__ = "space_rating"

    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    """The booking's space, copied so reports group ratings without joining bookings."""
    rating: Mapped[int] = mapped_column(SmallInteger)
    """A `Rating`'s number: averages are worked out in SQL."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    booking: Mapped[Booking] = relationship()
    space: Mapped[Space] = relationship()

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 3", name="rating_range"),
        Index("ix_space_rating_space_created", "space_id", "created_at"),
    )


class ProblemReport(Base):
    """A problem with a space reported by the person who booked it, until a manager fixes it."""

    __tablename__ = "problem_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    """The space's building, copied so managers' lists and reports need no joins to find it."""
    category: Mapped[ProblemCategory] = mapped_column(_enum(ProblemCategory, "problem_category"))
    comment: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ProblemStatus] = mapped_column(
        _enum(ProblemStatus, "problem_status"), default=ProblemStatus.OPEN
    )
    fixed_at: Mapped[datetime | None]
    fixed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    fix_note: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship()
    space: Mapped[Space] = relationship()
    building: Mapped[Building] = relationship()
    reported_by: Mapped[Person] = relationship(foreign_keys=[reported_by_id])
    fixed_by: Mapped[Person | None] = relationship(foreign_keys=[fixed_by_id])

    __table_args__ = (
        CheckConstraint("(status = 'fixed') = (fixed_at IS NOT NULL)", name="fixed_when_fixed_at"),
        Index("ix_problem_report_space_created", "space_id", "created_at"),
        Index("ix_problem_report_building_status", "building_id", "status"),
    )

    @property
    def is_open(self) -> bool:
        return self.status is ProblemStatus.OPEN
