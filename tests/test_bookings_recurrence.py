"""Repeating room bookings: the dates a pattern gives, their times across clock changes, and
which of them can be booked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import recurrence
from booking.bookings.errors import BookingError
from booking.bookings.models import Frequency
from booking.bookings.recurrence import SeriesRequest
from booking.catalogue.models import BankHoliday, Space, SpaceKind
from tests.factories import Factory

EVERY_DAY = {day: (time(0), time(23, 45)) for day in range(7)}
MONDAY, TUESDAY, THURSDAY, FRIDAY = 0, 1, 3, 4


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(kind=SpaceKind.MEETING_ROOM, name="Riverside room", capacity=8)


@pytest.fixture
def person(factory: Factory, room: Space) -> Person:
    return factory.person(organisation=room.building.owner)


def weekly(room: Space, starts_on: date, *weekdays: int, **fields: Any) -> SeriesRequest:
    fields.setdefault("start_time", time(10))
    fields.setdefault("duration_minutes", 60)
    if "until" not in fields:
        fields.setdefault("count", 4)
    return SeriesRequest(room, Frequency.WEEKLY, starts_on, weekdays=weekdays, **fields)


def daily(room: Space, starts_on: date, **fields: Any) -> SeriesRequest:
    fields.setdefault("start_time", time(10))
    fields.setdefault("duration_minutes", 60)
    if "until" not in fields:
        fields.setdefault("count", 4)
    return SeriesRequest(room, Frequency.DAILY, starts_on, **fields)


# The dates.


def test_a_weekly_series_repeats_on_the_chosen_weekdays_until_a_date(
    db_session: Session, room: Space
) -> None:
    request = weekly(room, date(2026, 3, 3), TUESDAY, THURSDAY, until=date(2026, 3, 26))

    days, capped = recurrence.dates(db_session, request)

    assert [d.day for d in days] == [3, 5, 10, 12, 17, 19, 24, 26]
    assert not capped


def test_a_weekly_series_can_stop_after_a_number_of_dates(db_session: Session, room: Space) -> None:
    days, _ = recurrence.dates(db_session, weekly(room, date(2026, 3, 4), TUESDAY, count=3))

    assert days == [date(2026, 3, 10), date(2026, 3, 17), date(2026, 3, 24)]


def test_a_daily_series_skips_the_days_the_building_is_closed(
    db_session: Session, room: Space
) -> None:
    db_session.add_all(
        [
            BankHoliday(day=date(2026, 4, 3), title="Good Friday"),
            BankHoliday(day=date(2026, 4, 6), title="Easter Monday"),
        ]
    )
    db_session.flush()

    days, _ = recurrence.dates(db_session, daily(room, date(2026, 4, 2), count=4))

    # Thursday, then (no Good Friday, weekend or Easter Monday) Tuesday to Thursday.
    assert days == [date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 9)]


def test_a_daily_series_in_a_building_open_on_bank_holidays_keeps_them(
    db_session: Session, factory: Factory
) -> None:
    building = factory.building(opens_on_bank_holidays=True)
    room = factory.space(building, kind=SpaceKind.QUIET_ROOM, capacity=2)
    db_session.add(BankHoliday(day=date(2026, 4, 3), title="Good Friday"))
    db_session.flush()

    days, _ = recurrence.dates(db_session, daily(room, date(2026, 4, 2), count=2))

    assert days == [date(2026, 4, 2), date(2026, 4, 3)]


def test_a_series_until_a_far_date_stops_at_52_dates_and_says_so(
    db_session: Session, room: Space
) -> None:
    request = weekly(room, date(2026, 3, 2), MONDAY, FRIDAY, until=date(2027, 3, 1))

    days, capped = recurrence.dates(db_session, request)

    assert len(days) == 52 and capped
    assert days[-1] == date(2026, 8, 28)
    warning = recurrence.capped_warning(request, days[-1])
    assert "up to 52 dates" in warning and "Friday 28 August 2026" in warning


def test_exactly_52_dates_until_a_date_is_not_cut_short(db_session: Session, room: Space) -> None:
    request = weekly(room, date(2026, 3, 2), MONDAY, until=date(2027, 2, 22))

    days, capped = recurrence.dates(db_session, request)

    assert len(days) == 52 and not capped


@pytest.mark.parametrize("count", [0, 53])
def test_a_series_has_between_1_and_52_dates(
    db_session: Session, room: Space, person: Person, count: int
) -> None:
    request = weekly(room, date(2026, 3, 2), MONDAY, count=count)

    with pytest.raises(BookingError, match="from 1 to 52") as error:
        recurrence.preview(db_session, person, request, datetime(2026, 3, 1, tzinfo=UTC))
    assert error.value.field == "count"


def test_a_weekly_series_needs_its_weekdays(
    db_session: Session, room: Space, person: Person
) -> None:
    with pytest.raises(BookingError, match="days of the week") as error:
        recurrence.preview(db_session, person, weekly(room, date(2026, 3, 2)))
    assert error.value.field == "weekdays"


def test_a_pattern_without_dates_is_refused(
    db_session: Session, room: Space, person: Person
) -> None:
    request = weekly(room, date(2026, 3, 3), MONDAY, until=date(2026, 3, 8))  # no Monday

    with pytest.raises(BookingError, match="no dates in that pattern"):
        recurrence.preview(db_session, person, request, datetime(2026, 3, 1, tzinfo=UTC))


def test_desks_do_not_repeat(db_session: Session, factory: Factory, person: Person) -> None:
    desk = factory.space(kind=SpaceKind.DESK)

    with pytest.raises(BookingError, match="Only rooms"):
        recurrence.preview(db_session, person, weekly(desk, date(2026, 3, 2), MONDAY))


# Wall-clock times across the clock changes.

CLOCK_CHANGES = [
    # (Sunday of the change, UTC hour of 10am before it, after it)
    (date(2026, 3, 29), 10, 9),
    (date(2026, 10, 25), 9, 10),
    (date(2027, 3, 28), 10, 9),
    (date(2027, 10, 31), 9, 10),
]


@pytest.mark.parametrize(("change", "before", "after"), CLOCK_CHANGES)
def test_a_weekly_occurrence_keeps_its_local_time_across_a_clock_change(
    db_session: Session, room: Space, person: Person, change: date, before: int, after: int
) -> None:
    friday, monday = change - timedelta(days=2), change + timedelta(days=1)
    request = weekly(room, friday, MONDAY, FRIDAY, count=2, duration_minutes=90)

    preview = recurrence.preview(
        db_session, person, request, datetime.combine(friday, time(0), UTC)
    )

    first, second = preview.occurrences
    assert (first.day, second.day) == (friday, monday)
    assert first.starts_at == datetime.combine(friday, time(before), UTC)
    assert second.starts_at == datetime.combine(monday, time(after), UTC)
    assert first.ends_at == datetime.combine(friday, time(before, 30), UTC) + timedelta(hours=1)
    assert (first.starts, first.ends) == (second.starts, second.ends) == (time(10), time(11, 30))
    assert first.is_free and second.is_free


@pytest.mark.parametrize(("change", "before", "after"), CLOCK_CHANGES)
def test_a_daily_occurrence_on_the_day_of_the_change_has_the_new_offset(
    db_session: Session, factory: Factory, change: date, before: int, after: int
) -> None:
    room = factory.space(factory.building(hours=EVERY_DAY), kind=SpaceKind.MEETING_ROOM)
    person = factory.person(organisation=room.building.owner)
    saturday = change - timedelta(days=1)

    preview = recurrence.preview(
        db_session, person, daily(room, saturday, count=3), datetime.combine(saturday, time(0), UTC)
    )

    assert [o.starts_at for o in preview.occurrences] == [
        datetime.combine(saturday, time(before), UTC),
        datetime.combine(change, time(after), UTC),
        datetime.combine(change + timedelta(days=1), time(after), UTC),
    ]


def test_an_occurrence_in_the_hour_the_clocks_skip_is_a_conflict_not_an_error(
    db_session: Session, factory: Factory
) -> None:
    room = factory.space(factory.building(hours=EVERY_DAY), kind=SpaceKind.MEETING_ROOM)
    person = factory.person(organisation=room.building.owner)
    request = daily(room, date(2026, 3, 28), count=3, start_time=time(1, 30))

    preview = recurrence.preview(db_session, person, request, datetime(2026, 3, 1, tzinfo=UTC))

    before, gap, after = preview.occurrences
    assert before.is_free and after.is_free
    assert before.starts_at == datetime(2026, 3, 28, 1, 30, tzinfo=UTC)
    assert after.starts_at == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)
    assert gap.starts_at is None and gap.day == date(2026, 3, 29)
    assert gap.problem == (
        "01:30 on 29 March 2026 does not exist in the UK: the clocks go forward an hour that night."
    )
    assert [o.day for o in preview.free] == [date(2026, 3, 28), date(2026, 3, 30)]


def test_an_occurrence_in_the_repeated_autumn_hour_is_the_first_one(
    db_session: Session, factory: Factory
) -> None:
    room = factory.space(factory.building(hours=EVERY_DAY), kind=SpaceKind.MEETING_ROOM)
    person = factory.person(organisation=room.building.owner)
    request = daily(room, date(2026, 10, 25), count=1, start_time=time(1, 30))

    preview = recurrence.preview(db_session, person, request, datetime(2026, 10, 1, tzinfo=UTC))

    [occurrence] = preview.occurrences
    assert occurrence.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still summer time


# Which dates can be booked: the booking service's own rules, date by date.


def test_the_preview_gives_the_reason_each_conflicting_date_cannot_be_booked(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    now = datetime(2026, 5, 1, 8, tzinfo=UTC)  # Friday; rooms may be booked 90 days ahead
    db_session.add(BankHoliday(day=date(2026, 5, 25), title="Spring bank holiday"))
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 11, 9, 30, tzinfo=UTC),
        ends_at=datetime(2026, 5, 11, 10, tzinfo=UTC),
    )
    factory.closure(
        building=room.building,
        starts_at=datetime(2026, 5, 31, 23, tzinfo=UTC),
        ends_at=datetime(2026, 6, 1, 23, tzinfo=UTC),
        reason="Roof repairs",
    )
    request = weekly(room, date(2026, 5, 4), MONDAY, count=16)

    preview = recurrence.preview(db_session, person, request, now)

    problems = {o.day: o.problem for o in preview.occurrences if not o.is_free}
    assert problems == {
        date(2026, 5, 11): "Riverside room is already booked for some of that time",
        date(2026, 5, 25): (
            f"{room.building.name} is closed on Monday 25 May 2026 (Spring bank holiday)"
        ),
        date(2026, 6, 1): (
            f"{room.building.name} is closed from Monday 1 June 2026, 12am (midnight) to "
            "Tuesday 2 June 2026, 12am (midnight): Roof repairs"
        ),
        date(2026, 8, 3): f"You can book rooms in {room.building.name} up to 90 days ahead",
        date(2026, 8, 10): f"You can book rooms in {room.building.name} up to 90 days ahead",
        date(2026, 8, 17): f"You can book rooms in {room.building.name} up to 90 days ahead",
    }
    assert len(preview.free) == 10


def test_the_preview_refuses_attendees_beyond_the_rooms_capacity_once_for_the_whole_series(
    db_session: Session, factory: Factory, person: Person
) -> None:
    small = factory.space(kind=SpaceKind.QUIET_ROOM, capacity=2)
    request = weekly(small, date(2026, 5, 4), MONDAY, attendees=["a@example.org", "b@example.org"])

    with pytest.raises(BookingError, match="holds up to 2 people") as error:
        recurrence.preview(db_session, person, request, datetime(2026, 5, 1, tzinfo=UTC))
    assert error.value.field == "attendees"


def test_the_pattern_in_words(room: Space) -> None:
    request = weekly(room, date(2026, 3, 3), TUESDAY, THURSDAY, duration_minutes=90)

    assert recurrence.in_words(request, 14) == (
        "Every Tuesday and Thursday, 10am to 11:30am, 14 occurrences"
    )
    every_day = daily(room, date(2026, 3, 3), start_time=time(13, 15))
    assert recurrence.in_words(every_day, 1) == (
        f"Every day {room.building.name} is open, 1:15pm to 2:15pm, 1 occurrence"
    )
