"""When spaces are free: opening hours, minus closures, minus bookings, minus the past.

`day_availability` answers for many spaces on one Europe/London day in a fixed number of
queries (bank holidays, bookings, closures), so a neighbourhood's search costs the same however
many spaces it has. A free window here is exactly a time the booking service would accept for
someone allowed to book the space (the property tests hold the two to that).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.bookings.rules import LONGEST_BOOKING, ROOM_GRID_MINUTES, START_GRACE, advance_days
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Closure, OpeningHours, Space, SpaceKind
from booking.catalogue.queries import hours_on
from booking.timezones import local_day_bounds, to_local, wall_clock_to_utc


@dataclass(frozen=True)
class Window:
    """A half-open interval [starts_at, ends_at) in UTC."""

    starts_at: datetime
    ends_at: datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def covers(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at <= starts_at and ends_at <= self.ends_at


@dataclass
class SpaceDay:
    """One space on one day: its hours, what is booked or closed, and what is free."""

    space: Space
    day: date
    hours: OpeningHours | None
    """None when the building does not open that day (weekday or bank holiday)."""
    bookings: list[Booking] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)
    free: list[Window] = field(default_factory=list)

    def is_free(self, starts_at: datetime, ends_at: datetime) -> bool:
        return any(window.covers(starts_at, ends_at) for window in self.free)


def day_availability(
    session: Session,
    spaces: Sequence[Space],
    day: date,
    *,
    now: datetime,
    person: Person | None = None,
) -> dict[int, SpaceDay]:
    """Every space's day, by space id. `spaces` need their buildings' opening hours loaded.

    With `person`, days beyond that person's advance window have no free time. Whether the
    person may book in the building at all is for the caller to filter (see
    `booking.bookings.rules.check_bookable`).
    """
    if not spaces:
        return {}
    day_start, day_end = local_day_bounds(day)
    holidays = bank_holidays_between(session, day, day)
    space_ids = [space.id for space in spaces]
    building_ids = {space.building_id for space in spaces}
    bookings = session.scalars(
        select(Booking)
        .where(
            Booking.space_id.in_(space_ids),
            Booking.status == BookingStatus.ACTIVE,
            Booking.starts_at >= day_start - LONGEST_BOOKING,
            Booking.starts_at < day_end,
            Booking.ends_at > day_start,
        )
        .order_by(Booking.starts_at)
    ).all()
    closures = session.scalars(
        select(Closure)
        .where(
            or_(Closure.building_id.in_(building_ids), Closure.space_id.in_(space_ids)),
            Closure.starts_at < day_end,
            Closure.ends_at > day_start,
        )
        .order_by(Closure.starts_at)
    ).all()
    by_space: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_space[booking.space_id].append(booking)
    days = {}
    for space in spaces:
        space_closures = [
            c for c in closures if c.space_id == space.id or c.building_id == space.building_id
        ]
        result = SpaceDay(
            space=space,
            day=day,
            hours=hours_on(space.building, day, holidays),
            bookings=by_space[space.id],
            closures=space_closures,
        )
        result.free = _free_windows(result, now, person)
        days[space.id] = result
    return days


def _free_windows(space_day: SpaceDay, now: datetime, person: Person | None) -> list[Window]:
    space, day, hours = space_day.space, space_day.day, space_day.hours
    if hours is None or not space.bookable or not space.active or not space.building.active:
        return []
    if person is not None and day > to_local(now).date() + timedelta(
        days=advance_days(space.building, space, person)
    ):
        return []
    opens, closes = wall_clock_to_utc(day, hours.opens), wall_clock_to_utc(day, hours.closes)
    earliest = max(opens, now - START_GRACE)
    taken = sorted(
        [(b.starts_at, b.ends_at) for b in space_day.bookings]
        + [(c.starts_at, c.ends_at) for c in space_day.closures]
    )
    windows: list[Window] = []
    cursor = earliest
    for start, end in taken:
        if start > cursor:
            windows.append(Window(cursor, min(start, closes)))
        cursor = max(cursor, end)
    if cursor < closes:
        windows.append(Window(cursor, closes))
    if space.kind is not SpaceKind.DESK:
        windows = [_on_the_grid(w) for w in windows]
    return [w for w in windows if w.starts_at < w.ends_at and w.starts_at < closes]


def _on_the_grid(window: Window) -> Window:
    """A room's window shrunk to quarter hours: rooms start and end on the grid.

    The quarter hour is added in UTC: added to a local time it would be wall-clock arithmetic,
    which drops the `fold` of the autumn repeated hour and lands an hour early.
    """
    grid = timedelta(minutes=ROOM_GRID_MINUTES)
    start = to_local(window.starts_at)
    start_floor = start.replace(
        minute=start.minute - start.minute % ROOM_GRID_MINUTES, second=0, microsecond=0
    )
    starts_at = window.starts_at if start_floor == start else start_floor.astimezone(UTC) + grid
    end = to_local(window.ends_at)
    ends_at = end.replace(
        minute=end.minute - end.minute % ROOM_GRID_MINUTES, second=0, microsecond=0
    )
    return Window(
        starts_at.astimezone(window.starts_at.tzinfo), ends_at.astimezone(window.ends_at.tzinfo)
    )
