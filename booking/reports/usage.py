"""The statement behind `booking.reports.measures.usage_report`: the measures of every level -
the whole report, each neighbourhood, the busiest and least-used buildings and spaces - as one
union, so that a period's bookings are read once for all of them.

Bookings are summed per space (about 85,000 rows into 3,000 at borough scale); every level
above a space is a GROUP BY over those sums. People, partner organisations and the median lead
time, which do not add up from spaces, read one narrow CTE of the counted bookings.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    CTE,
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Neighbourhood, Space
from booking.reports.queries import Parts, unindexed


class Level(enum.StrEnum):
    ALL = "all"
    NEIGHBOURHOOD = "neighbourhood"
    BUILDING = "building"
    SPACE = "space"


_ADDITIVE = ("booked", "checked_in", "bookings", "no_shows", "started", "cancelled", "made")
_COLUMNS = (
    "level",
    "key",
    "name",
    "within",
    "spaces",
    "step_free",
    "available",
    *_ADDITIVE,
    "people",
    "organisations",
    "median_lead",
    "busiest",
    "quietest",
    "total",
)


def _space_usage(p: Parts) -> CTE:
    """Each counted space with its available time and what its bookings made of it."""
    spaces, bookings = p.spaces, p.bookings
    open_seconds = (
        select(
            p.building_days.c.building_id,
            func.sum(p.building_days.c.closes - p.building_days.c.opens).label("seconds"),
        )
        .group_by(p.building_days.c.building_id)
        .subquery("report_open")
    )
    closed_seconds = (
        select(p.closed.c.space_id, func.sum(p.closed.c.e - p.closed.c.s).label("seconds"))
        .group_by(p.closed.c.space_id)
        .subquery("report_closed_seconds")
    )
    space_id = unindexed(Booking.space_id).label("space_id")
    used = (
        select(
            space_id,
            func.sum(bookings.booked).label("booked"),
            func.sum(bookings.checked_in).label("checked_in"),
            func.sum(case((bookings.counted, 1), else_=0)).label("bookings"),
            func.sum(bookings.no_show).label("no_shows"),
            func.sum(bookings.started).label("started"),
            func.sum(bookings.cancelled).label("cancelled"),
            func.sum(bookings.made).label("made"),
        )
        .where(*bookings.where)
        .group_by(space_id)
        .subquery("report_used")
    )
    return (
        select(
            spaces,
            (
                func.coalesce(open_seconds.c.seconds, 0)
                - func.coalesce(closed_seconds.c.seconds, 0)
            ).label("available"),
            *(func.coalesce(used.c[name], 0).label(name) for name in _ADDITIVE),
        )
        .select_from(spaces)
        .outerjoin(open_seconds, open_seconds.c.building_id == spaces.c.building_id)
        .outerjoin(closed_seconds, closed_seconds.c.space_id == spaces.c.space_id)
        .outerjoin(used, used.c.space_id == spaces.c.space_id)
        .cte("report_space_usage")
    )


def _sums(rows: Any) -> list[Any]:
    return [
        func.count().label("spaces"),
        func.sum(case((rows.c.step_free, 1), else_=0)).label("step_free"),
        func.sum(rows.c.available).label("available"),
        *(func.sum(rows.c[name]).label(name) for name in _ADDITIVE),
    ]


def _counted(p: Parts) -> CTE:
    """Who made each counted booking, where, and how far ahead: read once for the people,
    the partner organisations and the median lead time."""
    b = p.bookings
    return (
        select(
            unindexed(Booking.person_id).label("person_id"),
            unindexed(Booking.space_id).label("space_id"),
            b.lead.label("lead"),
        )
        .where(*b.where, b.counted)
        .cte("report_counted")
    )


def _median(counted: CTE, postgresql: bool) -> Any:
    """The median lead time as a scalar subquery: PERCENTILE_CONT on PostgreSQL; on SQLite
    the middle row, or the mean of the middle two, by ROW_NUMBER - the same number."""
    lead = counted.c.lead
    if postgresql:
        return select(func.percentile_cont(0.5).within_group(lead)).scalar_subquery()
    ordered = select(
        lead,
        func.row_number().over(order_by=lead).label("position"),
        func.count().over().label("count"),
    ).subquery("report_lead")
    middle = ((ordered.c.count + 1) // 2, (ordered.c.count + 2) // 2)
    return select(func.avg(ordered.c.lead)).where(ordered.c.position.in_(middle)).scalar_subquery()


def _no_rank() -> list[Any]:
    return [cast(null(), Integer), cast(null(), Integer), cast(null(), Integer)]


def _ranked(named: Any, limit: int | None) -> Select[Any]:
    """`named` (places with a key, name and sums) ranked busiest and least used."""
    share = cast(named.c.booked, Float) / func.nullif(cast(named.c.available, Float), 0)
    tie = (named.c.name, named.c.key)
    busiest = func.row_number().over(
        order_by=(share.desc().nulls_last(), named.c.booked.desc(), *tie)
    )
    quietest = func.row_number().over(order_by=(share.asc().nulls_last(), named.c.booked, *tie))
    ranked = select(
        named,
        busiest.label("busiest"),
        quietest.label("quietest"),
        func.count().over().label("total"),
    ).subquery()
    query = select(ranked)
    if limit is not None:
        query = query.where(
            or_(
                ranked.c.busiest <= limit,
                ranked.c.quietest <= limit,
                ranked.c.total <= 2 * limit,
            )
        )
    return query


def _labelled(*columns: Any) -> Select[Any]:
    """One part of the union: the columns named as `_COLUMNS`, in order."""
    return select(*(column.label(name) for column, name in zip(columns, _COLUMNS, strict=True)))


def _partners(counted: CTE) -> CTE:
    """Each neighbourhood with each organisation whose staff made a counted booking there."""
    return (
        select(Building.neighbourhood_id, Person.organisation_id)
        .select_from(counted)
        .join(Space, Space.id == counted.c.space_id)
        .join(Building, Building.id == Space.building_id)
        .join(Person, Person.id == counted.c.person_id)
        .group_by(Building.neighbourhood_id, Person.organisation_id)
        .cte("report_partner")
    )


def _total_part(
    per_space: CTE, counted: CTE | None, partners: CTE | None, postgresql: bool
) -> Select[Any]:
    if counted is None or partners is None:
        who: list[Any] = [literal(0), literal(0), cast(null(), Float)]
    else:
        who = [
            select(func.count(func.distinct(counted.c.person_id))).scalar_subquery(),
            select(func.count(func.distinct(partners.c.organisation_id))).scalar_subquery(),
            _median(counted, postgresql),
        ]
    return _labelled(
        literal(Level.ALL.value, String),
        cast(null(), Integer),
        cast(null(), String),
        cast(null(), String),
        *_sums(per_space),
        *who,
        *_no_rank(),
    )


def _neighbourhood_part(per_space: CTE, partners: CTE | None) -> Select[Any]:
    sums = (
        select(per_space.c.neighbourhood_id.label("key"), *_sums(per_space))
        .group_by(per_space.c.neighbourhood_id)
        .subquery("report_neighbourhood_sums")
    )
    organisations: Any = literal(0)
    if partners is not None:
        who = (
            select(partners.c.neighbourhood_id, func.count().label("organisations"))
            .group_by(partners.c.neighbourhood_id)
            .subquery("report_neighbourhood_partners")
        )
        organisations = func.coalesce(who.c.organisations, 0)
    part = _labelled(
        literal(Level.NEIGHBOURHOOD.value, String),
        sums.c.key,
        Neighbourhood.name,
        literal("", String),
        *(sums.c[name] for name in ("spaces", "step_free", "available", *_ADDITIVE)),
        literal(0),
        organisations,
        cast(null(), Float),
        *_no_rank(),
    ).join(Neighbourhood, Neighbourhood.id == sums.c.key)
    return part if partners is None else part.outerjoin(who, who.c.neighbourhood_id == sums.c.key)


def _ranked_part(level: Level, ranked: Select[Any]) -> Select[Any]:
    rows = ranked.subquery()
    return _labelled(
        literal(level.value, String),
        *(rows.c[name] for name in _COLUMNS[1:-6]),
        literal(0),
        literal(0),
        cast(null(), Float),
        rows.c.busiest,
        rows.c.quietest,
        rows.c.total,
    )


def usage_select(
    p: Parts, levels: Collection[Level], limit: int | None, who: bool, postgresql: bool
) -> Select[Any]:
    """Every level asked for, as one union: the bookings are read once for all of them."""
    per_space = _space_usage(p)
    counted = _counted(p) if who else None
    partners = _partners(counted) if counted is not None else None
    parts_: list[Select[Any]] = []
    if Level.ALL in levels:
        parts_.append(_total_part(per_space, counted, partners, postgresql))
    if Level.NEIGHBOURHOOD in levels:
        parts_.append(_neighbourhood_part(per_space, partners))
    if Level.BUILDING in levels:
        parts_.append(_ranked_part(Level.BUILDING, _building_ranking(per_space, limit)))
    if Level.SPACE in levels:
        parts_.append(_ranked_part(Level.SPACE, _space_ranking(per_space, limit)))
    return union_all(*parts_).subquery("report_usage").select()


def _building_ranking(per_space: CTE, limit: int | None) -> Select[Any]:
    sums = (
        select(per_space.c.building_id.label("key"), *_sums(per_space))
        .group_by(per_space.c.building_id)
        .subquery("report_building_sums")
    )
    named = (
        select(sums, Building.name.label("name"), Neighbourhood.name.label("within"))
        .join(Building, Building.id == sums.c.key)
        .join(Neighbourhood, Neighbourhood.id == Building.neighbourhood_id)
        .subquery("report_building_named")
    )
    return _ranked(named, limit)


def _space_ranking(per_space: CTE, limit: int | None) -> Select[Any]:
    named = (
        select(
            per_space.c.space_id.label("key"),
            literal(1).label("spaces"),
            case((per_space.c.step_free, 1), else_=0).label("step_free"),
            per_space.c.available,
            *(per_space.c[name] for name in _ADDITIVE),
            Space.name.label("name"),
            Building.name.label("within"),
        )
        .join(Space, Space.id == per_space.c.space_id)
        .join(Building, Building.id == per_space.c.building_id)
        .subquery("report_space_named")
    )
    return _ranked(named, limit)
