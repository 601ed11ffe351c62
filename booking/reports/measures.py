"""The report measures, as service functions returning typed results.

Every number is aggregated in the database (GROUP BY over `booking.reports.queries`); Python
only turns a few result rows into these objects and divides. A measure that cannot be worked
out - a rate of nothing, utilisation where no hours were available - is None, shown as a dash.

`usage_report` answers for every level at once - the whole report, each neighbourhood, the
busiest and least-used buildings and spaces - from one statement (`booking.reports.usage`), so
the bookings of the period are read once: at borough scale (a month is some 85,000 bookings)
reading them is the cost.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Neighbourhood, Organisation, Space
from booking.reports import sql
from booking.reports.filters import ReportQuery
from booking.reports.queries import HOUR, Parts, parts, unindexed
from booking.reports.usage import Level, usage_select

RANKED = 10
"""How many spaces or buildings a busiest or least-used list names."""


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True)
class Usage:
    """The measures of one group of spaces (the whole report, a neighbourhood, a building or a
    space) over a period. Times are in seconds."""

    available: int = 0
    booked: int = 0
    checked_in: int = 0
    bookings: int = 0
    """Bookings that held their space (active or no-show), starting in the period."""
    people: int = 0
    organisations: int = 0
    no_shows: int = 0
    started: int = 0
    """Of `bookings`, those that had started when the report was made."""
    cancelled: int = 0
    made: int = 0
    """Every booking starting in the period, cancelled ones included."""

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked, self.available)

    @property
    def occupancy(self) -> float | None:
        return ratio(self.checked_in, self.available)

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.no_shows, self.started)

    @property
    def cancellation_rate(self) -> float | None:
        return ratio(self.cancelled, self.made)

    @property
    def available_hours(self) -> float:
        return self.available / HOUR

    @property
    def booked_hours(self) -> float:
        return self.booked / HOUR

    @property
    def checked_in_hours(self) -> float:
        return self.checked_in / HOUR


@dataclass(frozen=True)
class Place:
    """A space, building or neighbourhood with its usage."""

    id: int
    name: str
    within: str
    """The building of a space, the neighbourhood of a building ("" for a neighbourhood)."""
    spaces: int
    step_free: int
    """Spaces in step-free buildings."""
    usage: Usage

    @property
    def step_free_share(self) -> float | None:
        return ratio(self.step_free, self.spaces)


@dataclass(frozen=True)
class Ranking:
    """Places, busiest first. When there are more than twice the limit, only the busiest and
    the least used are named (`least_used` then holds the quietest first)."""

    busiest: list[Place] = field(default_factory=list)
    least_used: list[Place] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class UsageReport:
    usage: Usage
    median_lead_seconds: float | None
    """The median time from making a booking to its start, of the bookings counted."""
    neighbourhoods: dict[int, Place]
    buildings: Ranking
    spaces: Ranking


def prepared(session: Session, query: ReportQuery, now: datetime) -> Parts:
    sql.prepare(session)
    return parts(query, now)


def _usage(row: Any) -> Usage:
    return Usage(
        available=int(row.available or 0),
        booked=int(row.booked or 0),
        checked_in=int(row.checked_in or 0),
        bookings=int(row.bookings or 0),
        people=int(row.people or 0),
        organisations=int(row.organisations or 0),
        no_shows=int(row.no_shows or 0),
        started=int(row.started or 0),
        cancelled=int(row.cancelled or 0),
        made=int(row.made or 0),
    )


def _place(row: Row[Any]) -> Place:
    return Place(
        id=row.key,
        name=row.name,
        within=row.within,
        spaces=int(row.spaces or 0),
        step_free=int(row.step_free or 0),
        usage=_usage(row),
    )


def _ranking(rows: list[Row[Any]], limit: int | None) -> Ranking:
    if not rows:
        return Ranking()
    total = int(rows[0].total)
    if limit is None or total <= 2 * limit:
        return Ranking(
            [_place(row) for row in sorted(rows, key=lambda row: row.busiest)], [], total
        )
    busiest = sorted((row for row in rows if row.busiest <= limit), key=lambda row: row.busiest)
    quietest = sorted((row for row in rows if row.quietest <= limit), key=lambda row: row.quietest)
    return Ranking([_place(row) for row in busiest], [_place(row) for row in quietest], total)


def usage_report(
    session: Session,
    query: ReportQuery,
    now: datetime,
    levels: Collection[Level] = tuple(Level),
    *,
    limit: int | None = RANKED,
    who: bool = True,
) -> UsageReport:
    """The measures at each of `levels`, from one statement. Buildings and spaces are ranked:
    the `limit` busiest and least used (every one, busiest first, when `limit` is None).
    Without `who`, people, organisations and the median lead time are not counted (they are
    the dearest part, and a trend needs only the hours)."""
    p = prepared(session, query, now)
    postgresql = session.get_bind().dialect.name == "postgresql"
    rows = session.execute(usage_select(p, levels, limit, who, postgresql)).all()
    by_level: dict[str, list[Row[Any]]] = {level.value: [] for level in Level}
    for row in rows:
        by_level[row.level].append(row)
    total = by_level[Level.ALL.value]
    return UsageReport(
        usage=_usage(total[0]) if total else Usage(),
        median_lead_seconds=(
            float(total[0].median_lead) if total and total[0].median_lead is not None else None
        ),
        neighbourhoods={row.key: _place(row) for row in by_level[Level.NEIGHBOURHOOD.value]},
        buildings=_ranking(by_level[Level.BUILDING.value], limit),
        spaces=_ranking(by_level[Level.SPACE.value], limit),
    )


def usage(session: Session, query: ReportQuery, now: datetime) -> Usage:
    """The measures of every space the report counts, taken together."""
    return usage_report(session, query, now, {Level.ALL}).usage


def median_lead_seconds(session: Session, query: ReportQuery, now: datetime) -> float | None:
    return usage_report(session, query, now, {Level.ALL}).median_lead_seconds


def ranking(
    session: Session, query: ReportQuery, now: datetime, level: Level, *, limit: int | None = RANKED
) -> Ranking:
    """The busiest and least-used buildings or spaces."""
    found = usage_report(session, query, now, {level}, limit=limit)
    return found.buildings if level is Level.BUILDING else found.spaces


@dataclass(frozen=True)
class Summary:
    """The headline measures, ranked places, and the period before for the trend."""

    current: UsageReport
    previous: UsageReport

    @property
    def usage(self) -> Usage:
        return self.current.usage

    @property
    def utilisation_change(self) -> float | None:
        return change(self.current.usage.utilisation, self.previous.usage.utilisation)

    @property
    def occupancy_change(self) -> float | None:
        return change(self.current.usage.occupancy, self.previous.usage.occupancy)


def summary(
    session: Session,
    query: ReportQuery,
    now: datetime,
    levels: Collection[Level] = tuple(Level),
) -> Summary:
    """`levels` for the period, and the whole report and neighbourhoods for the one before
    (their hours only: the trend compares utilisation and occupancy)."""
    return Summary(
        usage_report(session, query, now, levels),
        usage_report(
            session,
            query.with_period(query.period.previous()),
            now,
            {Level.ALL, Level.NEIGHBOURHOOD},
            who=False,
        ),
    )


@dataclass(frozen=True)
class Indicator:
    """A neighbourhood's indicators for the Thriving Places diagnostic tool."""

    neighbourhood: Neighbourhood
    place: Place
    previous: Usage

    @property
    def utilisation_change(self) -> float | None:
        return change(self.place.usage.utilisation, self.previous.utilisation)


def indicators(session: Session, query: ReportQuery, summary: Summary) -> list[Indicator]:
    """One row per neighbourhood in scope (and filters), by name. A neighbourhood with no
    spaces counted has zeros and no ratios."""
    chosen = query.filters.neighbourhood
    found = []
    for neighbourhood in query.scope.neighbourhoods(session):
        if chosen is not None and neighbourhood.id != chosen.id:
            continue
        place = summary.current.neighbourhoods.get(neighbourhood.id) or Place(
            neighbourhood.id, neighbourhood.name, "", 0, 0, Usage()
        )
        before = summary.previous.neighbourhoods.get(neighbourhood.id)
        found.append(Indicator(neighbourhood, place, before.usage if before else Usage()))
    return found


@dataclass(frozen=True)
class Partnership:
    """How much one organisation's staff booked in one neighbourhood."""

    organisation: str
    neighbourhood: str
    bookings: int
    booked: int
    """Seconds."""


def partnerships(session: Session, query: ReportQuery, now: datetime) -> list[Partnership]:
    """Who works where: bookings by the bookers' organisation and the neighbourhood."""
    b = prepared(session, query, now).bookings
    bookings = func.sum(case((b.counted, 1), else_=0))
    booked = func.sum(b.booked)
    rows = session.execute(
        select(
            Organisation.name.label("organisation"),
            Neighbourhood.name.label("neighbourhood"),
            bookings.label("bookings"),
            booked.label("booked"),
        )
        .select_from(Booking)
        .join(Space, Space.id == unindexed(Booking.space_id))
        .join(Building, Building.id == Space.building_id)
        .join(Neighbourhood, Neighbourhood.id == Building.neighbourhood_id)
        .join(Person, Person.id == unindexed(Booking.person_id))
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(*b.where)
        .group_by(Organisation.id, Organisation.name, Neighbourhood.id, Neighbourhood.name)
        .having(bookings + booked > 0)
        .order_by(Organisation.name, Neighbourhood.name)
    )
    return [
        Partnership(row.organisation, row.neighbourhood, int(row.bookings), int(row.booked))
        for row in rows
    ]
