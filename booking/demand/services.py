"""Recording searches that found no free space, and reporting them by neighbourhood.

A search is recorded as what was wanted (where, which day, what time, what kind of space, for
how many, with which facilities) and never who wanted it. The same search made again within
`REPEAT_WINDOW` is not recorded twice: a phone reloading the page, or "Use my location"
sending the form again, is one search, not two. Two people making exactly the same search in
the same minute are counted once too; with nothing stored about who searched, that is the
price of not counting reloads.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.presets import MIDDAY
from booking.catalogue.models import Building, Facility, Neighbourhood, SpaceKind
from booking.demand.models import SearchSource, TimeOfDay, UnmetSearch, wanted

REPEAT_WINDOW = timedelta(minutes=1)
"""An identical search within this long of the last one is the same search (a reload)."""
EVENING = time(17)
"""Where afternoon ends: most buildings close at 5pm."""
BAND_ORDER = list(TimeOfDay)


def time_of_day(starts: time | None, ends: time | None) -> TimeOfDay:
    """The band a search's first wanted moment falls in; a search with only an end time wants
    the space from the start of the day (morning), one with neither any time that day."""
    if starts is None and ends is None:
        return TimeOfDay.ANY_TIME
    first = starts or time.min
    if first < MIDDAY:
        return TimeOfDay.MORNING
    return TimeOfDay.AFTERNOON if first < EVENING else TimeOfDay.EVENING


@dataclass(frozen=True)
class Wanted:
    """What a search that found nothing asked for, in UK wall-clock terms."""

    neighbourhood_id: int
    day: date
    starts: time | None = None
    """From when (the time of the search, for "now"); None for any time that day."""
    ends: time | None = None
    kind: SpaceKind | None = None
    """None: any kind of space."""
    min_capacity: int = 1
    facilities: frozenset[Facility] = field(default_factory=frozenset)
    source: SearchSource = SearchSource.WEB

    def columns(self) -> dict[str, object]:
        """The `UnmetSearch` column values for this search (all but the time it was made)."""
        return {
            "neighbourhood_id": self.neighbourhood_id,
            "day": self.day,
            "starts_at_time": self.starts,
            "ends_at_time": self.ends,
            "time_of_day": time_of_day(self.starts, self.ends),
            "kind": self.kind,
            "min_capacity": self.min_capacity,
            "source": self.source,
            **{wanted(f): f in self.facilities for f in Facility},
        }


def record(session: Session, search: Wanted, *, now: datetime) -> UnmetSearch | None:
    """Record `search` as made at `now`; None when the same search was recorded within
    `REPEAT_WINDOW` (a reload), so it is not counted twice."""
    columns = search.columns()
    same = [
        getattr(UnmetSearch, name).is_(None)
        if value is None
        else getattr(UnmetSearch, name) == value
        for name, value in columns.items()
    ]
    repeated = session.scalar(
        select(exists().where(UnmetSearch.searched_at > now - REPEAT_WINDOW, *same))
    )
    if repeated:
        return None
    unmet = UnmetSearch(searched_at=now, **columns)
    session.add(unmet)
    session.flush()
    return unmet


# The report.


@dataclass(frozen=True)
class UnmetDemand:
    """Searches that found nothing in one neighbourhood, at one time of day, for one kind."""

    neighbourhood_id: int
    neighbourhood: str
    time_of_day: TimeOfDay
    kind: SpaceKind | None
    """None: searches for any kind of space."""
    searches: int
    days: int
    """How many different days the searches wanted space on."""
    largest_group: int
    """The most people any of the searches wanted room for."""
    facilities: dict[Facility, int]
    """How many of the searches asked for each facility (those asked for at least once)."""


def neighbourhoods_in_scope(session: Session, person: Person) -> list[Neighbourhood]:
    """The neighbourhoods whose unmet demand `person` may see, by name.

    Administrators see every neighbourhood; neighbourhood leads their neighbourhoods; building
    managers the neighbourhoods their buildings are in, since they plan the space there. The
    report names nobody, so a whole neighbourhood is safe to show to either.
    """
    query = select(Neighbourhood).order_by(Neighbourhood.name)
    if not person.is_administrator:
        managed = select(Building.neighbourhood_id).where(
            Building.id.in_(person.managed_building_ids())
        )
        query = query.where(
            Neighbourhood.id.in_(person.led_neighbourhood_ids()) | Neighbourhood.id.in_(managed)
        )
    return list(session.scalars(query))


def unmet_demand(
    session: Session,
    *,
    start: date,
    end: date,
    neighbourhood_ids: Collection[int] | None,
) -> list[UnmetDemand]:
    """Searches that found nothing for days from `start` to `end` (inclusive; the day the
    space was wanted), grouped by neighbourhood, time of day and kind of space, in SQL.

    `neighbourhood_ids` limits the report to those neighbourhoods; None means every one.
    Rows come by neighbourhood name, then morning to evening, then kind (any kind last).
    """
    facility_counts = [
        func.sum(case((getattr(UnmetSearch, wanted(f)), 1), else_=0)).label(f.value)
        for f in Facility
    ]
    where: list[ColumnElement[bool]] = [UnmetSearch.day.between(start, end)]
    if neighbourhood_ids is not None:
        where.append(UnmetSearch.neighbourhood_id.in_(list(neighbourhood_ids)))
    band_order = case(
        {band: position for position, band in enumerate(BAND_ORDER)},
        value=UnmetSearch.time_of_day,
    )
    kind_order = case(
        {kind: position for position, kind in enumerate(SpaceKind)},
        value=UnmetSearch.kind,
        else_=len(SpaceKind),
    )
    query = (
        select(
            UnmetSearch.neighbourhood_id,
            Neighbourhood.name,
            UnmetSearch.time_of_day,
            UnmetSearch.kind,
            func.count().label("searches"),
            func.count(UnmetSearch.day.distinct()).label("days"),
            func.max(UnmetSearch.min_capacity).label("largest_group"),
            *facility_counts,
        )
        .join(UnmetSearch.neighbourhood)
        .where(*where)
        .group_by(
            UnmetSearch.neighbourhood_id,
            Neighbourhood.name,
            UnmetSearch.time_of_day,
            UnmetSearch.kind,
        )
        .order_by(Neighbourhood.name, UnmetSearch.neighbourhood_id, band_order, kind_order)
    )
    return [
        UnmetDemand(
            neighbourhood_id=row.neighbourhood_id,
            neighbourhood=row.name,
            time_of_day=row.time_of_day,
            kind=row.kind,
            searches=row.searches,
            days=row.days,
            largest_group=row.largest_group,
            facilities={f: count for f in Facility if (count := getattr(row, f.value))},
        )
        for row in session.execute(query)
    ]
