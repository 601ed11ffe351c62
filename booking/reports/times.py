"""When spaces are used: each weekday and hour (peak times), and each day of the period (the trend).

The period is cut into its real hours (UTC hours are UK clock hours: the offset is whole
hours), each labelled with its Europe/London day, weekday and hour - so the October clock change
gives a Sunday two 1am hours and the March one none. How much of each hour was available,
booked and checked in is worked out in SQL without splitting anything into hours: every
opening, closure and booking becomes two events (+n at its start, -n at its end), events are
summed per hour, and an hour's seconds are the running count at its start times 3,600 plus what
its own events add. That is one GROUP BY over at most four events per row, however long the
bookings are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from booking.reports.filters import ReportQuery
from booking.reports.measures import prepared, ratio
from booking.reports.queries import HOUR, Parts, numbers
from booking.reports.sql import epoch, london_date, london_hour, london_weekday


@dataclass(frozen=True)
class Slot:
    """Seconds available, booked and checked in over one cell of peak times or one day."""

    available: int
    booked: int
    checked_in: int

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked, self.available)

    @property
    def occupancy(self) -> float | None:
        return ratio(self.checked_in, self.available)


@dataclass(frozen=True)
class Times:
    peak: dict[tuple[int, int], Slot]
    """By (weekday, hour), Monday = 0; only the cells with any time available."""
    days: dict[date, Slot]
    """By Europe/London day: every day of the period, in order."""

    @property
    def hours(self) -> list[int]:
        """The hours of the day from the earliest open to the latest (for the heatmap)."""
        found = sorted({hour for _, hour in self.peak})
        return list(range(found[0], found[-1] + 1)) if found else []


def _events(p: Parts) -> CompoundSelect[Any]:
    """(t, available, booked, there): +n when something starts, -n when it ends.

    Bookings are first grouped by when they are held from and to, and check-ins by when
    someone was there from: a month's bookings share a few hundred times, so the events to
    place in hours are few however many bookings there are.
    """
    days, closed, b = p.building_days, p.closed, p.bookings
    zero: ColumnClause[int] = literal_column("0")
    one: ColumnClause[int] = literal_column("1")
    minus_one: ColumnClause[int] = literal_column("-1")
    # Grouped by the times themselves, before they become seconds: a month's bookings share a
    # few hundred, so only those few are converted.
    held_times = (
        select(
            b.held_from_at.label("starts"),
            b.held_to_at.label("ends"),
            func.count().label("held"),
            func.sum(case((b.checked_in > 0, 1), else_=0)).label("there"),
        )
        .where(*b.where, b.booked > 0)
        .group_by(b.held_from_at, b.held_to_at)
        .subquery("report_held_times")
    )
    held = select(
        epoch(held_times.c.starts).label("starts"),
        epoch(held_times.c.ends).label("ends"),
        held_times.c.held,
        held_times.c.there,
    ).cte("report_held")
    arrived_times = (
        select(b.there_from_at.label("t"), func.count().label("there"))
        .where(*b.where, b.checked_in > 0)
        .group_by(b.there_from_at)
        .subquery("report_arrived_times")
    )
    arrived = select(epoch(arrived_times.c.t).label("t"), arrived_times.c.there).subquery(
        "report_arrived"
    )
    return union_all(
        select(
            days.c.opens.label("t"),
            days.c.spaces.label("available"),
            zero.label("booked"),
            zero.label("there"),
        ),
        select(days.c.closes, -days.c.spaces, zero, zero),
        select(closed.c.s, minus_one, zero, zero),
        select(closed.c.e, one, zero, zero),
        select(held.c.starts, zero, held.c.held, zero),
        select(held.c.ends, zero, -held.c.held, -held.c.there),
        select(arrived.c.t, zero, zero, arrived.c.there),
    )


def _times_select(p: Parts) -> CompoundSelect[Any]:
    starts, ends = p.starts, p.ends
    events = _events(p).subquery("report_event")
    placed = (
        select(((events.c.t - starts) // HOUR).label("slot"), *events.c)
        .where(events.c.t < ends)
        .subquery("report_event_slot")
    )
    left = starts + HOUR * (placed.c.slot + 1) - placed.c.t  # from an event to its hour's end
    sums = (
        select(
            placed.c.slot,
            *(
                column
                for measure in ("available", "booked", "there")
                for column in (
                    func.sum(placed.c[measure]).label(f"{measure}_change"),
                    func.sum(placed.c[measure] * left).label(f"{measure}_part"),
                )
            ),
        )
        .group_by(placed.c.slot)
        .subquery("report_slot_events")
    )
    hour = numbers("report_hour", p.query.period.hours)
    start_of = starts + hour.c.n * HOUR
    slots = select(
        hour.c.n.label("slot"),
        london_date(start_of).label("day"),
        london_weekday(start_of).label("weekday"),
        london_hour(start_of).label("hour"),
    ).subquery("report_slot")

    def seconds(measure: str) -> Any:
        before = func.sum(sums.c[f"{measure}_change"]).over(order_by=slots.c.slot, rows=(None, -1))
        return func.coalesce(before, 0) * HOUR + func.coalesce(sums.c[f"{measure}_part"], 0)

    per_hour = (
        select(
            slots.c.day,
            slots.c.weekday,
            slots.c.hour,
            seconds("available").label("available"),
            seconds("booked").label("booked"),
            seconds("there").label("there"),
        )
        .select_from(slots.outerjoin(sums, sums.c.slot == slots.c.slot))
        .cte("report_hour_usage")
    )
    totals = (
        func.sum(per_hour.c.available).label("available"),
        func.sum(per_hour.c.booked).label("booked"),
        func.sum(per_hour.c.there).label("there"),
    )
    by_day = select(
        per_hour.c.day,
        cast(null(), Integer).label("weekday"),
        cast(null(), Integer).label("hour"),
        *totals,
    ).group_by(per_hour.c.day)
    by_hour = select(cast(null(), Date), per_hour.c.weekday, per_hour.c.hour, *totals).group_by(
        per_hour.c.weekday, per_hour.c.hour
    )
    return union_all(by_day, by_hour)


def times(session: Session, query: ReportQuery, now: datetime) -> Times:
    """Peak times and the day-by-day trend, from one statement."""
    p = prepared(session, query, now)
    peak: dict[tuple[int, int], Slot] = {}
    days: dict[date, Slot] = {}
    for row in session.execute(_times_select(p)):
        slot = Slot(int(row.available), int(row.booked), int(row.there))
        if row.day is not None:
            days[row.day] = slot
        elif slot.available:
            peak[row.weekday, row.hour] = slot
    return Times(peak, dict(sorted(days.items())))
