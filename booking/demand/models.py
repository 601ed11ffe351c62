"""Unmet demand: one row for each search that found no free space.

Who searched is deliberately not stored (no person, no address, no session): the row says
what was wanted, where and when, and nothing about whom. See docs/FEEDBACK.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.catalogue.models import Facility, Neighbourhood, SpaceKind, _enum
from booking.db import Base, utcnow


class TimeOfDay(enum.StrEnum):
    """When in the day a space was wanted, in the words of the desk presets.

    Morning ends at 1pm, as the desk presets' does (`booking.bookings.presets.MIDDAY`);
    evening starts at 5pm, when most buildings close.
    """

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY_TIME = "any_time"
    """No times were asked for: any time that day."""

    @property
    def label(self) -> str:
        return {"any_time": "Any time that day"}.get(self.value, self.value.capitalize())


class SearchSource(enum.StrEnum):
    WEB = "web"
    API = "api"


class UnmetSearch(Base):
    """A search that found no free space: what was asked for, never who asked."""

    __tablename__ = "unmet_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"))
    day: Mapped[date]
    """The Europe/London day the space was wanted on."""
    starts_at_time: Mapped[time | None]
    """The UK time wanted from: the time of the search for "now"; None for any time that day."""
    ends_at_time: Mapped[time | None]
    """The UK time wanted until; None for "now" and for any time that day."""
    time_of_day: Mapped[TimeOfDay] = mapped_column(_enum(TimeOfDay, "time_of_day"))
    """The band `starts_at_time` falls in (`any_time` without one): what the report groups by."""
    kind: Mapped[SpaceKind | None] = mapped_column(_enum(SpaceKind, "space_kind"))
    """None: any kind of space (the API can ask without one)."""
    min_capacity: Mapped[int] = mapped_column(default=1)
    wants_wifi: Mapped[bool] = mapped_column(default=False)
    wants_refreshments: Mapped[bool] = mapped_column(default=False)
    wants_step_free: Mapped[bool] = mapped_column(default=False)
    wants_accessible_toilet: Mapped[bool] = mapped_column(default=False)
    wants_hearing_loop: Mapped[bool] = mapped_column(default=False)
    wants_baby_change: Mapped[bool] = mapped_column(default=False)
    wants_parking: Mapped[bool] = mapped_column(default=False)
    wants_cycle_storage: Mapped[bool] = mapped_column(default=False)
    wants_public_transport: Mapped[bool] = mapped_column(default=False)
    source: Mapped[SearchSource] = mapped_column(_enum(SearchSource, "search_source"))

    neighbourhood: Mapped[Neighbourhood] = relationship()

    __table_args__ = (
        Index("ix_unmet_search_neighbourhood_day", "neighbourhood_id", "day"),
        CheckConstraint("min_capacity BETWEEN 1 AND 500", name="min_capacity_range"),
    )

    def facilities(self) -> list[Facility]:
        return [f for f in Facility if getattr(self, wanted(f))]


def wanted(facility: Facility) -> str:
    """The column saying whether a search asked for `facility`."""
    return f"wants_{facility.value}"
