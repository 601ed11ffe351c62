"""The availability answer, written as JSON text from pieces kept between requests.

A neighbourhood's day is hundreds of spaces, each with its details, hours and free windows:
building it as dicts for marshmallow, or even for `json.dumps`, took a quarter of the answer's
time. Almost all of it repeats from one request to the next, so it is written once and kept:

- each space's details (everything but `bookable`, which depends on who asks), kept with the
  space object itself: `SpaceCache` never changes a space it keeps, it keeps a new object;
- each opening-hours pair and each free window, kept by value (a day has a few dozen).

Every piece is made by `json.dumps`; only the joins between pieces are written here.
`SpaceAvailabilitySchema` documents the result, and the schemathesis test checks answers
against it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import lru_cache
from weakref import WeakKeyDictionary

from booking.accounts.models import Person
from booking.api.schemas import building_is_bookable
from booking.bookings.availability import FreeTime, Window
from booking.catalogue.models import Space
from booking.timezones import to_local


def availability_json(
    day: date,
    spaces: Sequence[Space],
    free: dict[int, FreeTime],
    person: Person,
    start: datetime | None,
    end: datetime | None,
) -> str:
    """`AvailabilitySchema`'s answer for `spaces` (`SpaceCache`'s, whose details are kept with
    them), their free time clipped to [start, end)."""
    buildings: dict[int, tuple[bool, bool]] = {}
    parts = []
    for space in spaces:
        building = buildings.get(space.building_id)
        if building is None:
            building = buildings[space.building_id] = (
                space.building.is_open_to(person),
                building_is_bookable(space.building),
            )
        allowed, building_bookable = building
        # `space_is_bookable`, with its building's part worked out once per building.
        bookable = space.active and space.bookable and building_bookable
        hours, windows = free[space.id]
        hours_json = "null" if hours is None else _hours(hours.opens, hours.closes)
        free_json = ",".join(_windows(windows, start, end)) if allowed else ""
        parts.append(
            f"{_details(space)}{'true' if bookable else 'false'}}},"
            f'"opening_hours":{hours_json},"free":[{free_json}]}}'
        )
    return f'{{"date":"{day.isoformat()}","spaces":[{",".join(parts)}]}}'


_DETAILS: WeakKeyDictionary[Space, str] = WeakKeyDictionary()


def _details(space: Space) -> str:
    """`{"space":{...details...,"bookable":` for `space`."""
    details = _DETAILS.get(space)
    if details is None:
        building = space.building
        written = json.dumps(
            {
                "id": space.id,
                "name": space.name,
                "kind": space.kind.value,
                "capacity": space.capacity,
                "equipment": space.equipment,
                "description": space.description,
                "accessible": space.accessible,
                "building": {"id": building.id, "name": building.name},
                "bookable": None,
            },
            separators=(",", ":"),
        )
        details = _DETAILS[space] = '{"space":' + written.removesuffix("null}")
    return details


@lru_cache(maxsize=256)
def _hours(opens: time, closes: time) -> str:
    return json.dumps({"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"})


def _windows(windows: list[Window], start: datetime | None, end: datetime | None) -> list[str]:
    if start is None and end is None:
        return [_window(w.starts_at, w.ends_at) for w in windows]
    clipped = (
        (
            max(w.starts_at, start) if start else w.starts_at,
            min(w.ends_at, end) if end else w.ends_at,
        )
        for w in windows
    )
    return [_window(starts_at, ends_at) for starts_at, ends_at in clipped if starts_at < ends_at]


@lru_cache(maxsize=4096)
def _window(starts_at: datetime, ends_at: datetime) -> str:
    """A free window in Europe/London time, with the offset of each moment."""
    return json.dumps(
        {"start": to_local(starts_at).isoformat(), "end": to_local(ends_at).isoformat()},
        separators=(",", ":"),
    )
