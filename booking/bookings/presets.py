"""Desk presets: morning, afternoon or the whole day, from the building's hours that day.

A preset is only a convenient way of choosing times; the booking service still checks them.
On the day itself a preset that has begun starts now instead ("Rest of the morning"), so a
nurse arriving at 10am can still book the morning in one tap; one that has ended is dropped.
Presets are resolved again when the button is pressed, so a page left open a while still books
from the moment of pressing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from booking.bookings.availability import SpaceDay
from booking.catalogue.models import OpeningHours
from booking.timezones import wall_clock_to_utc

MIDDAY = time(13)
"""Where morning ends and afternoon begins (1pm: people take lunch before or after)."""


@dataclass(frozen=True)
class Preset:
    name: str
    """"morning", "afternoon" or "day": what the button sends."""
    label: str
    starts_at: datetime
    ends_at: datetime


def desk_presets(day: date, hours: OpeningHours | None, now: datetime) -> list[Preset]:
    """The presets on `day` for a building keeping `hours` (None: closed), as of `now`.

    When two come to the same times (after 1pm, the rest of the afternoon is the rest of the
    day) only the first is offered.
    """
    presets: list[Preset] = []
    for preset in _presets(day, hours, now):
        if all((p.starts_at, p.ends_at) != (preset.starts_at, preset.ends_at) for p in presets):
            presets.append(preset)
    return presets


def _presets(day: date, hours: OpeningHours | None, now: datetime) -> list[Preset]:
    if hours is None:
        return []
    opens, closes = wall_clock_to_utc(day, hours.opens), wall_clock_to_utc(day, hours.closes)
    midday = wall_clock_to_utc(day, MIDDAY)
    wanted = [("day", "Whole day", "Rest of the day", opens, closes)]
    if opens < midday < closes:
        wanted = [
            ("morning", "Morning", "Rest of the morning", opens, midday),
            ("afternoon", "Afternoon", "Rest of the afternoon", midday, closes),
            *wanted,
        ]
    from_now = now.replace(second=0, microsecond=0)
    return [
        Preset(name, rest_label, from_now, ends_at)
        if starts_at < from_now
        else Preset(name, label, starts_at, ends_at)
        for name, label, rest_label, starts_at, ends_at in wanted
        if ends_at > from_now
    ]


def free_presets(space_day: SpaceDay, now: datetime) -> list[Preset]:
    """The presets for which the desk is free all the time (what the buttons offer)."""
    return [
        preset
        for preset in desk_presets(space_day.day, space_day.hours, now)
        if space_day.is_free(preset.starts_at, preset.ends_at)
    ]


def preset_named(name: str, day: date, hours: OpeningHours | None, now: datetime) -> Preset | None:
    """The preset a pressed button names, as of now; None when it has gone (ended, closed)."""
    return next((p for p in _presets(day, hours, now) if p.name == name), None)
