"""The building blocks of every report, as SQL: the spaces counted, their open hours, their
closures and the bookings of the period. Measures (`booking.reports.measures`) are GROUP BYs over
these; nothing here loads a booking into Python.

All instants are whole seconds since 1970 (`booking.reports.sql`). The definitions, in words,
are in docs/REPORTS.md; in short:

- the spaces counted are the active, bookable spaces of active buildings in scope and filters;
- a space is available while its building is open (its opening hours for that weekday, not on
  a bank holiday unless the building opens on them) and neither it nor its building is closed;
- a booking holds its space from its start until it ends, is released as a no-show, or is
  cancelled, whichever comes first (a booking cancelled before it starts holds nothing);
- someone is there (occupancy) from the later of the start and their check-in until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import SQLCoreOperations

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.bookings.rules import LONGEST_BOOKING
from booking.catalogue.models import (
    BankHoliday,
    Building,
    Closure,
    OpeningHours,
    Space,
)
from booking.db import UTCDateTime
from booking.reports.filters import ReportQuery
from booking.reports.period import Period
from booking.reports.sql import add_days, earlier, epoch, later, wall_clock_epoch

HOUR = 3600


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(frozen=True)
class Parts:
    """One report query's common table expressions, for measures to group."""

    query: ReportQuery
    spaces: CTE
    """The spaces counted: space_id, building_id, neighbourhood_id, step_free."""
    building_days: CTE
    """Each open day of each building with counted spaces: building_id, spaces, day, opens,
    closes (instants)."""
    closed: CTE
    """The closed stretches of each counted space within its opening hours: space_id,
    building_id, s, e. Overlapping closures (the building's and the space's) are merged."""
    bookings: BookingTerms

    @property
    def starts(self) -> int:
        return seconds(self.query.period.starts_at)

    @property
    def ends(self) -> int:
        return seconds(self.query.period.ends_at)


def parts(query: ReportQuery, now: datetime) -> Parts:
    """The building blocks for `query`; `now` decides which bookings have started (no-shows)."""
    spaces = _spaces(query)
    building_days = _building_days(query, spaces)
    return Parts(
        query,
        spaces,
        building_days,
        _closed(query, spaces, building_days),
        _booking_terms(query, spaces, now),
    )


def _spaces(query: ReportQuery) -> CTE:
    return (
        select(
            Space.id.label("space_id"),
            Space.building_id,
            Building.neighbourhood_id,
            Building.has_step_free.label("step_free"),
        )
        .join(Space.building)
        .where(
            Space.active,
            Space.bookable,
            Building.active,
            query.scope.buildings(),
            *query.filters.places(),
        )
        .cte("report_space")
    )


def numbers(name: str, count: int) -> CTE:
    """0, 1, … count - 1, by a recursive CTE (the same on both databases)."""
    number = select(literal_column("0").label("n")).cte(name, recursive=True)
    return number.union_all(select(number.c.n + 1).where(number.c.n < count - 1))


def _building_days(query: ReportQuery, spaces: CTE) -> CTE:
    period = query.period
    number = numbers("report_day_number", period.days)
    days = select(
        add_days(literal(period.first, Date), number.c.n).label("day"),
        ((number.c.n + period.first.weekday()) % 7).label("weekday"),
    ).cte("report_day")
    buildings = (
        select(spaces.c.building_id, func.count().label("spaces"))
        .group_by(spaces.c.building_id)
        .subquery("report_building")
    )
    return (
        select(
            buildings.c.building_id,
            buildings.c.spaces,
            days.c.day,
            wall_clock_epoch(days.c.day, OpeningHours.opens).label("opens"),
            wall_clock_epoch(days.c.day, OpeningHours.closes).label("closes"),
        )
        .select_from(buildings)
        .join(Building, Building.id == buildings.c.building_id)
        .join(OpeningHours, OpeningHours.building_id == buildings.c.building_id)
        .join(days, days.c.weekday == OpeningHours.weekday)
        .outerjoin(BankHoliday, BankHoliday.day == days.c.day)
        .where(or_(BankHoliday.day.is_(None), Building.opens_on_bank_holidays))
        .cte("report_building_day")
    )


def _closed(query: ReportQuery, spaces: CTE, building_days: CTE) -> CTE:
    """Closures of the counted spaces and of their buildings, merged where they overlap (gaps
    and islands, by window functions), then cut to the opening hours they fall in."""
    period = query.period
    overlapping = (Closure.starts_at < period.ends_at, Closure.ends_at > period.starts_at)
    columns = (
        spaces.c.space_id,
        spaces.c.building_id,
        epoch(Closure.starts_at).label("s"),
        epoch(Closure.ends_at).label("e"),
    )
    closures = union_all(
        select(*columns).join(Closure, Closure.space_id == spaces.c.space_id).where(*overlapping),
        select(*columns)
        .join(Closure, Closure.building_id == spaces.c.building_id)
        .where(*overlapping),
    ).subquery("report_closure")
    order = (closures.c.s, closures.c.e)
    reached = func.max(closures.c.e).over(
        partition_by=closures.c.space_id, order_by=order, rows=(None, -1)
    )
    flagged = select(closures, case((closures.c.s <= reached, 0), else_=1).label("fresh")).subquery(
        "report_closure_flagged"
    )
    islands = select(
        flagged.c.space_id,
        flagged.c.building_id,
        flagged.c.s,
        flagged.c.e,
        func.sum(flagged.c.fresh)
        .over(
            partition_by=flagged.c.space_id,
            order_by=(flagged.c.s, flagged.c.e),
            rows=(None, 0),
        )
        .label("island"),
    ).subquery("report_closure_island")
    merged = (
        select(
            islands.c.space_id,
            islands.c.building_id,
            func.min(islands.c.s).label("s"),
            func.max(islands.c.e).label("e"),
        )
        .group_by(islands.c.space_id, islands.c.building_id, islands.c.island)
        .subquery("report_closure_merged")
    )
    days = building_days
    return (
        select(
            merged.c.space_id,
            merged.c.building_id,
            later(merged.c.s, days.c.opens).label("s"),
            earlier(merged.c.e, days.c.closes).label("e"),
        )
        .join(
            days,
            and_(
                days.c.building_id == merged.c.building_id,
                merged.c.s < days.c.closes,
                merged.c.e > days.c.opens,
            ),
        )
        .cte("report_closed")
    )


def _held_until() -> ColumnElement[datetime]:
    """When a booking stopped holding its space: its end, its release, or its cancellation."""
    return case(
        (Booking.status == BookingStatus.ACTIVE, Booking.ends_at),
        (
            Booking.status == BookingStatus.NO_SHOW,
            func.coalesce(Booking.released_at, Booking.ends_at),
        ),
        else_=func.coalesce(Booking.cancelled_at, Booking.starts_at),
    )


def unindexed(column: SQLCoreOperations[int]) -> ColumnElement[int]:
    """`column + 0`: the same value, but one that no index can serve.

    Reports read a period's bookings by the index on starts_at (a short range). Given the
    booking's own space_id or person_id to join or group on, SQLite's planner instead skips
    through the indexes on (space_id, starts_at) or (person_id, starts_at), once per space or
    person - five times slower at borough scale. PostgreSQL is indifferent to the `+ 0`.
    (The CAST keeps SQLite's integer affinity, so a join on the value can still use an
    automatic index.)
    """
    return cast(column + 0, Integer)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


@dataclass(frozen=True)
class BookingTerms:
    """What each booking of the period counts for, as expressions over the `booking` table.

    Statements aggregate these straight from the table (a short range of its index on
    starts_at) rather than from a common table expression: on PostgreSQL a materialised CTE of
    a month's bookings costs more than reading them twice. Times are cut to the period before
    they become seconds.
    """

    where: tuple[ColumnElement[bool], ...]
    """The bookings touching the period, of counted spaces, made by the bookers filtered."""
    held_from_at: ColumnElement[datetime]
    """When the booking started holding its space within the period (a timestamp)."""
    held_to_at: ColumnElement[datetime]
    there_from_at: ColumnElement[datetime]
    """From when someone was there: the later of the start and the check-in."""
    held_from: ColumnElement[int]
    held_to: ColumnElement[int]
    there_from: ColumnElement[int]
    """From when someone was there: the later of the start and the check-in (NULL if none)."""
    booked: ColumnElement[int]
    checked_in: ColumnElement[int]
    counted: ColumnElement[bool]
    """Held its space (active or no-show) and starts in the period: a booking counted."""
    no_show: ColumnElement[int]
    started: ColumnElement[int]
    cancelled: ColumnElement[int]
    made: ColumnElement[int]
    lead: ColumnElement[int]


def booking_terms(period: Period, now: datetime, *conditions: ColumnElement[bool]) -> BookingTerms:
    """The terms for the bookings touching `period` that meet `conditions`."""
    starts = literal(period.starts_at, UTCDateTime())
    ends = literal(period.ends_at, UTCDateTime())
    starts_here = Booking.starts_at >= period.starts_at
    counted = and_(starts_here, Booking.status.in_([BookingStatus.ACTIVE, BookingStatus.NO_SHOW]))
    held_from_at = later(Booking.starts_at, starts)
    held_to_at = earlier(_held_until(), Booking.ends_at, ends)
    there_from_at = later(Booking.checked_in_at, Booking.starts_at, starts)
    held_from, held_to, there_from = epoch(held_from_at), epoch(held_to_at), epoch(there_from_at)
    return BookingTerms(
        where=(
            # The longest booking bounds how early one touching the period can start, so
            # this is a short range of the index on starts_at.
            Booking.starts_at >= period.starts_at - LONGEST_BOOKING,
            Booking.starts_at < period.ends_at,
            Booking.ends_at > period.starts_at,
            *conditions,
        ),
        held_from_at=held_from_at,
        held_to_at=held_to_at,
        there_from_at=there_from_at,
        held_from=held_from,
        held_to=held_to,
        there_from=there_from,
        booked=later(held_to - held_from, literal(0)),
        checked_in=case(
            (Booking.checked_in_at.is_(None), 0), else_=later(held_to - there_from, literal(0))
        ),
        counted=counted,
        no_show=_flag(and_(starts_here, Booking.status == BookingStatus.NO_SHOW)),
        started=_flag(and_(counted, Booking.starts_at < now)),
        cancelled=_flag(and_(starts_here, Booking.status == BookingStatus.CANCELLED)),
        made=_flag(starts_here),
        lead=epoch(Booking.starts_at) - epoch(Booking.created_at),
    )


def _booking_terms(query: ReportQuery, spaces: CTE, now: datetime) -> BookingTerms:
    """The bookings of counted spaces, made by the bookers the filters ask for."""
    bookers = query.filters.bookers()
    return booking_terms(
        query.period,
        now,
        unindexed(Booking.space_id).in_(select(spaces.c.space_id)),
        *([unindexed(Booking.person_id).in_(select(Person.id).where(*bookers))] if bookers else []),
    )
