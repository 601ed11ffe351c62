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
    closed: dict[tuple[str, int | None], list[Closure]] = defaultdict(list)
    for closure in closures:
        closed["space", closure.space_id].append(closure)
        closed["building", closure.building_id].append(closure)
    hours_by_building: dict[int, _Hours] = {}
    local_today = to_local(now).date()
    days = {}
    for space in spaces:
        hours = hours_by_building.get(space.building_id)
        if hours is None:
            hours = hours_by_building[space.building_id] = _Hours.of(space, day, holidays)
        result = SpaceDay(
            space=space,
            day=day,
            hours=hours.hours,
            bookings=by_space[space.id],
            closures=closed["building", space.building_id] + closed["space", space.id],
        )
        beyond_window = person is not None and day > local_today + timedelta(
            days=advance_days(space.building, space, person)
        )
        result.free = [] if beyond_window else _free_windows(result, hours, now)
        days[space.id] = result
    return days


@dataclass(frozen=True)
class _Hours:
    """A building's hours on the day, and as UTC instants (worked out once per building)."""

    hours: OpeningHours | None
    opens: datetime | None
    closes: datetime | None

    @classmethod
    def of(cls, space: Space, day: date, holidays: dict[date, str]) -> _Hours:
        hours = hours_on(space.building, day, holidays)
        if hours is None:
            return cls(None, None, None)
        return cls(hours, wall_clock_to_utc(day, hours.opens), wall_clock_to_utc(day, hours.closes))


def _free_windows(space_day: SpaceDay, day_hours: _Hours, now: datetime) -> list[Window]:
    space = space_day.space
    opens, closes = day_hours.opens, day_hours.closes
    if opens is None or closes is None:
        return []
    if not space.bookable or not space.active or not space.building.active:
        return []
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
