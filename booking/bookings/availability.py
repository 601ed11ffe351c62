"""When spaces are free: opening hours, minus closures, minus bookings, minus the past.

`day_availability` answers for many spaces on one Europe/London day in a fixed number of
queries (bank holidays, bookings, closures), so a neighbourhood's search costs the same however
many spaces it has. A free window here is exactly a time the booking service would accept for
someone allowed to book the space (the property tests hold the two to that).

`free_times` is the same answer without the bookings and closures themselves, for the API's
availability (hundreds of spaces a request): it reads them as bare rows instead of objects.
Both go through `_Day`, the one place the free-window rules are applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.bookings.rules import LONGEST_BOOKING, ROOM_GRID_MINUTES, START_GRACE, advance_days
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Closure, OpeningHours, Space, SpaceKind
from booking.catalogue.queries import hours_on
from booking.timezones import local_day_bounds, to_local, wall_clock_to_utc

Period = tuple[datetime, datetime]
"""A taken stretch of time, [start, end) in UTC: a booking or a closure."""


@dataclass(frozen=True, slots=True)
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


class FreeTime(NamedTuple):
    """One space's hours and free windows on a day (`free_times`' answer)."""

    hours: OpeningHours | None
    free: list[Window]


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
    rules = _Day(session, day, now, person)
    space_ids = [space.id for space in spaces]
    bookings = session.scalars(
        select(Booking)
        .where(Booking.space_id.in_(space_ids), *rules.booked())
        .order_by(Booking.starts_at)
    ).all()
    closures = session.scalars(
        select(Closure)
        .where(
            rules.closing(space_ids, {space.building_id for space in spaces}),
            *rules.closed(),
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
    days = {}
    for space in spaces:
        booked = by_space[space.id]
        shut = closed["building", space.building_id] + closed["space", space.id]
        taken = [(b.starts_at, b.ends_at) for b in booked] + [
            (c.starts_at, c.ends_at) for c in shut
        ]
        hours, free = rules.space(space, taken)
        days[space.id] = SpaceDay(space, day, hours, booked, shut, free)
    return days


def free_times(
    session: Session,
    spaces: Sequence[Space],
    day: date,
    *,
    now: datetime,
    person: Person | None = None,
    among: Select[int] | None = None,
) -> dict[int, FreeTime]:
    """`day_availability`'s hours and free windows, by space id, without the bookings.

    `among`, when given, is a query of (at least) the spaces' ids: for hundreds of spaces it
    is cheaper for the database, and for SQLAlchemy, than a list of the ids.
    """
    if not spaces:
        return {}
    rules = _Day(session, day, now, person)
    space_ids: Select[int] | list[int] = [space.id for space in spaces] if among is None else among
    building_ids = (
        {space.building_id for space in spaces}
        if among is None
        else select(Space.building_id).where(Space.id.in_(among))
    )
    taken: defaultdict[int, list[Period]] = defaultdict(list)
    for space_id, starts_at, ends_at in session.execute(
        select(Booking.space_id, Booking.starts_at, Booking.ends_at).where(
            Booking.space_id.in_(space_ids), *rules.booked()
        )
    ):
        taken[space_id].append((starts_at, ends_at))
    closed: defaultdict[tuple[str, int | None], list[Period]] = defaultdict(list)
    for building_id, closed_space_id, starts_at, ends_at in session.execute(
        select(Closure.building_id, Closure.space_id, Closure.starts_at, Closure.ends_at).where(
            rules.closing(space_ids, building_ids), *rules.closed()
        )
    ):
        where = ("space", closed_space_id) if building_id is None else ("building", building_id)
        closed[where].append((starts_at, ends_at))
    answer = {}
    for space in spaces:
        periods = taken.get(space.id, [])
        if closed:
            periods = (
                periods
                + closed.get(("building", space.building_id), [])
                + closed.get(("space", space.id), [])
            )
        answer[space.id] = FreeTime(*rules.space(space, periods))
    return answer


class _Day:
    """The free-window rules for one day, for whoever asks (`person`), seen at `now`."""

    def __init__(self, session: Session, day: date, now: datetime, person: Person | None):
        self.day, self.person = day, person
        self.not_before = now - START_GRACE
        """Free time starts no earlier than this: a booking may start a few minutes ago."""
        self.starts_at, self.ends_at = local_day_bounds(day)
        self.holidays = bank_holidays_between(session, day, day)
        self.today = to_local(now).date()
        self._hours: dict[int, _Hours] = {}
        self._beyond: dict[int, bool] = {}

    def booked(self) -> list[ColumnElement[bool]]:
        """The active bookings overlapping the day (those starting the day before included)."""
        return [
            Booking.status == BookingStatus.ACTIVE,
            Booking.starts_at >= self.starts_at - LONGEST_BOOKING,
            Booking.starts_at < self.ends_at,
            Booking.ends_at > self.starts_at,
        ]

    def closed(self) -> list[ColumnElement[bool]]:
        return [Closure.starts_at < self.ends_at, Closure.ends_at > self.starts_at]

    @staticmethod
    def closing(
        space_ids: Select[int] | Sequence[int],
        building_ids: Select[int] | set[int],
    ) -> ColumnElement[bool]:
        """Closures of the spaces or of their buildings."""
        return or_(Closure.building_id.in_(building_ids), Closure.space_id.in_(space_ids))

    def space(self, space: Space, taken: list[Period]) -> tuple[OpeningHours | None, list[Window]]:
        """The space's hours that day, and its free windows around `taken` (bookings and
        closures, in any order)."""
        hours = self._hours.get(space.building_id)
        if hours is None:
            hours = self._hours[space.building_id] = _Hours.of(space, self.day, self.holidays)
        if self._beyond_window(space):
            return hours.hours, []
        return hours.hours, _free_windows(space, hours, taken, self.not_before)

    def _beyond_window(self, space: Space) -> bool:
        """Whether the day is too far ahead for the person to book the space."""
        if self.person is None:
            return False
        days = advance_days(space.building, space, self.person)
        beyond = self._beyond.get(days)
        if beyond is None:
            beyond = self._beyond[days] = self.day > self.today + timedelta(days=days)
        return beyond


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
        return cls(hours, _instant(day, hours.opens), _instant(day, hours.closes))


@lru_cache(maxsize=1024)
def _instant(day: date, at: time) -> datetime:
    """`wall_clock_to_utc`, cached: most buildings open and close at the same few times."""
    return wall_clock_to_utc(day, at)


def _free_windows(
    space: Space, day_hours: _Hours, taken: list[Period], not_before: datetime
) -> list[Window]:
    """The gaps between `taken` periods in the opening hours, from `not_before` on."""
    opens, closes = day_hours.opens, day_hours.closes
    if opens is None or closes is None:
        return []
    if not space.bookable or not space.active or not space.building.active:
        return []
    gaps: list[Period] = []
    cursor = max(opens, not_before)
    for start, end in sorted(taken):
        if start > cursor:
            gaps.append((cursor, min(start, closes)))
        cursor = max(cursor, end)
    if cursor < closes:
        gaps.append((cursor, closes))
    if space.kind is not SpaceKind.DESK:
        gaps = [_on_the_grid(start, end) for start, end in gaps]
    return [Window(start, end) for start, end in gaps if start < end and start < closes]


@lru_cache(maxsize=4096)
def _on_the_grid(starts_at: datetime, ends_at: datetime) -> Period:
    """A room's free period shrunk to quarter hours: rooms start and end on the grid.

    The quarter hour is added in UTC: added to a local time it would be wall-clock arithmetic,
    which drops the `fold` of the autumn repeated hour and lands an hour early. (Cached: most
    rooms' free periods are the same opening hours.)
    """
    grid = timedelta(minutes=ROOM_GRID_MINUTES)
    start = to_local(starts_at)
    start_floor = start.replace(
        minute=start.minute - start.minute % ROOM_GRID_MINUTES, second=0, microsecond=0
    )
    on_grid = starts_at if start_floor == start else start_floor.astimezone(UTC) + grid
    end = to_local(ends_at)
    end_floor = end.replace(
        minute=end.minute - end.minute % ROOM_GRID_MINUTES, second=0, microsecond=0
    )
    return on_grid.astimezone(starts_at.tzinfo), end_floor.astimezone(ends_at.tzinfo)
