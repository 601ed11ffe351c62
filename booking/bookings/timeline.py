"""A building's day and a space's week at a glance: each space's opening hours cut into booked,
closed, free and unavailable (past, or beyond the advance window) stretches.

The pages say each stretch in words ("Booked 9am to 11am") and draw it as a bar; the bar's
geometry (minutes from opening) is worked out here so templates only print numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.bookings.availability import SpaceDay, day_availability
from booking.bookings.models import Booking
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Building, Closure, Space, SpaceKind
from booking.timezones import to_local, wall_clock_to_utc

FREE, BOOKED, CLOSED, UNAVAILABLE = "free", "booked", "closed", "unavailable"
DAYS_IN_WEEK = 7


@dataclass(frozen=True)
class Segment:
    state: str
    """"free", "booked", "closed" or "unavailable"."""
    starts_at: datetime
    ends_at: datetime
    offset: int
    """Minutes from opening to the start (the bar's x)."""
    minutes: int
    booking: Booking | None = None
    closure: Closure | None = None


@dataclass(frozen=True)
class Timeline:
    """One space's opening hours on one day, cut into segments (none when closed all day)."""

    space_day: SpaceDay
    segments: list[Segment]
    closed_for: str = ""
    """Why the building is shut all day: a bank holiday's name, or "" for a usual closed day."""

    @property
    def space(self) -> Space:
        return self.space_day.space

    @property
    def day(self) -> date:
        return self.space_day.day

    @property
    def length(self) -> int:
        """The opening hours in minutes (the bar's full width)."""
        return sum(segment.minutes for segment in self.segments)


def timeline(space_day: SpaceDay, closed_for: str = "") -> Timeline:
    hours = space_day.hours
    if hours is None:
        return Timeline(space_day, [], closed_for)
    opens = wall_clock_to_utc(space_day.day, hours.opens)
    closes = wall_clock_to_utc(space_day.day, hours.closes)
    periods = [
        *((b.starts_at, b.ends_at) for b in space_day.bookings),
        *((c.starts_at, c.ends_at) for c in space_day.closures),
        *((w.starts_at, w.ends_at) for w in space_day.free),
    ]
    cuts = sorted(
        {opens, closes} | {max(opens, min(closes, t)) for period in periods for t in period}
    )
    segments: list[Segment] = []
    for start, end in pairwise(cuts):
        state, booking, closure = _state_between(space_day, start, end)
        last = segments[-1] if segments else None
        if last and (last.state, last.booking, last.closure) == (state, booking, closure):
            segments[-1] = _segment(opens, state, last.starts_at, end, booking, closure)
        else:
            segments.append(_segment(opens, state, start, end, booking, closure))
    return Timeline(space_day, segments)


def _state_between(
    space_day: SpaceDay, start: datetime, end: datetime
) -> tuple[str, Booking | None, Closure | None]:
    """What holds the space for all of [start, end) (cut points ensure it is one thing)."""
    booking = next((b for b in space_day.bookings if b.starts_at < end and b.ends_at > start), None)
    if booking is not None:
        return BOOKED, booking, None
    closure = next((c for c in space_day.closures if c.starts_at < end and c.ends_at > start), None)
    if closure is not None:
        return CLOSED, None, closure
    if space_day.is_free(start, end):
        return FREE, None, None
    return UNAVAILABLE, None, None


def _segment(
    opens: datetime,
    state: str,
    start: datetime,
    end: datetime,
    booking: Booking | None,
    closure: Closure | None,
) -> Segment:
    return Segment(
        state, start, end, _minutes(start - opens), _minutes(end - start), booking, closure
    )


def _minutes(length: timedelta) -> int:
    return int(length.total_seconds() // 60)


def book_arguments(space: Space, segment: Segment) -> dict[str, str]:
    """The book page's query for a free segment: its times (a room: an hour at most)."""
    start = to_local(segment.starts_at)
    arguments = {"date": start.date().isoformat(), "start": f"{start:%H:%M}"}
    if space.kind is SpaceKind.DESK:
        arguments["end"] = f"{to_local(segment.ends_at):%H:%M}"
    else:
        arguments["length"] = str(min(60, segment.minutes - segment.minutes % 15))
    return arguments


def load_building(session: Session, building_id: int) -> Building | None:
    return session.scalar(
        select(Building)
        .where(Building.id == building_id)
        .options(
            joinedload(Building.neighbourhood),
            joinedload(Building.owner),
            selectinload(Building.opening_hours),
            selectinload(Building.allowed_organisations),
        )
    )


def building_day(
    session: Session, building: Building, day: date, *, now: datetime, person: Person
) -> list[Timeline]:
    """Every active space of `building` on `day`, desks first, in a fixed number of queries."""
    spaces = session.scalars(
        select(Space)
        .where(Space.building_id == building.id, Space.active)
        .order_by(Space.kind, Space.name, Space.id)
    ).all()
    days = day_availability(session, spaces, day, now=now, person=person)
    holiday = bank_holidays_between(session, day, day).get(day, "")
    return [timeline(days[space.id], holiday) for space in spaces]


def space_week(
    session: Session, space: Space, first: date, *, now: datetime, person: Person
) -> list[Timeline]:
    """`space` on the seven days from `first`."""
    holidays = bank_holidays_between(session, first, first + timedelta(days=DAYS_IN_WEEK - 1))
    week = []
    for offset in range(DAYS_IN_WEEK):
        day = first + timedelta(days=offset)
        space_day = day_availability(session, [space], day, now=now, person=person)[space.id]
        week.append(timeline(space_day, holidays.get(day, "")))
    return week


def bookers(session: Session, timelines: Sequence[Timeline]) -> dict[int, Person]:
    """Who made the bookings shown, by person id, with their organisations, in one query
    (for building managers: "see who is in today")."""
    ids = {
        segment.booking.person_id
        for line in timelines
        for segment in line.segments
        if segment.booking is not None
    }
    if not ids:
        return {}
    people = session.scalars(
        select(Person).where(Person.id.in_(ids)).options(joinedload(Person.organisation))
    )
    return {person.id: person for person in people}
