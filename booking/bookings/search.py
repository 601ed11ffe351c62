"""Finding a free space: the search behind "Find a space", and what to offer when the wanted
space or time is taken.

The search costs a fixed number of queries however many spaces match: one for the spaces
(with their buildings and hours), then `day_availability`'s few. Distances are worked out in
Python from the buildings' coordinates: a neighbourhood has a few dozen buildings at most.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session, contains_eager

from booking.accounts.models import Person
from booking.bookings.availability import SpaceDay, Window, day_availability
from booking.bookings.presets import Preset, free_presets
from booking.bookings.rules import ROOM_GRID_MINUTES
from booking.catalogue.models import (
    Building,
    BuildingAccess,
    Facility,
    Neighbourhood,
    Space,
    SpaceKind,
    building_organisation,
)
from booking.timezones import local_to_utc, to_local, wall_clock_to_utc

EARTH_RADIUS_MILES = 3958.8
SOON = timedelta(minutes=15)
""""Now" finds spaces free from some moment in the next quarter of an hour."""
ROOM_OFFER = timedelta(hours=1)
"""How long a room is offered for when someone asks for one now."""
LOOK_AHEAD_DAYS = 7
"""How many days after the wanted one the next free time is looked for."""


@dataclass(frozen=True)
class Origin:
    """Where the person is (from their phone), to sort buildings nearest first."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Criteria:
    """What the person is looking for. Times are UTC; without them, any time that day."""

    neighbourhood: Neighbourhood
    day: date
    kind: SpaceKind = SpaceKind.DESK
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    now: bool = False
    """Free now (or within the next quarter of an hour): `day` is today."""
    min_capacity: int = 1
    facilities: tuple[Facility, ...] = ()
    origin: Origin | None = None


@dataclass(frozen=True)
class SpaceResult:
    space_day: SpaceDay
    offer: Window | None
    """The times of the one-tap "Book" button: those asked for, or from now."""
    presets: list[Preset]
    """For desks: the morning, afternoon and whole-day buttons that are free."""

    @property
    def space(self) -> Space:
        return self.space_day.space

    @property
    def free(self) -> list[Window]:
        return self.space_day.free


@dataclass(frozen=True)
class BuildingResults:
    building: Building
    miles: float | None
    spaces: list[SpaceResult]


@dataclass(frozen=True)
class Results:
    buildings: list[BuildingResults]
    matching: list[Space]
    """Every space matching the filters, free or not (for alternatives when none is free)."""
    by_distance: bool

    @property
    def count(self) -> int:
        return sum(len(group.spaces) for group in self.buildings)


@dataclass(frozen=True)
class Alternative:
    """Something to offer instead: `kind` is "space" (another one in the building), "time"
    (the next free time), "building" (the nearest other building in the neighbourhood) or
    "day" (the next day something is free: the search for that day, not a booking)."""

    kind: str
    space: Space
    starts_at: datetime
    ends_at: datetime
    miles: float | None = None


# Distances.


def miles_between(a: Origin, b: Origin) -> float:
    """The great-circle distance in miles (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def position(building: Building) -> Origin | None:
    if building.latitude is None or building.longitude is None:
        return None
    return Origin(float(building.latitude), float(building.longitude))


def miles_from(origin: Origin | None, building: Building) -> float | None:
    where = position(building)
    return None if origin is None or where is None else miles_between(origin, where)


def distance_text(miles: float) -> str:
    """ "0.4 miles away", "1 mile away", "12 miles away"."""
    if miles < 0.1:
        return "Less than 0.1 miles away"
    shown = f"{miles:.1f}".removesuffix(".0") if miles < 10 else f"{round(miles)}"
    return f"{shown} {'mile' if shown == '1' else 'miles'} away"


# The search.


def bookable_spaces(session: Session, person: Person, *where: ColumnElement[bool]) -> list[Space]:
    """Active, bookable spaces in active buildings `person` may book in, with the buildings and
    their hours loaded (as `day_availability` needs), by building and space name."""
    open_to_person = or_(
        Building.access == BuildingAccess.ALL_PARTNERS,
        Building.owner_id == person.organisation_id,
        exists().where(
            building_organisation.c.building_id == Building.id,
            building_organisation.c.organisation_id == person.organisation_id,
        ),
    )
    return list(
        session.scalars(
            select(Space)
            .join(Space.building)
            .where(Space.active, Space.bookable, Building.active, open_to_person, *where)
            .order_by(Building.name, Building.id, Space.name, Space.id)
            .options(contains_eager(Space.building).selectinload(Building.opening_hours))
        )
    )


def search(session: Session, person: Person, criteria: Criteria, *, now: datetime) -> Results:
    """The spaces matching `criteria` that are free as asked, grouped by building."""
    spaces = bookable_spaces(
        session,
        person,
        Building.neighbourhood_id == criteria.neighbourhood.id,
        Space.kind == criteria.kind,
        Space.capacity >= criteria.min_capacity,
        *(getattr(Building, f.column).is_(True) for f in criteria.facilities),
    )
    days = day_availability(session, spaces, criteria.day, now=now, person=person)
    groups: dict[int, BuildingResults] = {}
    for space in spaces:
        space_day = days[space.id]
        matched, offer = _match(criteria, space_day, now)
        if not matched:
            continue
        presets = free_presets(space_day, now) if space.kind is SpaceKind.DESK else []
        if offer is not None:
            presets = [p for p in presets if (p.starts_at, p.ends_at) != _times(offer)]
        building = space.building
        group = groups.setdefault(
            building.id, BuildingResults(building, miles_from(criteria.origin, building), [])
        )
        group.spaces.append(SpaceResult(space_day, offer, presets))
    buildings = list(groups.values())
    if criteria.origin is not None:
        buildings.sort(key=lambda g: (g.miles is None, g.miles or 0.0))
    return Results(buildings, spaces, by_distance=criteria.origin is not None)


def _times(window: Window) -> tuple[datetime, datetime]:
    return window.starts_at, window.ends_at


def _match(criteria: Criteria, space_day: SpaceDay, now: datetime) -> tuple[bool, Window | None]:
    """Whether the space is free as asked, and the times to offer it for."""
    if criteria.starts_at is not None and criteria.ends_at is not None:
        return space_day.is_free(criteria.starts_at, criteria.ends_at), Window(
            criteria.starts_at, criteria.ends_at
        )
    if not criteria.now:
        return bool(space_day.free), None
    window = next((w for w in space_day.free if w.starts_at <= now + SOON), None)
    if window is None:
        return False, None
    if space_day.space.kind is SpaceKind.DESK:
        starts_at = max(window.starts_at, now.replace(second=0, microsecond=0))
        return True, Window(starts_at, window.ends_at)
    return True, Window(window.starts_at, min(window.starts_at + ROOM_OFFER, window.ends_at))


# Alternatives.


def alternatives(
    session: Session,
    person: Person,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    *,
    min_capacity: int = 1,
) -> list[Alternative]:
    """What to offer when `space` is taken from `starts_at` to `ends_at`: another space of the
    same kind in the building free then, the space's next free time, and the nearest other
    building in the neighbourhood with a space of that kind free then."""
    found: list[Alternative] = []
    day = to_local(starts_at).date()
    same_kind = (Space.kind == space.kind, Space.capacity >= min_capacity)
    nearby = bookable_spaces(
        session,
        person,
        Building.neighbourhood_id == space.building.neighbourhood_id,
        Space.id != space.id,
        *same_kind,
    )
    days = day_availability(session, nearby, day, now=now, person=person)
    free = [s for s in nearby if days[s.id].is_free(starts_at, ends_at)]
    here = next((s for s in free if s.building_id == space.building_id), None)
    if here is not None:
        found.append(Alternative("space", here, starts_at, ends_at))
    later = next_free_time(session, person, [space], starts_at, ends_at, now)
    if later is not None:
        found.append(later)
    elsewhere = [s for s in free if s.building_id != space.building_id]
    if elsewhere:
        origin = position(space.building)
        nearest = min(
            elsewhere,
            key=lambda s: (
                (distance := miles_from(origin, s.building)) is None,
                distance or 0.0,
            ),
        )
        found.append(
            Alternative(
                "building", nearest, starts_at, ends_at, miles_from(origin, nearest.building)
            )
        )
    return found


def next_free_time(
    session: Session,
    person: Person,
    spaces: Sequence[Space],
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> Alternative | None:
    """The earliest time one of `spaces` is free for as long as wanted: later the same day, or
    on one of the next days (at the same time of day if it can, else the earliest)."""
    length = ends_at - starts_at
    wanted = to_local(starts_at)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = wanted.date() + timedelta(days=offset)
        preferred = wall_clock_to_utc(day, wanted.time())
        days = day_availability(session, spaces, day, now=now, person=person)
        slots = [
            (start, space)
            for space in spaces
            for window in days[space.id].free
            if (start := _slot(space, window, preferred, length)) is not None
        ]
        if not slots and offset:
            slots = [
                (start, space)
                for space in spaces
                for window in days[space.id].free
                if (start := _slot(space, window, window.starts_at, length)) is not None
            ]
        if slots:
            start, space = min(slots, key=lambda slot: slot[0])
            return Alternative("time", space, start, start + length)
    return None


def _slot(space: Space, window: Window, earliest: datetime, length: timedelta) -> datetime | None:
    """The first start in `window`, no earlier than `earliest`, on the space's grid, that
    leaves `length` free; None if there is none."""
    grid = ROOM_GRID_MINUTES if space.kind is not SpaceKind.DESK else 5
    start = to_local(max(window.starts_at, earliest))
    floor = start.replace(minute=start.minute - start.minute % grid, second=0, microsecond=0)
    start = floor if floor == start else floor + timedelta(minutes=grid)
    return start.astimezone(UTC) if start + length <= window.ends_at else None


def search_alternatives(
    session: Session, person: Person, criteria: Criteria, results: Results, *, now: datetime
) -> list[Alternative]:
    """When no space matching the filters is free as asked: the next time one is.

    With times (or "now") that is a one-tap "time" alternative for the same length; for any
    time of the day it is the next day one is free at all ("day": search that day instead).
    """
    if not results.matching:
        return []
    if criteria.starts_at is not None and criteria.ends_at is not None:
        starts_at, ends_at = criteria.starts_at, criteria.ends_at
    elif criteria.now:
        starts_at = _next_quarter_hour(now)
        ends_at = starts_at + ROOM_OFFER
    else:
        starts_at = local_to_utc(criteria.day + timedelta(days=1), time(0))
        later = next_free_time(session, person, results.matching, starts_at, starts_at + SOON, now)
        return [] if later is None else [replace(later, kind="day")]
    later = next_free_time(session, person, results.matching, starts_at, ends_at, now)
    return [] if later is None else [later]


def _next_quarter_hour(moment: datetime) -> datetime:
    local = to_local(moment).replace(second=0, microsecond=0)
    later = local + timedelta(minutes=ROOM_GRID_MINUTES - local.minute % ROOM_GRID_MINUTES)
    return later.astimezone(UTC)
