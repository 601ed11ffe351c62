"""The booking rules about where and when: each rule, with the message the person sees.

Every test calls the booking service directly with an explicit `now`: Monday 7 January 2030,
8am. Buildings are open Monday to Friday, 9am to 5pm, unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.errors import BookingError
from booking.bookings.models import Booking
from booking.catalogue.models import BankHoliday, Building, BuildingAccess, Space, SpaceKind
from booking.timezones import local_to_utc
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
TUESDAY = date(2030, 1, 8)
EVERY_DAY = {day: (time(9), time(17)) for day in range(7)}
LONG_DAYS = {day: (time(7), time(21)) for day in range(7)}


def at(hour: int, minute: int = 0, day: date = TUESDAY) -> datetime:
    return local_to_utc(day, time(hour, minute))


def book(
    db_session: Session,
    person: Person,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime = NOW,
    attendees: list[str] | None = None,
) -> Booking:
    proposal = services.Proposal(space, starts_at, ends_at, "Meeting", attendees or [])
    return services.book(db_session, person, proposal, now=now)


def refusal(
    db_session: Session,
    person: Person,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime = NOW,
) -> BookingError:
    with pytest.raises(BookingError) as refused:
        book(db_session, person, space, starts_at, ends_at, now=now)
    return refused.value


def staff_of(factory: Factory, building: Building) -> Person:
    return factory.person(organisation=building.owner)


# Which spaces can be booked, and by whom.


def test_an_inactive_space_cannot_be_booked(factory: Factory, db_session: Session) -> None:
    desk = factory.space(name="Desk 4", active=False)

    error = refusal(db_session, staff_of(factory, desk.building), desk, at(10), at(11))

    assert error.message == "Desk 4 is no longer available to book"


def test_a_space_in_an_inactive_building_cannot_be_booked(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space(name="Desk 4", building=factory.building(active=False))

    error = refusal(db_session, staff_of(factory, desk.building), desk, at(10), at(11))

    assert error.message == "Desk 4 is no longer available to book"


def test_a_space_not_open_for_booking_cannot_be_booked(
    factory: Factory, db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM, name="Board room", bookable=False)

    error = refusal(db_session, staff_of(factory, room.building), room, at(10), at(11))

    assert error.message == "Board room cannot be booked"


def test_a_restricted_building_is_bookable_by_its_owner_and_listed_organisations_only(
    factory: Factory, db_session: Session
) -> None:
    owner = factory.organisation(name="Stockport Council")
    listed = factory.organisation(name="Pennine Care")
    building = factory.building(
        name="Reddish Hub",
        owner=owner,
        access=BuildingAccess.LISTED,
        allowed_organisations=[listed],
    )
    rooms = [factory.space(building, kind=SpaceKind.MEETING_ROOM) for _ in range(3)]

    book(db_session, factory.person(organisation=owner), rooms[0], at(10), at(11))
    book(db_session, factory.person(organisation=listed), rooms[1], at(10), at(11))
    error = refusal(db_session, factory.person(), rooms[2], at(10), at(11))

    assert error.message == "Only staff of Stockport Council, Pennine Care can book in Reddish Hub"


def test_a_building_open_to_all_partners_is_bookable_by_anyone(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()

    booking = book(db_session, factory.person(), desk, at(10), at(11))

    assert booking.id is not None and booking.is_active


# Start and end.


def test_the_end_must_be_after_the_start(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    person = staff_of(factory, desk.building)

    backwards = refusal(db_session, person, desk, at(11), at(10))
    empty = refusal(db_session, person, desk, at(10), at(10))

    assert backwards.message == empty.message == "The end time must be after the start time"
    assert backwards.field == "end"


def test_a_booking_cannot_start_in_the_past(factory: Factory, db_session: Session) -> None:
    desk = factory.space()
    now = at(10, 30)

    error = refusal(db_session, staff_of(factory, desk.building), desk, at(10), at(12), now=now)

    assert error.message == "The start time has already passed"
    assert error.field == "start"


def test_a_booking_may_start_up_to_five_minutes_ago(factory: Factory, db_session: Session) -> None:
    desk, other = factory.space(), factory.space()
    now = at(10, 5)

    booking = book(db_session, factory.person(), desk, at(10), at(12), now=now)
    error = refusal(db_session, factory.person(), other, at(9, 59), at(12), now=now)

    assert booking.starts_at == at(10)
    assert error.message == "The start time has already passed"


# How far ahead.


@pytest.mark.parametrize(
    ("kind", "words", "days"),
    [(SpaceKind.DESK, "desks", 28), (SpaceKind.MEETING_ROOM, "rooms", 90)],
)
def test_spaces_can_be_booked_up_to_the_default_advance_window(
    factory: Factory, db_session: Session, kind: SpaceKind, words: str, days: int
) -> None:
    building = factory.building(name="Marple Library", hours=EVERY_DAY)
    space = factory.space(building, kind=kind)
    person = factory.person()
    last = NOW.date() + timedelta(days=days)
    too_far = last + timedelta(days=1)

    booking = book(db_session, person, space, at(10, day=last), at(11, day=last))
    error = refusal(db_session, person, space, at(10, day=too_far), at(11, day=too_far))

    assert booking.starts_at == at(10, day=last)
    assert error.message == f"You can book {words} in Marple Library up to {days} days ahead"
    assert error.field == "start"


def test_each_building_sets_its_own_advance_windows(factory: Factory, db_session: Session) -> None:
    building = factory.building(
        name="Cheadle Hub", hours=EVERY_DAY, desk_advance_days=7, room_advance_days=14
    )
    desk = factory.space(building)
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    person = factory.person()
    week, fortnight = NOW.date() + timedelta(days=7), NOW.date() + timedelta(days=14)

    book(db_session, person, desk, at(10, day=week), at(11, day=week))
    desk_error = refusal(db_session, person, desk, at(10, day=fortnight), at(11, day=fortnight))
    book(db_session, person, room, at(10, day=fortnight), at(11, day=fortnight))

    assert desk_error.message == "You can book desks in Cheadle Hub up to 7 days ahead"


def test_the_owners_staff_may_have_a_longer_window_than_partners(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building(name="Fred Perry House", hours=EVERY_DAY, owner_advance_days=60)
    desks = [factory.space(building) for _ in range(2)]
    own_staff, partner = factory.person(organisation=building.owner), factory.person()
    day = NOW.date() + timedelta(days=60)
    beyond = day + timedelta(days=1)

    booking = book(db_session, own_staff, desks[0], at(10, day=day), at(11, day=day))
    partner_error = refusal(db_session, partner, desks[1], at(10, day=day), at(11, day=day))
    own_error = refusal(db_session, own_staff, desks[1], at(10, day=beyond), at(11, day=beyond))

    assert booking.starts_at == at(10, day=day)
    assert partner_error.message == "You can book desks in Fred Perry House up to 28 days ahead"
    assert own_error.message == "You can book desks in Fred Perry House up to 60 days ahead"


def test_a_shorter_owner_window_never_shortens_the_partners_one(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building(hours=EVERY_DAY, owner_advance_days=7)
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    day = NOW.date() + timedelta(days=90)

    booking = book(
        db_session,
        factory.person(organisation=building.owner),
        room,
        at(10, day=day),
        at(11, day=day),
    )

    assert booking.is_active


# Rooms on the quarter hour, and how long.


def test_rooms_start_and_end_on_the_quarter_hour(factory: Factory, db_session: Session) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    person = staff_of(factory, room.building)

    start_error = refusal(db_session, person, room, at(10, 10), at(11))
    end_error = refusal(db_session, person, room, at(10), at(11, 5))
    booking = book(db_session, person, room, at(10, 15), at(11, 45))

    message = "Rooms are booked on the quarter hour, for example 9:00, 9:15 or 9:30"
    assert (start_error.message, start_error.field) == (message, "start")
    assert (end_error.message, end_error.field) == (message, "end")
    assert booking.ends_at == at(11, 45)


def test_desks_can_be_booked_for_any_minutes(factory: Factory, db_session: Session) -> None:
    desk = factory.space()

    booking = book(db_session, factory.person(), desk, at(10, 7), at(11, 53))

    assert (booking.starts_at, booking.ends_at) == (at(10, 7), at(11, 53))


def test_a_room_is_booked_for_at_most_eight_hours_by_default(
    factory: Factory, db_session: Session
) -> None:
    rooms = [
        factory.space(factory.building(hours=LONG_DAYS), kind=SpaceKind.MEETING_ROOM)
        for _ in range(2)
    ]
    person = factory.person()

    booking = book(db_session, person, rooms[0], at(8), at(16))
    error = refusal(db_session, person, rooms[1], at(8), at(16, 15))

    assert booking.ends_at == at(16)
    assert (error.message, error.field) == ("You can book a room for up to 8 hours", "end")


@pytest.mark.parametrize(
    ("minutes", "words"), [(60, "1 hour"), (90, "1.5 hours"), (240, "4 hours")]
)
def test_each_building_sets_its_longest_room_booking(
    factory: Factory, db_session: Session, minutes: int, words: str
) -> None:
    room = factory.space(
        factory.building(room_max_minutes=minutes), kind=SpaceKind.QUIET_ROOM, capacity=1
    )
    person = factory.person()
    start = at(9)

    error = refusal(db_session, person, room, start, start + timedelta(minutes=minutes + 15))
    booking = book(db_session, person, room, start, start + timedelta(minutes=minutes))

    assert error.message == f"You can book a room for up to {words}"
    assert booking.ends_at == start + timedelta(minutes=minutes)


def test_a_desk_can_be_booked_for_the_whole_opening_day(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space(factory.building(hours=LONG_DAYS))

    booking = book(db_session, factory.person(), desk, at(7), at(21))

    assert booking.ends_at - booking.starts_at == timedelta(hours=14)


# Opening hours, bank holidays and closures.


def test_a_booking_cannot_start_before_the_building_opens(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space(factory.building(name="Bramhall Library"))

    error = refusal(db_session, factory.person(), desk, at(8, 45), at(10))

    assert error.message == "Bramhall Library is open 9am to 5pm on Tuesday 8 January 2030"
    assert error.field == "start"


def test_a_booking_cannot_end_after_the_building_closes(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building(name="Bramhall Library", hours={1: (time(9, 30), time(17, 30))})
    desk = factory.space(building)

    error = refusal(db_session, factory.person(), desk, at(16), at(17, 31))
    booking = book(db_session, factory.person(), desk, at(9, 30), at(17, 30))

    assert error.message == "Bramhall Library is open 9:30am to 5:30pm on Tuesday 8 January 2030"
    assert error.field == "end"
    assert booking.is_active


def test_a_booking_cannot_run_past_midnight_into_the_next_day(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space(factory.building(hours=LONG_DAYS))

    error = refusal(db_session, factory.person(), desk, at(20), at(8, day=date(2030, 1, 9)))

    assert error.field == "end"


def test_a_building_is_closed_on_a_weekday_without_hours(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space(factory.building(name="Werneth Centre"))
    saturday = date(2030, 1, 12)

    error = refusal(db_session, factory.person(), desk, at(10, day=saturday), at(11, day=saturday))

    assert error.message == "Werneth Centre is closed on Saturday 12 January 2030"
    assert error.field == "start"


def test_a_bank_holiday_closes_a_building_unless_it_opens_on_bank_holidays(
    factory: Factory, db_session: Session
) -> None:
    holiday = date(2030, 5, 6)
    db_session.add(BankHoliday(day=holiday, title="Early May bank holiday"))
    closed = factory.space(factory.building(name="Heald Green Library"))
    open_anyway = factory.space(factory.building(opens_on_bank_holidays=True))
    now = datetime(2030, 5, 1, 8, tzinfo=UTC)
    person = factory.person()

    error = refusal(db_session, person, closed, at(10, day=holiday), at(11, day=holiday), now=now)
    booking = book(
        db_session, person, open_anyway, at(10, day=holiday), at(11, day=holiday), now=now
    )

    assert error.message == (
        "Heald Green Library is closed on Monday 6 May 2030 (Early May bank holiday)"
    )
    assert booking.is_active


def test_a_building_closure_stops_bookings_in_any_of_its_spaces(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building(name="Reddish Library")
    desk = factory.space(building)
    factory.closure(building=building, starts_at=at(12), ends_at=at(14), reason="Fire drill")

    error = refusal(db_session, factory.person(), desk, at(11), at(12, 30))

    assert error.message == (
        "Reddish Library is closed from Tuesday 8 January 2030, 12pm (midday) to "
        "Tuesday 8 January 2030, 2pm: Fire drill"
    )
    assert error.field == "start"


def test_a_space_closure_stops_bookings_of_that_space_only(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    closed = factory.space(building, kind=SpaceKind.MEETING_ROOM, name="Room 2")
    other = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    factory.closure(space=closed, starts_at=at(9), ends_at=at(17), reason="New carpet")
    person = factory.person()

    error = refusal(db_session, person, closed, at(10), at(11))
    booking = book(db_session, person, other, at(10), at(11))

    assert error.message.startswith("Room 2 is closed from Tuesday 8 January 2030, 9am")
    assert error.message.endswith(": New carpet")
    assert booking.is_active


def test_a_booking_may_end_as_a_closure_starts_or_start_as_it_ends(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    desk = factory.space(building)
    factory.closure(building=building, starts_at=at(12), ends_at=at(13))

    before = book(db_session, factory.person(), desk, at(9), at(12))
    after = book(db_session, factory.person(), desk, at(13), at(17))

    assert before.is_active and after.is_active
