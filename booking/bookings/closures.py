"""Closures and opening-hours changes over existing bookings.

When a building manager closes a building or a space, or changes a building's opening hours
(its week, or closing it on bank holidays), active bookings that have not yet ended may fall in
the closure or outside the new hours. They are shown to the manager first
(`ConfirmationNeeded`); once confirmed, the closure or the hours are saved and those bookings
cancelled through the booking service (sequence bumped, audited), with a reason the bookers see
on their bookings page, all in the request's one transaction.

A confirmation covers the bookings the manager saw: if someone booked into the closure in the
meantime, the manager is asked again rather than cancelling a booking they never saw.

`cancel_bookings` is the one place that cancels bookings on behalf of estates: closures and
hours here, deactivating buildings and spaces in `booking.bookings.withdrawals`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue import services as catalogue
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Building, Closure, Space
from booking.catalogue.queries import hours_on
from booking.catalogue.services import BuildingDetails, ClosurePlan, Week
from booking.timezones import to_local, wall_clock_to_utc

HOURS_CHANGED = "Opening hours changed"
BANK_HOLIDAYS_CLOSED = "The building is now closed on bank holidays"


class ConfirmationNeeded(Exception):
    """Saving would cancel `bookings`, and the manager has not confirmed all of them yet."""

    def __init__(self, bookings: Sequence[Booking]) -> None:
        super().__init__(f"{len(bookings)} bookings would be cancelled")
        self.bookings = list(bookings)


def upcoming(
    session: Session, building: Building, now: datetime, *conditions: Any
) -> list[Booking]:
    """Active bookings in `building` that have not ended, soonest first, with what pages show.

    Locks the building row first (PostgreSQL), so no booking can be made in the building until
    this change commits: see `booking.bookings.services.hold_building`.
    """
    session.execute(select(Building.id).where(Building.id == building.id).with_for_update())
    return list(
        session.scalars(
            select(Booking)
            .join(Space, Booking.space_id == Space.id)
            .where(
                Space.building_id == building.id,
                Booking.status == BookingStatus.ACTIVE,
                Booking.ends_at > now,
                *conditions,
            )
            .options(
                joinedload(Booking.space).joinedload(Space.building),
                joinedload(Booking.person),
            )
            .order_by(Booking.starts_at, Booking.id)
        ).unique()
    )


def bookings_in_closure(session: Session, plan: ClosurePlan, *, now: datetime) -> list[Booking]:
    """The bookings the planned closure would cancel: those overlapping its period."""
    conditions = [Booking.starts_at < plan.ends_at, Booking.ends_at > plan.starts_at]
    if plan.space is not None:
        conditions.append(Booking.space_id == plan.space.id)
    return upcoming(session, plan.building, now, *conditions)


def bookings_outside_hours(session: Session, building: Building, *, now: datetime) -> list[Booking]:
    """The bookings that no longer fit the building's opening hours (as they are in `session`)."""
    bookings = upcoming(session, building, now)
    if not bookings:
        return []
    days = [to_local(b.starts_at).date() for b in bookings]
    holidays = bank_holidays_between(session, min(days), max(days))
    outside = []
    for booking, day in zip(bookings, days, strict=True):
        hours = hours_on(building, day, holidays)
        if (
            hours is None
            or booking.starts_at < wall_clock_to_utc(day, hours.opens)
            or booking.ends_at > wall_clock_to_utc(day, hours.closes)
        ):
            outside.append(booking)
    return outside


def closure_reason(plan: ClosurePlan) -> str:
    """What the bookers read: "Building closed: Water leak", "Desk 4 closed: New carpet"."""
    what = "Building" if plan.space is None else plan.space.name
    return f"{what} closed: {plan.reason}"


def add_closure(
    session: Session,
    actor: Person,
    plan: ClosurePlan,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[Closure, list[Booking]]:
    """Add the closure and cancel the bookings in it, once the manager has confirmed them all."""
    hit = bookings_in_closure(session, plan, now=now)
    require_confirmed(hit, confirmed)
    closure = catalogue.add_closure(session, actor, plan)
    return closure, cancel_bookings(session, actor, hit, closure_reason(plan), now)


def set_opening_hours(
    session: Session,
    actor: Person,
    building: Building,
    week: Week,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[dict[str, Any], list[Booking]]:
    """Save the new hours and cancel the bookings outside them, once all are confirmed.

    The hours are saved in a savepoint so the bookings are checked against exactly what the
    catalogue would store (and with its one opening-day rule); the savepoint is rolled back
    when confirmation is needed, leaving nothing changed.
    """
    with session.begin_nested():
        changes = catalogue.set_opening_hours(session, actor, building, week)
        hit = bookings_outside_hours(session, building, now=now)
        require_confirmed(hit, confirmed)
        return changes, cancel_bookings(session, actor, hit, HOURS_CHANGED, now)


def update_building(
    session: Session,
    actor: Person,
    building: Building,
    details: BuildingDetails,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[dict[str, Any], list[Booking]]:
    """Save the building's details; closing it on bank holidays cancels the bookings on them.

    Checked in a savepoint, like `set_opening_hours`, so the catalogue's own errors come first.
    """
    closes_on_holidays = building.opens_on_bank_holidays and not details.opens_on_bank_holidays
    with session.begin_nested():
        changes = catalogue.update_building(session, actor, building, details)
        hit = bookings_outside_hours(session, building, now=now) if closes_on_holidays else []
        require_confirmed(hit, confirmed)
        return changes, cancel_bookings(session, actor, hit, BANK_HOLIDAYS_CLOSED, now)


def require_confirmed(hit: Sequence[Booking], confirmed: Collection[int]) -> None:
    """Go on only if the manager saw every booking the change would cancel; else ask (again)."""
    if any(booking.id not in confirmed for booking in hit):
        raise ConfirmationNeeded(hit)


def cancel_bookings(
    session: Session, actor: Person, bookings: Sequence[Booking], reason: str, now: datetime
) -> list[Booking]:
    """Cancel `bookings` on behalf of estates through the booking service (audited, sequence
    bumped), with the `reason` their bookers read."""
    return [services.cancel(session, actor, booking, reason, now=now) for booking in bookings]
