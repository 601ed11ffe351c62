"""What the My bookings pages read: a person's bookings, and where a booking may move to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.bookings.checkin import NO_SHOW_REMINDER, no_show_count
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Building, Space
from booking.permissions import Permission, can

PAST_PAGE = 20
PAST_MAX = 500


@dataclass(frozen=True)
class MyBookings:
    upcoming: list[Booking]
    """Active bookings that have not ended, soonest first."""
    past: list[Booking]
    """Ended, cancelled and no-show bookings, the most recent first."""
    more_past: bool
    cancelled_for_me: list[Booking]
    """Upcoming bookings someone else cancelled (a closure, a building manager): with why."""
    no_shows: int
    """Bookings released because nobody checked in, in the last 60 days."""

    @property
    def no_show_reminder(self) -> bool:
        return self.no_shows >= NO_SHOW_REMINDER


def _bookings_of(person: Person) -> Select[Booking]:
    return (
        select(Booking)
        .where(Booking.person_id == person.id)
        .options(
            joinedload(Booking.space).joinedload(Space.building),
            joinedload(Booking.cancelled_by),
        )
    )


def my_bookings(
    session: Session, person: Person, *, now: datetime, past_limit: int = PAST_PAGE
) -> MyBookings:
    past_limit = max(PAST_PAGE, min(past_limit, PAST_MAX))
    upcoming = session.scalars(
        _bookings_of(person)
        .where(Booking.status == BookingStatus.ACTIVE, Booking.ends_at > now)
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    past = session.scalars(
        _bookings_of(person)
        .where(or_(Booking.status != BookingStatus.ACTIVE, Booking.ends_at <= now))
        .order_by(Booking.starts_at.desc(), Booking.id.desc())
        .limit(past_limit + 1)
    ).all()
    cancelled_for_me = session.scalars(
        _bookings_of(person)
        .where(
            Booking.status == BookingStatus.CANCELLED,
            Booking.cancelled_by_id != person.id,
            Booking.ends_at > now,
        )
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    return MyBookings(
        upcoming=list(upcoming),
        past=list(past[:past_limit]),
        more_past=len(past) > past_limit,
        cancelled_for_me=list(cancelled_for_me),
        no_shows=no_show_count(session, person, now),
    )


def visible_booking(session: Session, person: Person, booking_id: int) -> Booking | None:
    """The booking, if `person` made it or manages its building; None otherwise (a 404)."""
    booking = session.scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .options(
            joinedload(Booking.space).joinedload(Space.building),
            joinedload(Booking.person).joinedload(Person.organisation),
            joinedload(Booking.cancelled_by),
            selectinload(Booking.attendees),
        )
    )
    if booking is None:
        return None
    if booking.person_id != person.id and not can(
        person, Permission.MANAGE_BUILDING, booking.space.building
    ):
        return None
    return booking


def spaces_to_move_to(session: Session, booking: Booking, person: Person) -> list[Space]:
    """The booking's space and the building's other spaces `person` could book instead."""
    building = session.scalar(
        select(Building)
        .where(Building.id == booking.space.building_id)
        .options(selectinload(Building.spaces), selectinload(Building.allowed_organisations))
    )
    assert building is not None  # the booking's space is in it
    if not building.active or not building.is_open_to(person):
        return [booking.space]
    return [
        space
        for space in building.spaces
        if space.id == booking.space_id or (space.active and space.bookable)
    ]
