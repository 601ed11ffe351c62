"""A person's own bookings history: what staff see instead of reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Space
from booking.reports import sql
from booking.reports.period import Period
from booking.reports.queries import booking_terms


@dataclass(frozen=True)
class BuildingUse:
    name: str
    bookings: int
    booked: int
    """Seconds."""


@dataclass(frozen=True)
class History:
    made: int
    bookings: int
    """Bookings that held their space (not cancelled), starting in the period."""
    booked: int
    checked_in: int
    no_shows: int
    cancelled: int
    buildings: list[BuildingUse]
    """Where the person booked, most bookings first."""


def history(session: Session, person: Person, period: Period, now: datetime) -> History:
    """`person`'s bookings in `period`, counted as the reports count them."""
    sql.prepare(session)
    terms = booking_terms(period, now, Booking.person_id == person.id)
    held = func.sum(case((terms.counted, 1), else_=0))
    totals = session.execute(
        select(
            func.coalesce(func.sum(terms.made), 0),
            func.coalesce(held, 0),
            func.coalesce(func.sum(terms.booked), 0),
            func.coalesce(func.sum(terms.checked_in), 0),
            func.coalesce(func.sum(terms.no_show), 0),
            func.coalesce(func.sum(terms.cancelled), 0),
        ).where(*terms.where)
    ).one()
    rows = session.execute(
        select(Building.name, held.label("bookings"), func.sum(terms.booked).label("booked"))
        .select_from(Booking)
        .join(Space, Space.id == Booking.space_id)
        .join(Building, Building.id == Space.building_id)
        .where(*terms.where)
        .group_by(Building.id, Building.name)
        .having(held > 0)
        .order_by(held.desc(), Building.name)
    )
    made, bookings, booked, checked_in, no_shows, cancelled = (int(value) for value in totals)
    return History(
        made=made,
        bookings=bookings,
        booked=booked,
        checked_in=checked_in,
        no_shows=no_shows,
        cancelled=cancelled,
        buildings=[BuildingUse(row.name, int(row.bookings), int(row.booked)) for row in rows],
    )
