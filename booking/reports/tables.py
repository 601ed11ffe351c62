"""Every report table, once: the page shows it beside its chart and the exports write it.

A `Table` holds plain values (numbers, None for "cannot be worked out"); each column says what
its numbers are, so the page formats them for people ("42%", or a dash for none) and the exports keep them as
numbers (a spreadsheet can add them up).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from booking.feedback.summary import rating_words
from booking.reports.feedback import ReportFeedback, report_feedback
from booking.reports.filters import ReportQuery
from booking.reports.measures import (
    Indicator,
    Partnership,
    Place,
    Summary,
    Usage,
    indicators,
    partnerships,
    summary,
    usage_report,
)
from booking.reports.queries import HOUR
from booking.reports.times import Times, times
from booking.reports.usage import Level
from booking.templating import WEEKDAYS, format_time

Value = str | int | float | date | None
NOTHING = "\N{EN DASH}"
"""What a page shows for a measure that cannot be worked out (a rate of nothing)."""


class Kind(enum.Enum):
    TEXT = "text"
    COUNT = "count"
    HOURS = "hours"
    SHARE = "share"
    """A fraction shown as a percentage."""
    CHANGE = "change"
    """A difference of two shares, shown in percentage points."""
    DATE = "date"
    RATING = "rating"
    """An average rating, 1 (poor) to 3 (good), shown with its word: "2.25 (OK)"."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT

    @property
    def numeric(self) -> bool:
        return self.kind not in (Kind.TEXT, Kind.DATE)

    def show(self, value: Value) -> str:
        """A cell of this column as the page shows it."""
        return shown(value, self.kind)


@dataclass(frozen=True)
class Table:
    name: str
    """For file names: "spaces", "peak-times" …"""
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]


def percent(value: float | None) -> str:
    return NOTHING if value is None else f"{value * 100:.0f}%"


def points(value: float | None) -> str:
    """A change in percentage points, in words: "up 3 points", "down 1 point", "no change"."""
    if value is None:
        return NOTHING
    rounded = round(value * 100)
    if rounded == 0:
        return "no change"
    unit = "point" if abs(rounded) == 1 else "points"
    return f"{'up' if rounded > 0 else 'down'} {abs(rounded)} {unit}"


def hours(seconds: float | None) -> str:
    if seconds is None:
        return NOTHING
    value = seconds / HOUR
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}".removesuffix(".0")


def duration(seconds: float | None) -> str:
    """A lead time in words: "45 minutes", "5 hours", "3 days"."""
    if seconds is None:
        return NOTHING
    if seconds < HOUR:
        minutes = round(seconds / 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    if seconds < 48 * HOUR:
        whole = round(seconds / HOUR, 1)
        text = f"{whole:g}"
        return f"{text} hour{'' if whole == 1 else 's'}"
    days = round(seconds / (24 * HOUR), 1)
    return f"{days:g} days"


def rating(average: float | None) -> str:
    """ "2.25 (OK)", or a dash without ratings."""
    if average is None:
        return NOTHING
    return f"{average:.2f} ({rating_words(average)})"


def shown(value: Value, kind: Kind) -> str:
    """A table cell as the page shows it."""
    if value is None:
        return NOTHING
    if kind is Kind.RATING:
        return rating(float(value))  # type: ignore[arg-type]
    if kind is Kind.SHARE:
        return percent(float(value))  # type: ignore[arg-type]
    if kind is Kind.CHANGE:
        return points(float(value))  # type: ignore[arg-type]
    if kind is Kind.HOURS:
        return hours(float(value) * HOUR)  # type: ignore[arg-type]
    if kind is Kind.COUNT:
        return f"{value:,}"
    if kind is Kind.DATE and isinstance(value, date):
        return f"{value:%a} {value.day} {value:%b}"
    return str(value)


_USAGE_COLUMNS = (
    Column("Available hours", Kind.HOURS),
    Column("Booked hours", Kind.HOURS),
    Column("Checked-in hours", Kind.HOURS),
    Column("Utilisation", Kind.SHARE),
    Column("Occupancy", Kind.SHARE),
    Column("Bookings", Kind.COUNT),
)


def _usage_values(usage: Usage) -> tuple[Value, ...]:
    return (
        round(usage.available_hours, 2),
        round(usage.booked_hours, 2),
        round(usage.checked_in_hours, 2),
        usage.utilisation,
        usage.occupancy,
        usage.bookings,
    )


def summary_table(found: Summary) -> Table:
    usage, before = found.usage, found.previous.usage
    rows: list[tuple[Value, ...]] = [
        ("Utilisation", usage.utilisation, before.utilisation),
        ("Occupancy", usage.occupancy, before.occupancy),
        ("Available hours", round(usage.available_hours, 2), round(before.available_hours, 2)),
        ("Booked hours", round(usage.booked_hours, 2), round(before.booked_hours, 2)),
        ("Checked-in hours", round(usage.checked_in_hours, 2), round(before.checked_in_hours, 2)),
        ("Bookings", usage.bookings, before.bookings),
        ("People who booked", usage.people, None),
        ("Organisations that booked", usage.organisations, None),
        ("No-show rate", usage.no_show_rate, before.no_show_rate),
        ("Cancellation rate", usage.cancellation_rate, before.cancellation_rate),
        (
            "Median lead time (hours)",
            None
            if found.current.median_lead_seconds is None
            else round(found.current.median_lead_seconds / HOUR, 2),
            None,
        ),
    ]
    return Table(
        "summary",
        "Summary",
        (Column("Measure"), Column("This period"), Column("Period before")),
        rows,
    )


def places_table(name: str, title: str, places: Sequence[Place], *, within: str) -> Table:
    """Spaces or buildings, busiest first."""
    return Table(
        name,
        title,
        (Column("Name"), Column(within), *_USAGE_COLUMNS),
        [(place.name, place.within, *_usage_values(place.usage)) for place in places],
    )


def neighbourhoods_table(indicators: Sequence[Indicator]) -> Table:
    return Table(
        "neighbourhoods",
        "Neighbourhood indicators",
        (
            Column("Neighbourhood"),
            Column("Drop-down spaces", Kind.COUNT),
            Column("Step-free share", Kind.SHARE),
            Column("Utilisation", Kind.SHARE),
            Column("Occupancy", Kind.SHARE),
            Column("Partner organisations", Kind.COUNT),
            Column("Utilisation before", Kind.SHARE),
            Column("Change", Kind.CHANGE),
        ),
        [
            (
                row.neighbourhood.name,
                row.place.spaces,
                row.place.step_free_share,
                row.place.usage.utilisation,
                row.place.usage.occupancy,
                row.place.usage.organisations,
                row.previous.utilisation,
                row.utilisation_change,
            )
            for row in indicators
        ],
    )


def peak_table(found: Times) -> Table:
    """Occupancy by hour (rows) and weekday (columns); None where nothing was open."""
    rows: list[tuple[Value, ...]] = []
    for hour in found.hours:
        cells = [found.peak.get((weekday, hour)) for weekday in range(7)]
        rows.append(
            (format_time(time(hour)), *(cell.occupancy if cell else None for cell in cells))
        )
    return Table(
        "peak-times",
        "Occupancy by hour of the week",
        (Column("Hour"), *(Column(day, Kind.SHARE) for day in WEEKDAYS)),
        rows,
    )


def days_table(found: Times) -> Table:
    return Table(
        "days",
        "Utilisation and occupancy day by day",
        (
            Column("Day", Kind.DATE),
            Column("Available hours", Kind.HOURS),
            Column("Utilisation", Kind.SHARE),
            Column("Occupancy", Kind.SHARE),
        ),
        [
            (day, round(slot.available / HOUR, 2), slot.utilisation, slot.occupancy)
            for day, slot in found.days.items()
        ],
    )


def organisations_table(partnerships: Sequence[Partnership]) -> Table:
    return Table(
        "organisations",
        "Bookings by organisation and neighbourhood",
        (
            Column("Organisation"),
            Column("Neighbourhood"),
            Column("Bookings", Kind.COUNT),
            Column("Booked hours", Kind.HOURS),
        ),
        [
            (row.organisation, row.neighbourhood, row.bookings, round(row.booked / HOUR, 2))
            for row in partnerships
        ],
    )


def feedback_table(found: ReportFeedback) -> Table:
    """Ratings and problems by building, or by space for a report on one building."""
    return Table(
        "feedback",
        "Ratings and problems by space" if found.by_space else "Ratings and problems by building",
        (
            Column("Space" if found.by_space else "Building"),
            Column("Average rating", Kind.RATING),
            Column("Ratings", Kind.COUNT),
            Column("Problems reported", Kind.COUNT),
            Column("Still open", Kind.COUNT),
        ),
        [
            (
                place.name,
                place.feedback.average_rating,
                place.feedback.ratings,
                place.feedback.open_problems + place.feedback.fixed_problems,
                place.feedback.open_problems,
            )
            for place in found.places
        ],
    )


TABLES = (
    "summary",
    "neighbourhoods",
    "buildings",
    "spaces",
    "peak-times",
    "days",
    "organisations",
    "feedback",
)
"""The tables that export as CSV and XLSX (and "bookings", every booking, which streams)."""


def build(name: str, session: Session, query: ReportQuery, now: datetime) -> Table:
    """The table called `name`, in full (every building or space, not only the ranked ones)."""
    if name == "summary":
        return summary_table(summary(session, query, now, {Level.ALL}))
    if name == "neighbourhoods":
        found = summary(session, query, now, {Level.ALL, Level.NEIGHBOURHOOD})
        return neighbourhoods_table(indicators(session, query, found))
    if name in ("buildings", "spaces"):
        level = Level.BUILDING if name == "buildings" else Level.SPACE
        report = usage_report(session, query, now, {level}, limit=None)
        ranking = report.buildings if level is Level.BUILDING else report.spaces
        within = "Neighbourhood" if level is Level.BUILDING else "Building"
        title = "Buildings, busiest first" if name == "buildings" else "Spaces, busiest first"
        return places_table(name, title, ranking.busiest, within=within)
    if name in ("peak-times", "days"):
        found_times = times(session, query, now)
        return peak_table(found_times) if name == "peak-times" else days_table(found_times)
    if name == "organisations":
        return organisations_table(partnerships(session, query, now))
    if name == "feedback":
        return feedback_table(report_feedback(session, query))
    raise KeyError(name)
