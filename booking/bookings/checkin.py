"""Checking in, and releasing the bookings nobody checked in to (no-shows).

A booking can be checked in from 15 minutes before it starts until its building's grace period
after the start (never later than its end): the check-in window. Once the window has closed
without a check-in, `release_no_shows` records the booking as a no-show and frees the space for
the rest of its time. The release is one conditional UPDATE per batch, so two runs at the same
moment (a cron job overlapping a slow one, two machines) never release a booking twice, and
each booker is sent one cancellation, by the run that released their booking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings.errors import BookingError, NotYours
from booking.bookings.models import Booking, BookingStatus
from booking.calendar import invites
from booking.catalogue.models import Building, Space
from booking.templating import format_datetime, format_time
from booking.timezones import local_day_bounds, to_local
from booking.timezones import now as clock_now

OPENS_BEFORE_START = timedelta(minutes=15)
SHORTEST_GRACE = timedelta(minutes=5)
"""The smallest grace a building may set (its table's check): nothing is due sooner."""
RELEASE_LOOKBACK = timedelta(days=7)
"""How far back a release looks. Older unchecked bookings (the timer was stopped for a week)
are left as they are: their time has long passed, so they hold nothing."""
RELEASE_BATCH = 500
NO_SHOW_PERIOD = timedelta(days=60)
NO_SHOW_REMINDER = 3
"""No-shows in `NO_SHOW_PERIOD` from which My bookings reminds the person to cancel instead."""


@dataclass(frozen=True)
class Release:
    """The subject of a release run's audit entry: the run, not any one booking."""

    id: None = None


def check_in_window(booking: Booking) -> tuple[datetime, datetime]:
    """When `booking` can be checked in: [opens, closes) in UTC."""
    grace = timedelta(minutes=booking.space.building.check_in_grace_minutes)
    return booking.starts_at - OPENS_BEFORE_START, min(booking.starts_at + grace, booking.ends_at)


def can_check_in(booking: Booking, now: datetime) -> bool:
    """Whether a "Check in" button belongs beside `booking` at `now`."""
    if not booking.is_active or booking.is_checked_in:
        return False
    opens, closes = check_in_window(booking)
    return opens <= now < closes


def check_in(
    session: Session, person: Person, booking: Booking, now: datetime | None = None
) -> Booking:
    """Record that `person` has arrived for their own `booking`; checking in twice is harmless."""
    now = now or clock_now()
    if booking.person_id != person.id:
        raise NotYours()
    if booking.status is BookingStatus.CANCELLED:
        raise BookingError("This booking has been cancelled, so you cannot check in")
    if booking.status is BookingStatus.NO_SHOW:
        raise BookingError(
            "This booking was released because nobody checked in on time. "
            "Book the space again if it is still free."
        )
    if booking.is_checked_in:
        return booking
    opens, closes = check_in_window(booking)
    if now < opens:
        raise BookingError(
            f"You can check in from {_moment(opens, now)}, 15 minutes before your booking starts"
        )
    if now >= closes:
        raise BookingError(
            f"Check-in for this booking closed at {_moment(closes, now)}. "
            "Book the space again if it is still free."
        )
    booking.checked_in_at = now
    session.flush()
    record(
        session,
        person,
        "booking.check_in",
        booking,
        f"Checked in to {booking.space.name}, {booking.space.building.name}, "
        f"{format_datetime(booking.starts_at)}",
    )
    return booking


def _moment(moment: datetime, now: datetime) -> str:
    """ "9:45am" today, "Tuesday 3 March 2026, 9:45am" on another day."""
    if to_local(moment).date() == to_local(now).date():
        return format_time(to_local(moment).time())
    return format_datetime(moment)


def release_no_shows(session: Session, now: datetime | None = None) -> list[int]:
    """Release every booking whose check-in window has closed unchecked; return their ids.

    The candidates are read first (the grace is per building), then each batch is released by
    an UPDATE that repeats the conditions: a booking another run released, or its booker
    checked in to, in the meantime is not touched again. On PostgreSQL the second UPDATE waits
    for the first run's commit and then re-reads the rows; on SQLite writing transactions run
    one after the other. Either way each booking is counted by exactly one run.

    The bookers of each batch are then sent a cancellation, in the same transaction.
    """
    now = now or clock_now()
    candidates = session.execute(
        select(Booking.id, Booking.starts_at, Booking.ends_at, Building.check_in_grace_minutes)
        .join(Space, Booking.space_id == Space.id)
        .join(Building, Space.building_id == Building.id)
        .where(
            Booking.status == BookingStatus.ACTIVE,
            Booking.checked_in_at.is_(None),
            Booking.starts_at <= now - SHORTEST_GRACE,
            Booking.starts_at > now - RELEASE_LOOKBACK,
        )
        .order_by(Booking.id)
    ).all()
    due = [
        booking_id
        for booking_id, starts_at, ends_at, grace in candidates
        if min(starts_at + timedelta(minutes=grace), ends_at) <= now
    ]
    released: list[int] = []
    for batch in _batches(due, RELEASE_BATCH):
        result = session.execute(
            update(Booking)
            .where(
                Booking.id.in_(batch),
                Booking.status == BookingStatus.ACTIVE,
                Booking.checked_in_at.is_(None),
            )
            .values(
                status=BookingStatus.NO_SHOW,
                released_at=now,
                updated_at=now,
                sequence=Booking.sequence + 1,
            )
            .returning(Booking.id)
            .execution_options(synchronize_session="fetch")
        )
        batch_released = list(result.scalars())
        _tell_bookers(session, batch_released)
        released.extend(batch_released)
    if released:
        count = len(released)
        record(
            session,
            None,
            "booking.release_no_shows",
            Release(),
            f"Released {count} {'booking' if count == 1 else 'bookings'} nobody checked in to",
            {"bookings": sorted(released)},
        )
    return sorted(released)


def _tell_bookers(session: Session, released: list[int]) -> None:
    """Send the bookers of the `released` bookings (one batch) their cancellations."""
    bookings = session.scalars(
        select(Booking)
        .where(Booking.id.in_(released))
        .options(
            joinedload(Booking.space).joinedload(Space.building),
            joinedload(Booking.person),
            joinedload(Booking.series),
            selectinload(Booking.attendees),
        )
        .order_by(Booking.id)
        .execution_options(populate_existing=True)
    )
    for booking in bookings:
        if booking.series is not None:
            booking.series.sequence += 1
        invites.booking_cancelled(session, booking, booker_only=True)


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def no_show_count(session: Session, person: Person, now: datetime | None = None) -> int:
    """How many of `person`'s bookings were released as no-shows in the last 60 days."""
    now = now or clock_now()
    return (
        session.scalar(
            select(func.count()).where(
                Booking.person_id == person.id,
                Booking.status == BookingStatus.NO_SHOW,
                Booking.starts_at >= now - NO_SHOW_PERIOD,
                Booking.starts_at < now,
            )
        )
        or 0
    )


def todays_booking(session: Session, person: Person, space: Space, now: datetime) -> Booking | None:
    """The person's booking of `space` that check-in is about now: the current or next today."""
    _, day_end = local_day_bounds(to_local(now).date())
    return session.scalar(
        select(Booking)
        .where(
            Booking.person_id == person.id,
            Booking.space_id == space.id,
            Booking.status == BookingStatus.ACTIVE,
            Booking.ends_at > now,
            Booking.starts_at < day_end,
        )
        .order_by(Booking.starts_at)
        .limit(1)
    )
