"""Changing and cancelling bookings: who may, what is kept, and what is refused.

Every test calls the booking service directly with an explicit `now`: Monday 7 January 2030,
8am. Buildings are open Monday to Friday, 9am to 5pm.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings import services
from booking.bookings.errors import BookingError, DeskAlreadyHeld, NotYours, SpaceTaken
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space, SpaceKind
from booking.timezones import local_to_utc
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
TUESDAY = date(2030, 1, 8)


def at(hour: int, minute: int = 0) -> datetime:
    return local_to_utc(TUESDAY, time(hour, minute))


def book(
    db_session: Session, person: Person, space: Space, starts_at: datetime, ends_at: datetime
) -> Booking:
    return services.book(db_session, person, services.Proposal(space, starts_at, ends_at), now=NOW)


def change(
    db_session: Session,
    person: Person,
    booking: Booking,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime = NOW,
    title: str = "",
) -> Booking:
    proposal = services.Proposal(space, starts_at, ends_at, title)
    return services.change(db_session, person, booking, proposal, now=now)


# Changing.


def test_a_change_keeps_the_booking_and_bumps_its_sequence(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(9), at(12))
    identity = booking.id

    changed = change(db_session, person, booking, desk, at(13), at(17))

    db_session.expire_all()
    stored = db_session.get(Booking, identity)
    assert changed is booking and stored is not None
    assert (stored.starts_at, stored.ends_at, stored.sequence) == (at(13), at(17), 1)
    assert db_session.scalars(select(Booking)).all() == [stored]


def test_a_change_is_recorded_in_the_audit_log(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(9), at(12))

    change(db_session, person, booking, desk, at(13), at(17))

    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booking.change")
    ).one()
    assert entry.subject_id == booking.id and entry.actor_id == person.id
    assert entry.changes["starts_at"] == [at(9).isoformat(), at(13).isoformat()]


def test_a_booking_may_overlap_its_own_old_time_when_changed(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))

    change(db_session, person, booking, desk, at(10, 30), at(11, 30))

    assert (booking.starts_at, booking.ends_at) == (at(10, 30), at(11, 30))


def test_a_booking_can_move_to_another_space_and_kind(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    desk = factory.space(building)
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))

    change(db_session, person, booking, room, at(10), at(11), title="Case review")

    assert (booking.space_id, booking.is_desk, booking.title) == (room.id, False, "Case review")
    assert book(db_session, factory.person(), desk, at(10), at(11)).is_active


def test_a_change_obeys_every_rule(factory: Factory, db_session: Session) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    person = factory.person()
    booking = book(db_session, person, room, at(10), at(11))

    with pytest.raises(BookingError) as refused:
        change(db_session, person, booking, room, at(16), at(18))

    assert refused.value.message == (
        f"{room.building.name} is open 9am to 5pm on Tuesday 8 January 2030"
    )
    db_session.refresh(booking)
    assert (booking.starts_at, booking.sequence) == (at(10), 0)


def test_a_change_onto_someone_elses_booking_is_refused(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    person = factory.person()
    book(db_session, factory.person(), room, at(14), at(15))
    booking = book(db_session, person, room, at(10), at(11))

    with pytest.raises(SpaceTaken):
        change(db_session, person, booking, room, at(13, 30), at(14, 30))

    db_session.refresh(booking)
    assert (booking.starts_at, booking.ends_at) == (at(10), at(11))


def test_a_change_cannot_give_the_person_two_desks(factory: Factory, db_session: Session) -> None:
    building = factory.building()
    first, second = factory.space(building), factory.space(building)
    person = factory.person()
    book(db_session, person, first, at(9), at(12))
    afternoon = book(db_session, person, second, at(13), at(17))

    with pytest.raises(DeskAlreadyHeld):
        change(db_session, person, afternoon, second, at(11), at(17))


def test_nobody_can_change_another_persons_booking(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    booking = book(db_session, factory.person(), desk, at(10), at(11))
    manager = factory.building_manager(desk.building)

    for someone in (factory.person(), manager):
        with pytest.raises(NotYours) as refused:
            change(db_session, someone, booking, desk, at(12), at(13))
        assert refused.value.message == "Booking not found"


def test_a_booking_that_has_ended_cannot_be_changed(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))

    with pytest.raises(BookingError) as refused:
        change(db_session, person, booking, desk, at(15), at(16), now=at(11))

    assert refused.value.message == "Only upcoming bookings can be changed"


def test_a_cancelled_booking_cannot_be_changed(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))
    services.cancel(db_session, person, booking, now=NOW)

    with pytest.raises(BookingError) as refused:
        change(db_session, person, booking, desk, at(15), at(16))

    assert refused.value.message == "Only upcoming bookings can be changed"


def test_a_checked_in_booking_cannot_move_to_another_space(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    desk, other = factory.space(building), factory.space(building)
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(12))
    booking.checked_in_at = at(10, 2)

    with pytest.raises(BookingError) as refused:
        change(db_session, person, booking, other, at(10, 30), at(12), now=at(10, 30))

    assert refused.value.message == (
        "You have checked in: cancel this booking and book the other space"
    )


# Cancelling.


def test_the_booker_can_cancel_and_the_slot_is_free_at_once(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    person = factory.person()
    booking = book(db_session, person, room, at(10), at(11))

    services.cancel(db_session, person, booking, now=NOW)

    assert booking.status is BookingStatus.CANCELLED
    assert (booking.cancelled_at, booking.cancelled_by, booking.sequence) == (NOW, person, 1)
    assert book(db_session, factory.person(), room, at(10), at(11)).is_active


def test_the_buildings_manager_can_cancel_with_a_reason(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    booking = book(db_session, factory.person(), room, at(10), at(11))
    manager = factory.building_manager(room.building)

    services.cancel(db_session, manager, booking, "  Heating failure  ", now=NOW)

    assert booking.status is BookingStatus.CANCELLED
    assert (booking.cancelled_by, booking.cancellation_reason) == (manager, "Heating failure")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_manager_must_say_why_they_cancel_someone_elses_booking(
    factory: Factory, db_session: Session, reason: str
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    booking = book(db_session, factory.person(), room, at(10), at(11))
    manager = factory.building_manager(room.building)

    with pytest.raises(BookingError) as refused:
        services.cancel(db_session, manager, booking, reason, now=NOW)

    assert refused.value.message == "Say why you are cancelling: the booker will be told"
    assert refused.value.field == "reason"
    assert booking.is_active


def test_other_managers_and_staff_cannot_cancel_someone_elses_booking(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    booking = book(db_session, factory.person(), room, at(10), at(11))
    elsewhere = factory.building_manager(factory.building())

    for someone in (factory.person(organisation=room.building.owner), elsewhere):
        with pytest.raises(NotYours):
            services.cancel(db_session, someone, booking, "Because", now=NOW)

    assert booking.is_active


def test_a_booking_cannot_be_cancelled_twice(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))
    services.cancel(db_session, person, booking, now=NOW)

    with pytest.raises(BookingError) as refused:
        services.cancel(db_session, person, booking, now=NOW)

    assert refused.value.message == "This booking is already cancelled"


def test_a_booking_that_has_ended_cannot_be_cancelled(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    person = factory.person()
    booking = book(db_session, person, desk, at(10), at(11))

    with pytest.raises(BookingError) as refused:
        services.cancel(db_session, person, booking, now=at(11))

    assert refused.value.message == "This booking has already ended"
