"""The period a report covers: a week, a month, a quarter or any run of days, in Europe/London.

A period is whole Europe/London calendar days, first to last, both included; in UTC it is the
half-open interval from midnight at the start of its first day to midnight after its last. Its
length in hours is real elapsed time: a month with a clock change has an hour more or less.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from booking.timezones import local_day_bounds

LONGEST = timedelta(days=366)
"""The longest period a report covers: a year (a leap year's included)."""
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


class PeriodKind(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {"custom": "Dates you choose"}.get(self.value, self.value.capitalize())


class PeriodError(ValueError):
    """Dates that do not make a period (the wrong way round, too long, out of range)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """The week (Monday to Sunday), month or quarter that `day` is in."""
        _check_year(day, "date")
        return cls._containing(kind, day)

    @classmethod
    def _containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.WEEK:
            first = day - timedelta(days=day.weekday())
            return cls(kind, first, first + timedelta(days=6))
        if kind is PeriodKind.MONTH:
            first = day.replace(day=1)
            return cls(kind, first, _next_month(first) - timedelta(days=1))
        if kind is PeriodKind.QUARTER:
            first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
            return cls(
                kind, first, _next_month(_next_month(_next_month(first))) - timedelta(days=1)
            )
        raise ValueError("a custom period has its own first and last days")

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        """The days from `first` to `last`, both included."""
        _check_year(first, "from")
        _check_year(last, "to")
        if last < first:
            raise PeriodError("The end date must be the same as or after the start date", "to")
        if last - first >= LONGEST:
            raise PeriodError("Choose a period of a year (366 days) or less", "to")
        return cls(PeriodKind.CUSTOM, first, last)

    def previous(self) -> Period:
        """The period just before this one, of the same kind: last week, last month, last
        quarter, or as many days again just before these."""
        if self.kind is PeriodKind.CUSTOM:
            return Period(self.kind, self.first - timedelta(days=self.days), self.first - _DAY)
        return Period._containing(self.kind, self.first - _DAY)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def starts_at(self) -> datetime:
        """Midnight at the start of the first day, in UTC."""
        return local_day_bounds(self.first)[0]

    @property
    def ends_at(self) -> datetime:
        """Midnight after the last day, in UTC (not itself in the period)."""
        return local_day_bounds(self.last)[1]

    @property
    def hours(self) -> int:
        """The period's length in real hours (clock changes included)."""
        return int((self.ends_at - self.starts_at).total_seconds()) // 3600

    @property
    def label(self) -> str:
        """ "October 2026", "Week of 19 October 2026", "July to September 2026" …"""
        if self.kind is PeriodKind.MONTH:
            return f"{self.first:%B %Y}"
        if self.kind is PeriodKind.WEEK:
            return f"Week of {self.first.day} {self.first:%B %Y}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first:%B} to {self.last:%B %Y}"
        if self.first == self.last:
            return f"{self.first.day} {self.first:%B %Y}"
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"

    @property
    def slug(self) -> str:
        """For file names: 2026-10, 2026-w43, 2026-q4, 2026-10-01-to-2026-10-15."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            return f"{year}-w{week:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}-q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first.isoformat()}-to-{self.last.isoformat()}"


_DAY = timedelta(days=1)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _check_year(day: date, field: str) -> None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise PeriodError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}", field)
