"""What the estates pages read: the buildings a person manages, a building's closures.

Building managers see the buildings they are granted; administrators see every building.
Lists count in SQL and load relationships eagerly, so no page issues a query per building.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.catalogue.models import BankHoliday, Building, Closure, Neighbourhood, Space


@dataclass(frozen=True)
class BuildingRow:
    """A building on the estates dashboard."""

    building: Building
    spaces: int
    active_spaces: int
    upcoming_closures: int


def _managed_by(person: Person) -> ColumnElement[bool]:
    if person.is_administrator:
        return true()
    return Building.id.in_(person.managed_building_ids())


def _closures_of(building_id: int | InstrumentedAttribute[int]) -> Select[Closure]:
    """Closures of a building and of its spaces."""
    return (
        select(Closure)
        .outerjoin(Space, Closure.space_id == Space.id)
        .where(or_(Closure.building_id == building_id, Space.building_id == building_id))
    )


def managed_buildings(
    session: Session, person: Person, now: datetime, neighbourhood: Neighbourhood | None = None
) -> list[BuildingRow]:
    """The dashboard: the person's buildings by neighbourhood and name, with their counts."""

    def count_spaces(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return (
            select(func.count(Space.id))
            .where(Space.building_id == Building.id, *conditions)
            .correlate(Building)
            .scalar_subquery()
        )

    upcoming = (
        _closures_of(Building.id)
        .where(Closure.ends_at > now)
        .with_only_columns(func.count(Closure.id))
        .correlate(Building)
        .scalar_subquery()
    )
    query = (
        select(Building, count_spaces(), count_spaces(Space.active.is_(True)), upcoming)
        .join(Building.neighbourhood)
        .options(joinedload(Building.neighbourhood))
        .where(_managed_by(person))
        .order_by(Neighbourhood.name, Building.name)
    )
    if neighbourhood is not None:
        query = query.where(Building.neighbourhood_id == neighbourhood.id)
    return [BuildingRow(*row) for row in session.execute(query)]


def building_for_page(session: Session, building_id: int) -> Building | None:
    """A building with everything its manage page shows, in a fixed number of queries."""
    return session.get(
        Building,
        building_id,
        options=[
            joinedload(Building.owner),
            joinedload(Building.neighbourhood),
            selectinload(Building.opening_hours),
            selectinload(Building.allowed_organisations),
            selectinload(Building.spaces),
        ],
    )


def closures(
    session: Session, building: Building, now: datetime
) -> tuple[list[Closure], list[Closure]]:
    """The building's (and its spaces') closures: upcoming soonest first, past latest first."""
    rows = session.scalars(
        _closures_of(building.id).options(joinedload(Closure.space)).order_by(Closure.starts_at)
    ).all()
    upcoming = [c for c in rows if c.ends_at > now]
    past = [c for c in rows if c.ends_at <= now]
    return upcoming, past[::-1]


def bank_holidays_ahead(session: Session, today: date, days: int = 365) -> Sequence[BankHoliday]:
    return session.scalars(
        select(BankHoliday)
        .where(BankHoliday.day >= today, BankHoliday.day < today + timedelta(days=days))
        .order_by(BankHoliday.day)
    ).all()


def buildings_to_export(session: Session, person: Person) -> Sequence[Building]:
    """The person's buildings with everything the CSV export writes, loaded up front."""
    return (
        session.scalars(
            select(Building)
            .join(Building.neighbourhood)
            .where(_managed_by(person))
            .options(
                joinedload(Building.neighbourhood),
                joinedload(Building.owner),
                selectinload(Building.opening_hours),
                selectinload(Building.allowed_organisations),
                selectinload(Building.spaces),
            )
            .order_by(Neighbourhood.name, Building.name)
        )
        .unique()
        .all()
    )


def neighbourhoods(session: Session) -> Sequence[Neighbourhood]:
    return session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()
