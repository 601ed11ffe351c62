"""The one rule for whether a building opens on a day (reused by booking)."""

from __future__ import annotations

from datetime import date, time

from booking.catalogue.models import Building, OpeningHours
from booking.catalogue.queries import hours_on, is_open_on, opening_hours_for

MONDAY = date(2026, 12, 28)
SATURDAY = date(2026, 12, 26)
HOLIDAYS = {MONDAY: "Boxing Day"}


def building(opens_on_bank_holidays: bool = False) -> Building:
    return Building(
        opens_on_bank_holidays=opens_on_bank_holidays,
        opening_hours=[OpeningHours(weekday=0, opens=time(9), closes=time(17))],
    )


def test_a_building_opens_on_the_weekdays_it_has_hours_for() -> None:
    assert is_open_on(building(), MONDAY, {})
    assert not is_open_on(building(), SATURDAY, {})
    assert opening_hours_for(building(), SATURDAY) is None


def test_a_building_is_closed_on_bank_holidays_unless_it_opts_to_open() -> None:
    assert not is_open_on(building(), MONDAY, HOLIDAYS)
    assert hours_on(building(), MONDAY, HOLIDAYS) is None
    assert is_open_on(building(opens_on_bank_holidays=True), MONDAY, HOLIDAYS)


def test_the_regular_hours_ignore_bank_holidays() -> None:
    hours = opening_hours_for(building(), MONDAY)

    assert hours is not None and (hours.opens, hours.closes) == (time(9), time(17))
    assert hours_on(building(opens_on_bank_holidays=True), MONDAY, HOLIDAYS) is not None
