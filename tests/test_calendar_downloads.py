""" "Add to calendar": a booking or a repeating booking as a calendar file, for those who may
see it (the booker, the building's managers) and nobody else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import recurrence
from booking.bookings.models import Booking, BookingSeries, BookingStatus, Frequency
from booking.bookings.recurrence import Choice, SeriesRequest
from booking.calendar import ics
from booking.catalogue.models import Space, SpaceKind
from booking.timezones import local_to_utc
from tests.calendar_parsers import outlook_problems, parse_with_icaljs
from tests.factories import Factory

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)  # Friday 1 May 2026
TUESDAYS = [date(2026, 5, 5), date(2026, 5, 12), date(2026, 5, 19)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(kind=SpaceKind.MEETING_ROOM, name="Riverside room")


@pytest.fixture
def booker(factory: Factory, room: Space) -> Person:
    return factory.person(organisation=room.building.owner)


@pytest.fixture
def booking(factory: Factory, room: Space, booker: Person) -> Booking:
    return factory.booking(room, booker, starts_at=local_to_utc(TUESDAYS[0], time(10)))


@pytest.fixture
def series(db_session: Session, room: Space, booker: Person) -> BookingSeries:
    """Tuesdays at 10am for an hour, three times, booked through the booking service."""
    request = SeriesRequest(
        room, Frequency.WEEKLY, TUESDAYS[0], time(10), 60, weekdays=(1,), count=3
    )
    series = recurrence.book_series(
        db_session, booker, request, Choice.FREE, NOW, seen_free=TUESDAYS
    )
    assert series is not None
    return series


def assert_calendar_file(response: Any, filename: str) -> dict[str, Any]:
    """The response is a calendar file called `filename`: what ical.js reads in it."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert outlook_problems(response.data, "PUBLISH") == []
    return parse_with_icaljs(response.data)


def test_the_booker_downloads_their_booking(
    sign_in: Callable[[Person], FlaskClient], booker: Person, booking: Booking
) -> None:
    response = sign_in(booker).get(f"/bookings/{booking.id}/calendar.ics")

    calendar = assert_calendar_file(response, f"booking-{booking.id}.ics")
    [event] = calendar["events"]
    assert event["uid"] == ics.booking_uid(booking)
    assert event["start"]["local"] == "2026-05-05T10:00:00"


def test_a_manager_of_the_building_may_download_it(
    sign_in: Callable[[Person], FlaskClient], factory: Factory, room: Space, booking: Booking
) -> None:
    manager = factory.building_manager(room.building)

    response = sign_in(manager).get(f"/bookings/{booking.id}/calendar.ics")

    assert_calendar_file(response, f"booking-{booking.id}.ics")


@pytest.mark.parametrize("who", ["stranger", "manager elsewhere"])
def test_to_anyone_else_the_booking_does_not_exist(
    sign_in: Callable[[Person], FlaskClient], factory: Factory, booking: Booking, who: str
) -> None:
    other = factory.person() if who == "stranger" else factory.building_manager(factory.building())

    response = sign_in(other).get(f"/bookings/{booking.id}/calendar.ics")

    assert response.status_code == 404


def test_signing_in_comes_first(client: FlaskClient, booking: Booking) -> None:
    response = client.get(f"/bookings/{booking.id}/calendar.ics")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_booking_page_offers_it_while_the_booking_stands(
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    booker: Person,
    booking: Booking,
) -> None:
    client = sign_in(booker)
    link = f'href="/bookings/{booking.id}/calendar.ics">Add to calendar</a>'

    assert link in client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    booking.status = BookingStatus.CANCELLED
    db_session.flush()
    assert link not in client.get(f"/bookings/{booking.id}").get_data(as_text=True)


def test_the_booker_downloads_a_repeating_booking_as_one_event(
    sign_in: Callable[[Person], FlaskClient], booker: Person, series: BookingSeries
) -> None:
    client = sign_in(booker)

    page = client.get(f"/series/{series.id}").get_data(as_text=True)
    response = client.get(f"/series/{series.id}/calendar.ics")

    assert f'href="/series/{series.id}/calendar.ics">Add to calendar</a>' in page
    calendar = assert_calendar_file(response, f"repeating-booking-{series.id}.ics")
    [event] = calendar["events"]
    assert event["uid"] == ics.series_uid(series)
    assert [o["start"]["local"] for o in event["occurrences"]] == [
        f"{day.isoformat()}T10:00:00" for day in TUESDAYS
    ]


def test_a_repeating_booking_is_downloaded_only_by_those_who_may_see_it(
    sign_in: Callable[[Person], FlaskClient],
    factory: Factory,
    room: Space,
    series: BookingSeries,
) -> None:
    manager = factory.building_manager(room.building)
    stranger = factory.person(organisation=room.building.owner)

    assert sign_in(manager).get(f"/series/{series.id}/calendar.ics").status_code == 200
    assert sign_in(stranger).get(f"/series/{series.id}/calendar.ics").status_code == 404
    assert sign_in(stranger).get("/series/999999/calendar.ics").status_code == 404
