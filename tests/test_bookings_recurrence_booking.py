"""Booking the free dates of a repeating booking (all of them or none), and cancelling them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings import recurrence
from booking.bookings.errors import BookingError, NotYours
from booking.bookings.models import Booking, BookingSeries, BookingStatus, Frequency
from booking.bookings.recurrence import Choice, Scope, SeriesChanged, SeriesRequest
from booking.catalogue.models import Space, SpaceKind
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)  # Friday 1 May 2026
MONDAYS = [date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 18), date(2026, 5, 25)]


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(kind=SpaceKind.MEETING_ROOM, name="Riverside room", capacity=8)


@pytest.fixture
def person(factory: Factory, room: Space) -> Person:
    return factory.person(organisation=room.building.owner)


@pytest.fixture
def request_(room: Space) -> SeriesRequest:
    """Mondays at 10am for an hour, four times, with a title and two people invited."""
    return SeriesRequest(
        room,
        Frequency.WEEKLY,
        MONDAYS[0],
        time(10),
        60,
        weekdays=(0,),
        count=4,
        title="Team around the place",
        attendees=["Nurse@NHS.example", "pcso@police.example"],
    )


def book_all(session: Session, person: Person, request: SeriesRequest) -> BookingSeries:
    preview = recurrence.preview(session, person, request, NOW)
    seen = [o.day for o in preview.free]
    series = recurrence.book_series(session, person, request, Choice.FREE, NOW, seen_free=seen)
    assert series is not None
    return series


def active_bookings(session: Session, person: Person) -> list[Booking]:
    return list(
        session.scalars(
            select(Booking)
            .where(Booking.person_id == person.id, Booking.status == BookingStatus.ACTIVE)
            .order_by(Booking.starts_at)
        )
    )


def test_booking_the_free_dates_makes_one_booking_for_each_of_them(
    db_session: Session, factory: Factory, room: Space, person: Person, request_: SeriesRequest
) -> None:
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 18, 9, tzinfo=UTC),
        ends_at=datetime(2026, 5, 18, 10, tzinfo=UTC),
    )

    series = book_all(db_session, person, request_)

    bookings = active_bookings(db_session, person)
    assert [b.occurrence_date for b in bookings] == [MONDAYS[0], MONDAYS[1], MONDAYS[3]]
    assert [b.starts_at for b in bookings] == [
        datetime(2026, 5, 4, 9, tzinfo=UTC),
        datetime(2026, 5, 11, 9, tzinfo=UTC),
        datetime(2026, 5, 25, 9, tzinfo=UTC),
    ]
    for booking in bookings:
        assert booking.series_id == series.id
        assert booking.title == "Team around the place"
        assert [a.email for a in booking.attendees] == ["nurse@nhs.example", "pcso@police.example"]
    assert (series.frequency, series.weekdays, series.count, series.until) == (
        Frequency.WEEKLY,
        "0",
        4,
        None,
    )
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "series.create"))
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == (
        "bookingseries",
        series.id,
        person.id,
    )
    assert entry.changes["dates"] == ["2026-05-04", "2026-05-11", "2026-05-25"]


def test_a_series_cut_short_by_the_cap_is_stored_ending_on_its_last_date(
    db_session: Session, room: Space, person: Person, request_: SeriesRequest
) -> None:
    request = SeriesRequest(
        room, Frequency.DAILY, date(2026, 5, 4), time(10), 60, until=date(2026, 12, 31)
    )
    preview = recurrence.preview(db_session, person, request, NOW)
    assert preview.capped and len(preview.occurrences) == 52

    series = recurrence.book_series(
        db_session, person, request, Choice.FREE, NOW, seen_free=[o.day for o in preview.free]
    )

    assert series is not None and series.until == preview.occurrences[-1].day
    assert recurrence.dates(db_session, SeriesRequest.of(series)) == (
        [o.day for o in preview.occurrences],
        False,
    )


def test_choosing_none_books_nothing(
    db_session: Session, person: Person, request_: SeriesRequest
) -> None:
    result = recurrence.book_series(
        db_session, person, request_, Choice.NONE, NOW, seen_free=MONDAYS
    )

    assert result is None
    assert db_session.scalar(select(func.count()).select_from(BookingSeries)) == 0
    assert active_bookings(db_session, person) == []


def test_a_date_taken_after_the_preview_means_nothing_is_booked(
    db_session: Session, factory: Factory, room: Space, person: Person, request_: SeriesRequest
) -> None:
    preview = recurrence.preview(db_session, person, request_, NOW)
    assert len(preview.free) == 4
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 11, 9, 30, tzinfo=UTC),
        ends_at=datetime(2026, 5, 11, 11, tzinfo=UTC),
    )

    with pytest.raises(SeriesChanged) as changed:
        recurrence.book_series(
            db_session, person, request_, Choice.FREE, NOW, seen_free=[o.day for o in preview.free]
        )

    assert "nothing has been booked" in changed.value.message
    [taken] = [o for o in changed.value.preview.occurrences if not o.is_free]
    assert taken.day == MONDAYS[1]
    assert taken.problem == "Riverside room is already booked for some of that time"
    assert db_session.scalar(select(func.count()).select_from(BookingSeries)) == 0
    assert active_bookings(db_session, person) == []


def test_dates_that_are_not_in_the_pattern_are_never_booked(
    db_session: Session, person: Person, request_: SeriesRequest
) -> None:
    with pytest.raises(SeriesChanged):
        recurrence.book_series(
            db_session, person, request_, Choice.FREE, NOW, seen_free=[date(2026, 5, 5)]
        )

    assert active_bookings(db_session, person) == []


# Cancelling.

AFTER_THE_FIRST = datetime(2026, 5, 5, 8, tzinfo=UTC)
"""The first Monday is over; the other three are to come."""


def statuses(session: Session, series: BookingSeries) -> list[BookingStatus]:
    session.expire_all()
    return [b.status for b in sorted(series.bookings, key=lambda b: b.starts_at)]


ACTIVE, CANCELLED = BookingStatus.ACTIVE, BookingStatus.CANCELLED


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope.ONE, [ACTIVE, ACTIVE, CANCELLED, ACTIVE]),
        (Scope.FOLLOWING, [ACTIVE, ACTIVE, CANCELLED, CANCELLED]),
        (Scope.ALL, [ACTIVE, CANCELLED, CANCELLED, CANCELLED]),
    ],
)
def test_cancelling_one_date_this_and_following_or_the_whole_series_keeps_past_dates(
    db_session: Session,
    person: Person,
    request_: SeriesRequest,
    scope: Scope,
    expected: list[BookingStatus],
) -> None:
    series = book_all(db_session, person, request_)
    third = next(b for b in series.bookings if b.occurrence_date == MONDAYS[2])

    cancelled = recurrence.cancel_occurrences(db_session, person, third, scope, now=AFTER_THE_FIRST)

    assert statuses(db_session, series) == expected
    assert len(cancelled) == expected.count(CANCELLED)
    assert all(b.sequence == 1 for b in cancelled)
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "booking.cancel"))
    assert len(list(entries)) == len(cancelled)


def test_a_past_date_cannot_be_cancelled_on_its_own(
    db_session: Session, person: Person, request_: SeriesRequest
) -> None:
    series = book_all(db_session, person, request_)
    first = next(b for b in series.bookings if b.occurrence_date == MONDAYS[0])

    with pytest.raises(BookingError, match="no upcoming dates") as error:
        recurrence.cancel_occurrences(db_session, person, first, Scope.ONE, now=AFTER_THE_FIRST)
    assert error.value.field == "scope"
    assert statuses(db_session, series) == [ACTIVE] * 4


def test_a_building_manager_may_cancel_a_series_with_a_reason(
    db_session: Session, factory: Factory, room: Space, person: Person, request_: SeriesRequest
) -> None:
    series = book_all(db_session, person, request_)
    manager = factory.building_manager(room.building)
    first = series.bookings[0]

    with pytest.raises(BookingError, match="Say why") as error:
        recurrence.cancel_occurrences(db_session, manager, first, Scope.ALL, now=NOW)
    assert error.value.field == "reason"

    recurrence.cancel_occurrences(db_session, manager, first, Scope.ALL, "Flooded", now=NOW)

    assert statuses(db_session, series) == [CANCELLED] * 4
    assert {(b.cancelled_by_id, b.cancellation_reason) for b in series.bookings} == {
        (manager.id, "Flooded")
    }


def test_nobody_else_may_cancel_someone_elses_series(
    db_session: Session, factory: Factory, person: Person, request_: SeriesRequest
) -> None:
    series = book_all(db_session, person, request_)
    stranger = factory.person()

    with pytest.raises(NotYours):
        recurrence.cancel_occurrences(
            db_session, stranger, series.bookings[0], Scope.ALL, "Mine now", now=NOW
        )
    assert statuses(db_session, series) == [ACTIVE] * 4
    assert not recurrence.may_see(stranger, series)


def test_a_cancelled_occurrence_is_not_cancelled_again_by_the_whole_series(
    db_session: Session, person: Person, request_: SeriesRequest
) -> None:
    series = book_all(db_session, person, request_)
    second = series.bookings[1]
    recurrence.cancel_occurrences(db_session, person, second, Scope.ONE, now=NOW)

    cancelled = recurrence.cancel_occurrences(
        db_session, person, second, Scope.ALL, now=NOW + timedelta(minutes=1)
    )

    assert len(cancelled) == 3
    assert second.sequence == 1
