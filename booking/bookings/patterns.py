"""The dates a repeating booking's pattern generates, from its fields alone (no database).

Kept apart from `recurrence` (which books and cancels through the booking service) so that
writing a series as an iCalendar RRULE (`booking.calendar.ics`) can use the very same dates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta

from booking.bookings.models import Frequency
from booking.catalogue.models import Building
from booking.catalogue.queries import is_open_on

MAX_OCCURRENCES = 52
SEARCH_DAYS = 2 * 366
"""How far past its first date a pattern is searched for dates (a building open one day a week
still gives 52 dates within it)."""


def last_searched(starts_on: date, until: date | None) -> date:
    """The last day a pattern starting on `starts_on` can have a date on."""
    last = starts_on + timedelta(days=SEARCH_DAYS)
    return last if until is None else min(last, until)


def pattern_dates(
    *,
    frequency: Frequency,
    starts_on: date,
    weekdays: Collection[int],
    until: date | None,
    count: int | None,
    building: Building,
    bank_holidays: Mapping[date, str],
) -> tuple[list[date], bool]:
    """The dates of the pattern, and whether the 52-date cap cut an "until" series short.

    Daily: every day `building` is open (`bank_holidays`, from `bank_holidays_between`, are
    needed for that). Weekly: the `weekdays` (Monday = 0), open or not; it depends on nothing
    but these fields.
    """
    last = last_searched(starts_on, until)
    wanted = count or MAX_OCCURRENCES
    found: list[date] = []
    day = starts_on
    while day <= last:
        if (
            is_open_on(building, day, bank_holidays)
            if frequency is Frequency.DAILY
            else day.weekday() in weekdays
        ):
            if len(found) == wanted:
                return found, count is None
            found.append(day)
        day += timedelta(days=1)
    return found, False
