"""Booking a space from its book page: desk presets and times, rooms with a title and people."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, BuildingAccess, Space, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@dataclass
class Clock:
    now: datetime = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: clock.now}


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 1")


@pytest.fixture
def room(factory: Factory, library: Building) -> Space:
    return factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room", capacity=6)


@pytest.fixture
def nurse(factory: Factory) -> Person:
    return factory.person(name="Priya Shah")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def bookings(db_session: Session) -> list[Booking]:
    db_session.expire_all()
    return list(db_session.scalars(select(Booking).order_by(Booking.id)))


def booked(client: FlaskClient, space: Space, **form: str) -> Booking:
    """Post the book form; it must redirect to the new booking's page."""
    response = client.post(f"/spaces/{space.id}/book", data=form)
    assert response.status_code == 302, text(response.get_data(as_text=True))
    match = re.fullmatch(r"/bookings/(\d+)", response.headers["Location"])
    assert match is not None, response.headers["Location"]
    booking = client.application.extensions["booking.sessions"]().get(Booking, int(match[1]))
    assert booking is not None
    return booking  # type: ignore[no-any-return]


def test_the_desk_page_offers_the_free_presets_and_custom_times(
    factory: Factory, sign_in: SignIn, desk: Space, nurse: Person
) -> None:
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 14, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 15, tzinfo=UTC),
    )

    response = sign_in(nurse).get(f"/spaces/{desk.id}/book?date=2026-03-03")

    html = response.get_data(as_text=True)
    words = text(html)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Book Desk 1</h1>' in html
    assert "Tuesday 3 March 2026 Free 9am to 2pm, 3pm to 5pm" in words
    assert "Morning, 9am to 1pm" in words
    assert "Afternoon" not in words and "Whole day" not in words
    assert "Or choose your own times" in words
    assert 'type="time"' in html
    assert f'href="/spaces/{desk.id}/week?date=2026-03-03"' in html


def test_a_desk_is_booked_with_one_tap_on_a_preset(
    sign_in: SignIn, desk: Space, nurse: Person, db_session: Session
) -> None:
    client = sign_in(nurse)

    response = client.post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    [booking] = bookings(db_session)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    assert (booking.space_id, booking.person_id) == (desk.id, nurse.id)
    assert booking.starts_at == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert booking.ends_at == datetime(2026, 3, 3, 13, tzinfo=UTC)
    shown = text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Booked: Desk 1, Reddish Library, Tuesday 3 March 2026, 9am to 1pm" in shown


def test_a_preset_pressed_today_books_from_the_moment_it_is_pressed(
    sign_in: SignIn, desk: Space, nurse: Person, clock: Clock
) -> None:
    clock.now = datetime(2026, 3, 3, 10, 7, 30, tzinfo=UTC)

    booking = booked(sign_in(nurse), desk, date="2026-03-03", preset="day")

    assert booking.starts_at == datetime(2026, 3, 3, 10, 7, tzinfo=UTC)
    assert booking.ends_at == datetime(2026, 3, 3, 17, tzinfo=UTC)


def test_a_preset_that_has_ended_is_refused(
    sign_in: SignIn, desk: Space, nurse: Person, clock: Clock, db_session: Session
) -> None:
    clock.now = datetime(2026, 3, 3, 14, tzinfo=UTC)

    response = sign_in(nurse).post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    assert response.status_code == 422
    assert "That time is no longer available: choose another" in text(
        response.get_data(as_text=True)
    )
    assert bookings(db_session) == []


def test_a_desk_is_booked_for_the_times_typed(sign_in: SignIn, desk: Space, nurse: Person) -> None:
    booking = booked(sign_in(nurse), desk, date="2026-03-03", start="10:30", end="15:45")

    assert booking.starts_at == datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
    assert booking.ends_at == datetime(2026, 3, 3, 15, 45, tzinfo=UTC)


def test_times_in_summer_are_uk_times(
    sign_in: SignIn, desk: Space, nurse: Person, clock: Clock
) -> None:
    clock.now = datetime(2026, 7, 1, 8, tzinfo=UTC)

    booking = booked(sign_in(nurse), desk, date="2026-07-07", start="09:00", end="13:00")

    assert booking.starts_at == datetime(2026, 7, 7, 8, tzinfo=UTC)


def test_the_room_page_asks_for_a_start_a_length_a_title_and_people(
    factory: Factory, sign_in: SignIn, nurse: Person
) -> None:
    hub = factory.building(room_max_minutes=180)
    room = factory.space(hub, kind=SpaceKind.MEETING_ROOM, name="Board room", capacity=6)

    response = sign_in(nurse).get(f"/spaces/{room.id}/book?date=2026-03-03")

    html = response.get_data(as_text=True)
    words = text(html)
    starts = re.findall(r'<option value="(\d\d:\d\d)"', html)
    lengths = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', html)
    assert response.status_code == 200
    assert "Meeting room for up to 6 people" in words
    assert starts[0] == "09:00" and starts[1] == "09:15" and starts[-1] == "16:45"
    assert [label.strip() for _, label in lengths] == [
        "30 minutes",
        "45 minutes",
        "1 hour",
        "1 hour 15 minutes",
        "1 hour 30 minutes",
        "1 hour 45 minutes",
        "2 hours",
        "2 hours 30 minutes",
        "3 hours",
    ]
    assert '<option value="60" selected>' in html
    assert "You can invite colleagues from any organisation." in words
    assert f'href="/spaces/{room.id}/book-repeating">Make this a repeating booking</a>' in html


def test_a_link_with_times_chooses_them_on_the_room_page(
    sign_in: SignIn, room: Space, nurse: Person
) -> None:
    html = (
        sign_in(nurse)
        .get(f"/spaces/{room.id}/book?date=2026-03-03&start=10:00&length=90")
        .get_data(as_text=True)
    )

    assert '<option value="10:00" selected>' in html
    assert '<option value="90" selected>' in html


def test_a_room_is_booked_with_a_title_and_the_people_invited(
    sign_in: SignIn, room: Space, nurse: Person
) -> None:
    booking = booked(
        sign_in(nurse),
        room,
        date="2026-03-03",
        start="10:00",
        length="90",
        title="Team around the place",
        attendees="ann@police.example, bob@ageuk.example\nCAT@nhs.example\n\n",
    )

    assert booking.title == "Team around the place"
    assert booking.starts_at == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert booking.ends_at == datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
    assert [a.email for a in booking.attendees] == [
        "ann@police.example",
        "bob@ageuk.example",
        "cat@nhs.example",
    ]


def test_a_room_needs_a_title_start_and_length(
    sign_in: SignIn, room: Space, nurse: Person, db_session: Session
) -> None:
    response = sign_in(nurse).post(
        f"/spaces/{room.id}/book", data={"date": "2026-03-03", "title": "  "}
    )

    words = text(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Enter the start time" in words
    assert "Choose how long you need the room for" in words
    assert "Enter a title for the booking" in words
    assert bookings(db_session) == []


def test_a_desk_needs_both_times(sign_in: SignIn, desk: Space, nurse: Person) -> None:
    response = sign_in(nurse).post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "start": "10:00"}
    )

    assert response.status_code == 422
    assert "Enter the end time" in text(response.get_data(as_text=True))


def test_an_unknown_or_deactivated_space_is_not_found(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    gone = factory.space(library, active=False)
    client = sign_in(nurse)

    assert client.get("/spaces/999999/book").status_code == 404
    assert client.get(f"/spaces/{gone.id}/book").status_code == 404


def test_a_space_in_a_building_for_other_organisations_cannot_be_booked(
    factory: Factory, sign_in: SignIn, nurse: Person, db_session: Session
) -> None:
    police = factory.organisation(name="Greater Manchester Police")
    station = factory.building(name="Police Station", owner=police, access=BuildingAccess.LISTED)
    desk = factory.space(station, name="Station desk")
    client = sign_in(nurse)

    page = client.get(f"/spaces/{desk.id}/book")
    attempt = client.post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    assert page.status_code == 403 and attempt.status_code == 403
    words = text(page.get_data(as_text=True))
    assert "You cannot book this space." in words
    assert "Only staff of Greater Manchester Police can book in this building." in words
    assert bookings(db_session) == []


def test_the_catalogue_space_page_links_to_booking_only_when_the_person_may_book(
    factory: Factory, sign_in: SignIn, desk: Space, nurse: Person
) -> None:
    police = factory.organisation()
    station = factory.building(owner=police, access=BuildingAccess.LISTED)
    locked = factory.space(station)
    client = sign_in(nurse)

    bookable = client.get(f"/spaces/{desk.id}").get_data(as_text=True)
    not_bookable = client.get(f"/spaces/{locked.id}").get_data(as_text=True)

    assert f'href="/spaces/{desk.id}/book"' in bookable and "Book this space" in bookable
    assert "Book this space" not in not_bookable
    assert f'href="/spaces/{locked.id}/week"' in not_bookable
