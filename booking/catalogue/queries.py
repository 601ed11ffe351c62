"""Reading the catalogue for the pages everyone browses: neighbourhoods, buildings, spaces.

Each page's data comes from a fixed number of queries, however many buildings or spaces there
are: aggregates are counted in SQL and relationships are loaded eagerly (`selectinload`,
`joinedload`), so templates never trigger lazy loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import (
    Building,
    BuildingAccess,
    Closure,
    Facility,
    Neighbourhood,
    OpeningHours,
    Organisation,
    Space,
    SpaceKind,
)
from booking.timezones import today as local_today

ACCESSIBILITY: tuple[Facility, ...] = (
    Facility.STEP_FREE,
    Facility.ACCESSIBLE_TOILET,
    Facility.HEARING_LOOP,
)
"""The facilities shown (and filtered) under "Accessibility"; the others are "Facilities"."""
FACILITIES: tuple[Facility, ...] = tuple(f for f in Facility if f not in ACCESSIBILITY)
UPCOMING = timedelta(days=30)
"""How far ahead the building and space pages list closures and bank holidays."""


# Opening days: the one rule, reused by bookings.


def opening_hours_for(building: Building, day: date) -> OpeningHours | None:
    """The building's regular hours on `day`'s weekday, or None if it never opens that weekday.

    Needs `building.opening_hours` loaded. Ignores bank holidays and closures: see `hours_on`.
    """
    return next((h for h in building.opening_hours if h.weekday == day.weekday()), None)


def is_open_on(building: Building, day: date, bank_holidays: Mapping[date, str]) -> bool:
    """Whether `building` opens at all on the Europe/London calendar day `day`.

    This is the single definition of an opening day, for the catalogue pages and for booking:
    a building is open on a day when it has opening hours for that weekday, and the day is not
    an England and Wales bank holiday (`bank_holidays`, from `bank_holidays_between`) unless
    the building opts to open on them (`opens_on_bank_holidays`).

    Closures are not days but periods [starts_at, ends_at) that may cover part of a day; they are
    checked against the times in question, not here.
    """
    if opening_hours_for(building, day) is None:
        return False
    return day not in bank_holidays or building.opens_on_bank_holidays


def hours_on(
    building: Building, day: date, bank_holidays: Mapping[date, str]
) -> OpeningHours | None:
    """The hours the building keeps on `day`, or None when it is not open that day."""
    return opening_hours_for(building, day) if is_open_on(building, day, bank_holidays) else None


# Who may book.


def bookers(building: Building) -> list[Organisation]:
    """The organisations whose staff may book in a `listed` building (owner first); [] for all."""
    if building.access is BuildingAccess.ALL_PARTNERS:
        return []
    others = [o for o in building.allowed_organisations if o.id != building.owner_id]
    return [building.owner, *others]


def reasons_not_bookable(space: Space, person: Person) -> list[str]:
    """Why `person` cannot book `space`, in words; [] when they can."""
    building = space.building
    reasons = []
    if not building.active:
        reasons.append("This building has been deactivated.")
    elif not space.active:
        reasons.append("This space has been deactivated.")
    if not space.bookable:
        reasons.append("This space is not available for booking.")
    if not building.is_open_to(person):
        names = ", ".join(o.name for o in bookers(building))
        reasons.append(f"Only staff of {names} can book in this building.")
    return reasons


# The neighbourhoods.


@dataclass(frozen=True)
class NeighbourhoodSummary:
    neighbourhood: Neighbourhood
    buildings: int
    desks: int
    rooms: int


def neighbourhood_summaries(session: Session) -> list[NeighbourhoodSummary]:
    """Every neighbourhood by name, with its active buildings and bookable desks and rooms."""
    buildings = (
        select(Building.neighbourhood_id, func.count(Building.id).label("buildings"))
        .where(Building.active)
        .group_by(Building.neighbourhood_id)
        .subquery()
    )
    spaces = (
        select(
            Building.neighbourhood_id,
            func.count(case((Space.kind == SpaceKind.DESK, Space.id))).label("desks"),
            func.count(case((Space.kind != SpaceKind.DESK, Space.id))).label("rooms"),
        )
        .join(Space, Space.building_id == Building.id)
        .where(Building.active, Space.active, Space.bookable)
        .group_by(Building.neighbourhood_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Neighbourhood,
            func.coalesce(buildings.c.buildings, 0),
            func.coalesce(spaces.c.desks, 0),
            func.coalesce(spaces.c.rooms, 0),
        )
        .outerjoin(buildings, buildings.c.neighbourhood_id == Neighbourhood.id)
        .outerjoin(spaces, spaces.c.neighbourhood_id == Neighbourhood.id)
        .order_by(Neighbourhood.name)
    )
    return [NeighbourhoodSummary(*row) for row in rows]


def neighbourhood_by_slug(session: Session, slug: str) -> Neighbourhood | None:
    return session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))


# A neighbourhood's buildings.


@dataclass(frozen=True)
class BuildingSummary:
    building: Building
    desks: int
    meeting_rooms: int
    quiet_rooms: int
    hours_today: OpeningHours | None
    """None when the building is closed today (weekday, bank holiday or a closure now)."""

    @property
    def bookers(self) -> list[Organisation]:
        return bookers(self.building)


def buildings_in(
    session: Session,
    neighbourhood: Neighbourhood,
    facilities: Sequence[Facility] = (),
    kinds: Sequence[SpaceKind] = (),
    *,
    now: datetime,
) -> list[BuildingSummary]:
    """The neighbourhood's active buildings by name that have every one of `facilities` and at
    least one active bookable space of each of `kinds`, with their bookable spaces counted."""
    counts = (
        select(
            Space.building_id,
            *(
                func.count(case((Space.kind == kind, Space.id))).label(kind.value)
                for kind in SpaceKind
            ),
        )
        .where(Space.active, Space.bookable)
        .group_by(Space.building_id)
        .subquery()
    )
    closed_now = (
        exists()
        .where(Closure.building_id == Building.id, Closure.starts_at <= now, Closure.ends_at > now)
        .label("closed_now")
    )
    filters: list[ColumnElement[bool]] = [getattr(Building, f.column) for f in facilities]
    filters += [counts.c[kind.value] > 0 for kind in kinds]
    rows = session.execute(
        select(Building, *(func.coalesce(counts.c[k.value], 0) for k in SpaceKind), closed_now)
        .outerjoin(counts, counts.c.building_id == Building.id)
        .where(Building.neighbourhood_id == neighbourhood.id, Building.active, *filters)
        .order_by(Building.name)
        .options(
            joinedload(Building.owner),
            selectinload(Building.opening_hours),
            selectinload(Building.allowed_organisations),
        )
    ).all()
    today = local_today(now)
    holidays = bank_holidays_between(session, today, today)
    return [
        BuildingSummary(
            building,
            desks,
            meeting_rooms,
            quiet_rooms,
            None if is_closed else hours_on(building, today, holidays),
        )
        for building, desks, meeting_rooms, quiet_rooms, is_closed in rows
    ]


# A building and a space.


@dataclass(frozen=True)
class Upcoming:
    """What closes a building or space in the coming days, and what it keeps today."""

    today: date
    hours_today: OpeningHours | None
    closed_now: Closure | None
    """A building-wide closure in force now (the building is shut whatever its hours)."""
    closures: list[Closure]
    """Closures of the building or its spaces overlapping the next `UPCOMING` days, by start."""
    bank_holidays: dict[date, str]
    """Coming bank holidays on which the building would open but is closed for the holiday."""


def _upcoming(
    session: Session, building: Building, now: datetime, space_ids: ColumnElement[bool]
) -> Upcoming:
    closures = list(
        session.scalars(
            select(Closure)
            .where(
                or_(Closure.building_id == building.id, space_ids),
                Closure.starts_at < now + UPCOMING,
                Closure.ends_at > now,
            )
            .order_by(Closure.starts_at, Closure.id)
            .options(joinedload(Closure.space))
        )
    )
    today = local_today(now)
    holidays = bank_holidays_between(session, today, today + UPCOMING)
    closed_now = next(
        (c for c in closures if c.space_id is None and c.starts_at <= now < c.ends_at), None
    )
    return Upcoming(
        today=today,
        hours_today=None if closed_now else hours_on(building, today, holidays),
        closed_now=closed_now,
        closures=closures,
        bank_holidays={
            day: title
            for day, title in holidays.items()
            if opening_hours_for(building, day) and not is_open_on(building, day, holidays)
        },
    )


_BUILDING_PAGE_LOADS = (
    joinedload(Building.owner),
    joinedload(Building.neighbourhood),
    selectinload(Building.opening_hours),
    selectinload(Building.allowed_organisations),
)


@dataclass(frozen=True)
class BuildingPage:
    building: Building
    spaces: dict[SpaceKind, list[Space]]
    """Active spaces by kind (desks, meeting rooms, quiet rooms; kinds without any left out)."""
    upcoming: Upcoming

    @property
    def bookers(self) -> list[Organisation]:
        return bookers(self.building)


def building_page(session: Session, building_id: int, *, now: datetime) -> BuildingPage | None:
    """A building (active or not) and everything its page shows, or None if there is none."""
    building = session.scalar(
        select(Building).where(Building.id == building_id).options(*_BUILDING_PAGE_LOADS)
    )
    if building is None:
        return None
    spaces = session.scalars(
        select(Space)
        .where(Space.building_id == building.id, Space.active)
        .order_by(Space.name, Space.id)
    )
    by_kind: dict[SpaceKind, list[Space]] = {kind: [] for kind in SpaceKind}
    for space in spaces:
        by_kind[space.kind].append(space)
    active_space_ids = Closure.space_id.in_(
        select(Space.id).where(Space.building_id == building.id, Space.active)
    )
    return BuildingPage(
        building=building,
        spaces={kind: found for kind, found in by_kind.items() if found},
        upcoming=_upcoming(session, building, now, active_space_ids),
    )


@dataclass(frozen=True)
class SpacePage:
    space: Space
    upcoming: Upcoming

    @property
    def building(self) -> Building:
        return self.space.building


def space_page(session: Session, space_id: int, *, now: datetime) -> SpacePage | None:
    """A space (active or not), its building, and the closures affecting it, or None."""
    space = session.scalar(
        select(Space)
        .where(Space.id == space_id)
        .options(joinedload(Space.building).options(*_BUILDING_PAGE_LOADS))
    )
    if space is None:
        return None
    return SpacePage(
        space=space,
        upcoming=_upcoming(session, space.building, now, Closure.space_id == space.id),
    )
