"""The booking service: every rule for making, changing, cancelling and checking in bookings.

The HTML views and the JSON API both call these functions; nothing else writes bookings. They
take the request's session, flush but never commit, and raise `BookingError` (or `SpaceTaken`)
with a message for the person. Overlaps are checked here for a friendly answer and refused by
the database in any case (see migration 0003), so two people pressing "Book" at the same moment
cannot both get the desk.

Making, changing and cancelling a booking also sends its calendar invites
(`booking.calendar.invites`) in the same transaction, unless the caller passes `notify=False`
because it sends one of its own (a repeating booking, for all its dates at once).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings import rules
from booking.bookings.errors import BookingError, DeskAlreadyHeld, NotYours, SpaceTaken
from booking.bookings.models import Booking, BookingAttendee, BookingStatus
from booking.calendar import invites
from booking.catalogue.models import Building, Space, SpaceKind
from booking.permissions import Permission, can
from booking.templating import format_datetime
from booking.timezones import now as clock_now

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Proposal:
    """What someone asks for: a space, a time in UTC, and for rooms a title and attendees."""

    space: Space
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    attendees: list[str] = field(default_factory=list)


def clean_attendees(raw: Iterable[str], booker: Person) -> list[str]:
    """Attendee addresses lower-cased, without duplicates or the booker; bad ones refused."""
    cleaned: list[str] = []
    for address in raw:
        address = address.strip().lower()
        if not address or address == booker.email or address in cleaned:
            continue
        if not EMAIL.match(address) or len(address) > 254:
            raise BookingError(f"{address} is not an email address", "attendees")
        cleaned.append(address)
    return cleaned


def check(
    session: Session,
    person: Person,
    proposal: Proposal,
    *,
    now: datetime,
    replacing: Booking | None = None,
) -> None:
    """Every rule for `proposal`, including overlaps; `replacing` is the booking being changed."""
    space = proposal.space
    rules.check_bookable(space, person)
    rules.check_times(session, space, person, proposal.starts_at, proposal.ends_at, now=now)
    rules.check_closures(session, space, proposal.starts_at, proposal.ends_at)
    rules.check_attendees(space, proposal.attendees)
    if _overlaps(session, proposal, Booking.space_id == space.id, replacing):
        raise SpaceTaken(space.name)
    if space.kind is SpaceKind.DESK and _overlaps(
        session, proposal, (Booking.person_id == person.id) & Booking.is_desk, replacing
    ):
        raise DeskAlreadyHeld()


def _overlaps(
    session: Session, proposal: Proposal, which: object, replacing: Booking | None
) -> bool:
    query = exists().where(
        which,  # type: ignore[arg-type]
        Booking.status == BookingStatus.ACTIVE,
        Booking.starts_at > proposal.starts_at - rules.LONGEST_BOOKING,
        Booking.starts_at < proposal.ends_at,
        Booking.ends_at > proposal.starts_at,
    )
    if replacing is not None:
        query = query.where(Booking.id != replacing.id)
    return bool(session.scalar(select(query)))


def hold_building(session: Session, space: Space) -> None:
    """Wait for any estates change to the space's building, then read it afresh.

    Bookings take a shared lock on the building row (so they never block each other) and estates
    changes that cancel bookings take an exclusive one (`booking.bookings.closures.upcoming`):
    a closure, new hours or a deactivation committed at the same moment as a booking is either
    seen by the booking's checks or sees the booking. SQLite serialises all writes anyway.

    The space, its building and the building's hours are read again by a statement of their
    own, after the lock: in PostgreSQL a statement that waits for a lock sees the row it locked
    as committed, but every other row as it was when the statement began. The allowed
    organisations are read again when next needed (only listed buildings need them).
    """
    session.execute(
        select(Building.id).where(Building.id == space.building_id).with_for_update(read=True)
    )
    session.execute(
        select(Space)
        .where(Space.id == space.id)
        .options(joinedload(Space.building).joinedload(Building.opening_hours))
        .execution_options(populate_existing=True)
    ).unique().all()
    session.expire(space.building, ["allowed_organisations"])


def book(
    session: Session,
    person: Person,
    proposal: Proposal,
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> Booking:
    """Book `proposal` for `person`, or raise the first rule it breaks."""
    now = now or clock_now()
    proposal = _with_clean_attendees(proposal, person)
    hold_building(session, proposal.space)
    check(session, person, proposal, now=now)
    booking = Booking(
        space=proposal.space,
        person=person,
        starts_at=proposal.starts_at,
        ends_at=proposal.ends_at,
        is_desk=proposal.space.kind is SpaceKind.DESK,
        title=proposal.title.strip()[:200],
        attendees=[BookingAttendee(email=email) for email in proposal.attendees],
    )
    _save(session, booking)
    record(session, person, "booking.create", booking, _summary("Booked", booking))
    if notify:
        invites.booking_booked(session, booking)
    return booking


def change(
    session: Session,
    person: Person,
    booking: Booking,
    proposal: Proposal,
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> Booking:
    """Move `booking` to another time or space (it keeps its identity), or raise why not."""
    now = now or clock_now()
    _require_own(person, booking)
    if not booking.is_active or booking.ends_at <= now:
        raise BookingError("Only upcoming bookings can be changed")
    if booking.checked_in_at is not None and proposal.space.id != booking.space_id:
        raise BookingError("You have checked in: cancel this booking and book the other space")
    proposal = _with_clean_attendees(proposal, person)
    hold_building(session, proposal.space)
    check(session, person, proposal, now=now, replacing=booking)
    before = (booking.space.name, booking.starts_at, booking.ends_at)
    removed = {a.email for a in booking.attendees} - set(proposal.attendees)
    booking.space = proposal.space
    booking.is_desk = proposal.space.kind is SpaceKind.DESK
    booking.starts_at, booking.ends_at = proposal.starts_at, proposal.ends_at
    booking.title = proposal.title.strip()[:200]
    booking.attendees = [
        next((a for a in booking.attendees if a.email == email), None)
        or BookingAttendee(email=email)
        for email in proposal.attendees
    ]
    _bump_sequence(booking)
    _save(session, booking)
    record(
        session,
        person,
        "booking.change",
        booking,
        _summary("Changed", booking),
        {
            "space": [before[0], booking.space.name],
            "starts_at": [before[1], booking.starts_at],
            "ends_at": [before[2], booking.ends_at],
        },
    )
    if notify:
        invites.booking_changed(session, booking, removed=removed)
    return booking


def cancel(
    session: Session,
    person: Person,
    booking: Booking,
    reason: str = "",
    *,
    now: datetime | None = None,
    notify: bool = True,
) -> Booking:
    """Cancel `booking`: the slot is free at once. Building managers must say why."""
    now = now or clock_now()
    own = booking.person_id == person.id
    if not own and not can(person, Permission.MANAGE_BUILDING, booking.space.building):
        raise NotYours()
    if not own and not reason.strip():
        raise BookingError("Say why you are cancelling: the booker will be told", "reason")
    if not booking.is_active:
        raise BookingError("This booking is already cancelled")
    if booking.ends_at <= now:
        raise BookingError("This booking has already ended")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = person
    booking.cancellation_reason = reason.strip()[:300]
    _bump_sequence(booking)
    session.flush()
    record(
        session,
        person,
        "booking.cancel",
        booking,
        _summary("Cancelled", booking),
        {"reason": booking.cancellation_reason},
    )
    if notify:
        invites.booking_cancelled(session, booking)
    return booking


def _bump_sequence(booking: Booking) -> None:
    """Number the change, so calendars take the new invite over the one they have: the
    booking's iCalendar SEQUENCE, and its series' (a series is one event in a calendar)."""
    booking.sequence += 1
    if booking.series is not None:
        booking.series.sequence += 1


def _require_own(person: Person, booking: Booking) -> None:
    if booking.person_id != person.id:
        raise NotYours()


def _with_clean_attendees(proposal: Proposal, person: Person) -> Proposal:
    return Proposal(
        proposal.space,
        proposal.starts_at,
        proposal.ends_at,
        proposal.title,
        clean_attendees(proposal.attendees, person),
    )


def _save(session: Session, booking: Booking) -> None:
    """Write the booking, turning the database's overlap refusals into the service's answers."""
    space_name = booking.space.name
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError as error:
        message = str(error.orig)
        if "ex_booking_space_overlap" in message:
            raise SpaceTaken(space_name) from error
        if "ex_booking_person_desk_overlap" in message:
            raise DeskAlreadyHeld() from error
        raise


def _summary(verb: str, booking: Booking) -> str:
    return (
        f"{verb} {booking.space.name}, {booking.space.building.name}, "
        f"{format_datetime(booking.starts_at)}"
    )
