"""The database itself refuses double bookings, whatever code writes them.

These tests bypass the booking service and write rows with the ORM: PostgreSQL's exclusion
constraints and SQLite's triggers (migration 0003) must refuse an overlapping active booking of
a space, and a person's overlapping active desk bookings. Each refused write runs in a
savepoint so the test can carry on after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import SpaceKind
from tests.factories import Factory

TEN = datetime(2030, 1, 8, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def refused(db_session: Session, write: Callable[[], object], constraint: str) -> None:
    """`write()` must be refused by the named constraint (or the trigger named after it)."""
    with pytest.raises(IntegrityError) as error, db_session.begin_nested():
        write()
        db_session.flush()
    assert constraint in str(error.value.orig)


def count(db_session: Session, *where: object) -> int:
    return db_session.scalar(select(func.count()).select_from(Booking).where(*where)) or 0  # type: ignore[arg-type]


def test_an_overlapping_active_booking_of_a_space_is_refused(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR)

    for start, end in [
        (TEN, TEN + HOUR),
        (TEN - HOUR / 2, TEN + HOUR / 4),
        (TEN + HOUR / 2, TEN + 2 * HOUR),
    ]:
        refused(
            db_session,
            partial(factory.booking, room, starts_at=start, ends_at=end),
            "ex_booking_space_overlap",
        )

    assert count(db_session) == 1


def test_back_to_back_bookings_of_a_space_are_allowed(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)

    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR)
    factory.booking(room, starts_at=TEN + HOUR, ends_at=TEN + 2 * HOUR)
    factory.booking(room, starts_at=TEN - HOUR, ends_at=TEN)

    assert count(db_session) == 3


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_cancelled_and_no_show_bookings_do_not_conflict(
    factory: Factory, db_session: Session, status: BookingStatus
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)

    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR, status=status)
    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR)
    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR, status=status)

    assert count(db_session, Booking.status == BookingStatus.ACTIVE) == 1


def test_moving_a_booking_onto_another_is_refused(factory: Factory, db_session: Session) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR)
    later = factory.booking(room, starts_at=TEN + 2 * HOUR, ends_at=TEN + 3 * HOUR)

    def move() -> None:
        later.starts_at = TEN + HOUR / 2

    refused(db_session, move, "ex_booking_space_overlap")


def test_moving_a_booking_into_another_space_over_a_booking_is_refused(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    taken, other = (factory.space(building, kind=SpaceKind.MEETING_ROOM) for _ in range(2))
    factory.booking(taken, starts_at=TEN, ends_at=TEN + HOUR)
    booking = factory.booking(other, starts_at=TEN, ends_at=TEN + HOUR)

    def move() -> None:
        booking.space = taken

    refused(db_session, move, "ex_booking_space_overlap")


def test_reinstating_a_cancelled_booking_over_an_active_one_is_refused(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    cancelled = factory.booking(
        room, starts_at=TEN, ends_at=TEN + HOUR, status=BookingStatus.CANCELLED
    )
    factory.booking(room, starts_at=TEN, ends_at=TEN + HOUR)

    def reinstate() -> None:
        cancelled.status = BookingStatus.ACTIVE

    refused(db_session, reinstate, "ex_booking_space_overlap")


def test_a_booking_can_be_updated_in_place_without_conflicting_with_itself(
    factory: Factory, db_session: Session
) -> None:
    booking = factory.booking(starts_at=TEN, ends_at=TEN + HOUR)

    booking.ends_at = TEN + 2 * HOUR
    booking.checked_in_at = TEN
    db_session.flush()

    assert booking.ends_at == TEN + 2 * HOUR


def test_a_person_cannot_hold_two_overlapping_desks(factory: Factory, db_session: Session) -> None:
    building = factory.building()
    first, second = factory.space(building), factory.space(building)
    person = factory.person()
    factory.booking(first, person, starts_at=TEN, ends_at=TEN + HOUR)

    refused(
        db_session,
        lambda: factory.booking(second, person, starts_at=TEN + HOUR / 2, ends_at=TEN + 2 * HOUR),
        "ex_booking_person_desk_overlap",
    )


def test_moving_a_desk_booking_over_the_persons_other_desk_is_refused(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    first, second = factory.space(building), factory.space(building)
    person = factory.person()
    factory.booking(first, person, starts_at=TEN, ends_at=TEN + HOUR)
    later = factory.booking(second, person, starts_at=TEN + HOUR, ends_at=TEN + 2 * HOUR)

    def move() -> None:
        later.starts_at = TEN

    refused(db_session, move, "ex_booking_person_desk_overlap")


def test_the_desk_rule_ignores_rooms_other_people_and_back_to_back_desks(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    desks = [factory.space(building) for _ in range(3)]
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    person = factory.person()

    factory.booking(desks[0], person, starts_at=TEN, ends_at=TEN + HOUR)
    factory.booking(room, person, starts_at=TEN, ends_at=TEN + HOUR)
    factory.booking(desks[1], starts_at=TEN, ends_at=TEN + HOUR)
    factory.booking(desks[2], person, starts_at=TEN + HOUR, ends_at=TEN + 2 * HOUR)
    factory.booking(
        desks[1], person, starts_at=TEN, ends_at=TEN + HOUR, status=BookingStatus.CANCELLED
    )

    assert count(db_session, Booking.person_id == person.id) == 4


def test_a_booking_must_end_after_it_starts(factory: Factory, db_session: Session) -> None:
    desk = factory.space()

    refused(
        db_session,
        lambda: factory.booking(desk, starts_at=TEN, ends_at=TEN),
        "starts_before_ends",
    )
