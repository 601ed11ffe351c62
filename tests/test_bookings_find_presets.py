"""Desk presets: morning, afternoon and the whole day, from the building's hours that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from booking.bookings.presets import Preset, desk_presets, preset_named
from booking.catalogue.models import OpeningHours

TUESDAY = date(2026, 3, 3)
SUMMER_TUESDAY = date(2026, 7, 7)
EARLIER = datetime(2026, 3, 2, 12, tzinfo=UTC)


def hours(opens: time, closes: time) -> OpeningHours:
    return OpeningHours(weekday=1, opens=opens, closes=closes)


def said(presets: list[Preset]) -> list[tuple[str, str, str, str]]:
    return [(p.name, p.label, f"{p.starts_at:%H:%M}", f"{p.ends_at:%H:%M}") for p in presets]


def test_a_day_is_split_at_1pm_into_morning_and_afternoon() -> None:
    presets = desk_presets(TUESDAY, hours(time(9), time(17)), EARLIER)

    assert said(presets) == [
        ("morning", "Morning", "09:00", "13:00"),
        ("afternoon", "Afternoon", "13:00", "17:00"),
        ("day", "Whole day", "09:00", "17:00"),
    ]


def test_times_are_uk_times_in_summer() -> None:
    presets = desk_presets(SUMMER_TUESDAY, hours(time(8, 30), time(18)), EARLIER)

    assert said(presets)[0] == ("morning", "Morning", "07:30", "12:00")  # UTC, BST = UTC+1


def test_a_building_open_only_in_the_morning_offers_the_whole_day_only() -> None:
    presets = desk_presets(TUESDAY, hours(time(9), time(12, 30)), EARLIER)

    assert said(presets) == [("day", "Whole day", "09:00", "12:30")]


def test_a_closed_day_has_no_presets() -> None:
    assert desk_presets(TUESDAY, None, EARLIER) == []


def test_on_the_day_a_preset_that_has_begun_starts_now_and_one_that_has_ended_goes() -> None:
    at_ten = datetime(2026, 3, 3, 10, 7, 42, tzinfo=UTC)
    after_lunch = datetime(2026, 3, 3, 14, 20, tzinfo=UTC)

    assert said(desk_presets(TUESDAY, hours(time(9), time(17)), at_ten)) == [
        ("morning", "Rest of the morning", "10:07", "13:00"),
        ("afternoon", "Afternoon", "13:00", "17:00"),
        ("day", "Rest of the day", "10:07", "17:00"),
    ]
    assert said(desk_presets(TUESDAY, hours(time(9), time(17)), after_lunch)) == [
        ("afternoon", "Rest of the afternoon", "14:20", "17:00"),
    ]


def test_a_pressed_preset_is_found_as_of_the_moment_it_is_pressed() -> None:
    opening = hours(time(9), time(17))
    after_lunch = datetime(2026, 3, 3, 14, 20, tzinfo=UTC)

    day = preset_named("day", TUESDAY, opening, after_lunch)

    assert day is not None and said([day]) == [("day", "Rest of the day", "14:20", "17:00")]
    assert preset_named("morning", TUESDAY, opening, after_lunch) is None
    assert preset_named("evening", TUESDAY, opening, EARLIER) is None
