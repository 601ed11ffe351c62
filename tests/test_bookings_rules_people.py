"""The booking rules about people and other bookings: one desk at a time, attendees, overlaps.

Every test calls the booking service directly with an explicit `now`: Monday 7 January 2030,
8am. Buildings are open Monday to Friday, 9am to 5pm.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.errors import BookingError, DeskAlreadyHeld, SpaceTaken
from booking.bookings.models import Booking, BookingAttendee, BookingStatus
from booking.catalogue.models import Space, SpaceKind
from booking.timezones import local_to_utc
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
TUESDAY = date(2030, 1, 8)


def at(hour: int, minute: int = 0) -> datetime:
    return local_to_utc(TUESDAY, time(hour, minute))


def book(
    db_session: Session,
    person: Person,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    attendees: list[str] | None = None,
) -> Booking:
    proposal = services.Proposal(space, starts_at, ends_at, "Team meeting", attendees or [])
    return services.book(db_session, person, proposal, now=NOW)


# One desk at a time.


def test_a_person_holds_at_most_one_desk_at_any_moment(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    first, second = factory.space(building), factory.space(building)
    person = factory.person()
    book(db_session, person, first, at(10), at(12))

    with pytest.raises(DeskAlreadyHeld) as refused:
        book(db_session, person, second, at(11, 59), at(13))

    assert refused.value.message == (
        "You already have a desk booked for some of that time. Change or cancel that booking first."
    )


def test_a_person_may_hold_desks_in_different_buildings_only_at_different_times(
    factory: Factory, db_session: Session
) -> None:
    here, there = factory.space(), factory.space()
    person = factory.person()
    book(db_session, person, here, at(9), at(12))

    with pytest.raises(DeskAlreadyHeld):
        book(db_session, person, there, at(10), at(11))
    afternoon = book(db_session, person, there, at(12), at(17))

    assert afternoon.is_active


def test_a_person_may_hold_a_desk_and_a_room_at_the_same_time(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    desk = factory.space(building)
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    person = factory.person()

    book(db_session, person, desk, at(9), at(17))
    meeting = book(db_session, person, room, at(10), at(11))

    assert meeting.is_active and not meeting.is_desk


def test_two_people_may_book_desks_at_the_same_time(factory: Factory, db_session: Session) -> None:
    building = factory.building()
    desks = [factory.space(building), factory.space(building)]

    bookings = [book(db_session, factory.person(), desk, at(9), at(17)) for desk in desks]

    assert all(b.is_active for b in bookings)


def test_a_cancelled_desk_booking_frees_the_person_to_book_another(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    first, second = factory.space(building), factory.space(building)
    person = factory.person()
    booking = book(db_session, person, first, at(9), at(17))

    services.cancel(db_session, person, booking, now=NOW)
    other = book(db_session, person, second, at(9), at(17))

    assert other.is_active


# Attendees.


def test_room_attendees_and_the_booker_fit_its_capacity(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM, name="Room 1", capacity=4)
    person = factory.person()
    guests = ["a@nhs.example", "b@police.example", "c@community.example"]

    with pytest.raises(BookingError) as refused:
        book(db_session, person, room, at(10), at(11), [*guests, "d@nhs.example"])
    booking = book(db_session, person, room, at(10), at(11), guests)

    assert refused.value.message == (
        "Room 1 holds up to 4 people: you have invited 4 as well as yourself"
    )
    assert refused.value.field == "attendees"
    assert [a.email for a in booking.attendees] == sorted(guests)


def test_a_desk_cannot_have_attendees(factory: Factory, db_session: Session) -> None:
    desk = factory.space()

    with pytest.raises(BookingError) as refused:
        book(db_session, factory.person(), desk, at(10), at(11), ["a@nhs.example"])

    assert refused.value.message == "A desk is for one person: you cannot invite others"
    assert refused.value.field == "attendees"


def test_attendee_emails_are_cleaned_before_capacity_is_counted(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.QUIET_ROOM, capacity=2)
    person = factory.person(email="organiser@council.example")

    booking = book(
        db_session,
        person,
        room,
        at(10),
        at(11),
        [" Nurse@NHS.example ", "nurse@nhs.example", "ORGANISER@council.example", "", "  "],
    )

    stored = db_session.scalars(
        select(BookingAttendee.email).where(BookingAttendee.booking_id == booking.id)
    ).all()
    assert stored == ["nurse@nhs.example"]


@pytest.mark.parametrize("address", ["not-an-email", "two@@example.org", "a b@example.org"])
def test_an_invalid_attendee_email_is_refused(
    factory: Factory, db_session: Session, address: str
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)

    with pytest.raises(BookingError) as refused:
        book(db_session, factory.person(), room, at(10), at(11), [address])

    assert refused.value.message == f"{address} is not an email address"
    assert refused.value.field == "attendees"


# Other people's bookings.


@pytest.mark.parametrize(
    ("start", "end"),
    [((10, 0), (11, 0)), ((9, 30), (10, 15)), ((10, 45), (12, 0)), ((9, 0), (17, 0))],
)
def test_a_space_cannot_be_booked_over_another_booking(
    factory: Factory, db_session: Session, start: tuple[int, int], end: tuple[int, int]
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM, name="Room 3")
    book(db_session, factory.person(), room, at(10), at(11))

    with pytest.raises(SpaceTaken) as refused:
        book(db_session, factory.person(), room, at(*start), at(*end))

    assert refused.value.message == "Sorry, Room 3 has just been booked for some of that time."


def test_back_to_back_bookings_are_allowed(factory: Factory, db_session: Session) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    book(db_session, factory.person(), room, at(10), at(11))

    before = book(db_session, factory.person(), room, at(9), at(10))
    after = book(db_session, factory.person(), room, at(11), at(12))

    assert before.ends_at == at(10) and after.starts_at == at(11)


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_cancelled_and_no_show_bookings_do_not_hold_the_space(
    factory: Factory, db_session: Session, status: BookingStatus
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=at(10), ends_at=at(11), status=status)

    booking = book(db_session, factory.person(), room, at(10), at(11))

    assert booking.is_active


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_cancelled_and_no_show_desk_bookings_do_not_count_as_a_held_desk(
    factory: Factory, db_session: Session, status: BookingStatus
) -> None:
    building = factory.building()
    person = factory.person()
    factory.booking(
        factory.space(building), person, starts_at=at(10), ends_at=at(11), status=status
    )

    booking = book(db_session, person, factory.space(building), at(10), at(11))

    assert booking.is_active
