"""What each report page shows: its measures, as charts beside their tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy.orm import Session

from booking.reports import charts, tables
from booking.reports.feedback import ReportFeedback, report_feedback
from booking.reports.filters import ReportQuery
from booking.reports.measures import (
    Indicator,
    Place,
    Ranking,
    Summary,
    indicators,
    partnerships,
    summary,
)
from booking.reports.tables import Table, percent
from booking.reports.times import Times, times
from booking.reports.usage import Level
from booking.templating import WEEKDAYS


@dataclass(frozen=True)
class Figure:
    """A chart and the table of its numbers; `export` names the table that downloads in full
    (the table shown may be the busiest and least used only)."""

    heading: str
    chart: Markup
    table: Table
    export: str
    export_title: str
    """What the download holds, in words: "every space", "the neighbourhood indicators"."""


def _bars(places: list[Place]) -> list[charts.Bar]:
    return [
        charts.Bar(
            f"{place.name}, {place.within}" if place.within else place.name,
            place.usage.utilisation,
            percent(place.usage.utilisation),
        )
        for place in places
    ]


def _ranked_figures(
    name: str, plural: str, within: str, ranking: Ranking, period_label: str
) -> list[Figure]:
    """A chart of the busiest and one of the least used (or one of all, when they are few)."""
    if not ranking.busiest:
        return []
    if not ranking.least_used:
        return [
            Figure(
                plural.capitalize(),
                charts.bar_chart(
                    f"{name}-utilisation",
                    f"Utilisation of {plural}, {period_label}",
                    f"Bar chart of the share of available hours booked in each of the "
                    f"{ranking.total} {plural}, busiest first.",
                    _bars(ranking.busiest),
                ),
                tables.places_table(
                    name, f"{plural.capitalize()}, busiest first", ranking.busiest, within=within
                ),
                name,
                f"these {plural}",
            )
        ]
    figures = []
    for which, places in (("busiest", ranking.busiest), ("least used", ranking.least_used)):
        slug = which.replace(" ", "-")
        figures.append(
            Figure(
                f"{which.capitalize()} {plural}",
                charts.bar_chart(
                    f"{name}-{slug}",
                    f"The {len(places)} {which} {plural}, {period_label}",
                    f"Bar chart of utilisation, the share of available hours booked, of the "
                    f"{len(places)} {which} of {ranking.total} {plural}.",
                    _bars(places),
                ),
                tables.places_table(
                    name,
                    f"The {len(places)} {which} {plural}",
                    places,
                    within=within,
                ),
                name,
                f"all {ranking.total:,} {plural}",
            )
        )
    return figures


def _neighbourhood_figure(rows: list[Indicator], period_label: str) -> Figure:
    places = [row.place for row in rows]
    return Figure(
        "Utilisation by neighbourhood",
        charts.bar_chart(
            "neighbourhood-utilisation",
            f"Utilisation by neighbourhood, {period_label}",
            "Bar chart of the share of available hours booked in each neighbourhood.",
            _bars(places),
        ),
        tables.neighbourhoods_table(rows),
        "neighbourhoods",
        "the neighbourhood indicators",
    )


def _trend_figure(found: Times, period_label: str) -> Figure:
    days = [day for day, slot in found.days.items() if slot.available]
    return Figure(
        "Day by day",
        charts.line_chart(
            "trend",
            f"Utilisation and occupancy day by day, {period_label}",
            "Line chart of the share of available hours booked (utilisation) and checked in "
            "(occupancy) on each day the spaces were open.",
            [f"{day.day} {day:%b}" for day in days],
            [
                charts.Series(
                    "Utilisation", [found.days[day].utilisation for day in days], charts.BRAND
                ),
                charts.Series(
                    "Occupancy",
                    [found.days[day].occupancy for day in days],
                    charts.SECOND,
                    dashed=True,
                ),
            ],
        ),
        tables.days_table(found),
        "days",
        "every day",
    )


def _peak_figure(found: Times, period_label: str) -> Figure:
    hours = found.hours
    return Figure(
        "Peak times",
        charts.heatmap(
            "peak-times",
            f"Peak times, {period_label}",
            "Heatmap of occupancy, the share of available hours checked in, for each weekday "
            "and hour; darker is busier, grey is closed.",
            [day[:3] for day in WEEKDAYS],
            [f"{hour}:00" for hour in hours],
            [
                [
                    slot.occupancy if (slot := found.peak.get((weekday, hour))) else None
                    for hour in hours
                ]
                for weekday in range(7)
            ],
        ),
        tables.peak_table(found),
        "peak-times",
        "occupancy by hour",
    )


@dataclass(frozen=True)
class UsagePage:
    summary: Summary
    figures: list[Figure]
    summary_table: Table
    feedback: ReportFeedback
    feedback_table: Table


def usage_page(session: Session, query: ReportQuery, now: datetime) -> UsagePage:
    found = summary(session, query, now)
    found_times = times(session, query, now)
    label = query.period.label
    figures = [
        _neighbourhood_figure(indicators(session, query, found), label),
        _trend_figure(found_times, label),
        _peak_figure(found_times, label),
        *_ranked_figures("buildings", "buildings", "Neighbourhood", found.current.buildings, label),
        *_ranked_figures("spaces", "spaces", "Building", found.current.spaces, label),
    ]
    feedback = report_feedback(session, query)
    return UsagePage(
        found, figures, tables.summary_table(found), feedback, tables.feedback_table(feedback)
    )


def neighbourhoods_page(session: Session, query: ReportQuery, now: datetime) -> Figure:
    found = summary(session, query, now, {Level.ALL, Level.NEIGHBOURHOOD})
    return _neighbourhood_figure(indicators(session, query, found), query.period.label)


def organisations_page(session: Session, query: ReportQuery, now: datetime) -> Table:
    return tables.organisations_table(partnerships(session, query, now))
