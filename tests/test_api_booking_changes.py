"""Reading, changing, cancelling and checking in to bookings through the API; nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # Monday 7 January 2030, 8am (GMT)
TUESDAY_10AM = datetime(2030, 1, 8, 10, tzinfo=UTC)
clock = [NOW]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    clock[0] = NOW
    return {**app_config, "CLOCK": lambda: clock[0]}


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person()


def as_(client: FlaskClient, factory: Factory, person: Person) -> FlaskClient:
    _token, secret = factory.access_token(person)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def api(client: FlaskClient, factory: Factory, person: Person) -> FlaskClient:
    return as_(client, factory, person)


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(name="Room 1", kind=SpaceKind.MEETING_ROOM, capacity=6)


@pytest.fixture
def booking(factory: Factory, room: Space, person: Person) -> Booking:
    return factory.booking(room, person, starts_at=TUESDAY_10AM, title="Huddle")


def assert_not_found(response: Any) -> None:
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_changing_the_time_keeps_the_bookings_id(
    api: FlaskClient, booking: Booking, db_session: Session
) -> None:
    response = api.patch(
        f"/api/v1/bookings/{booking.id}",
        json={"start": "2030-01-08T14:00", "end": "2030-01-08T15:30"},
    )
    assert response.status_code == 200
    assert response.json["id"] == booking.id
    assert response.json["start"] == "2030-01-08T14:00:00+00:00"
    assert response.json["title"] == "Huddle"
    db_session.expire_all()
    assert booking.starts_at == datetime(2030, 1, 8, 14, tzinfo=UTC)
    assert booking.sequence == 1


def test_moving_to_another_space_and_inviting_people(
    api: FlaskClient, booking: Booking, factory: Factory
) -> None:
    other = factory.space(name="Room 2", kind=SpaceKind.MEETING_ROOM, capacity=6)
    response = api.patch(
        f"/api/v1/bookings/{booking.id}",
        json={"space_id": other.id, "attendees": ["lead@council.example"], "title": "Review"},
    )
    assert response.status_code == 200
    assert response.json["space"]["name"] == "Room 2"
    assert response.json["attendees"] == ["lead@council.example"]
    assert response.json["title"] == "Review"
    assert response.json["start"] == "2030-01-08T10:00:00+00:00"


def test_a_change_onto_a_taken_time_is_409_and_changes_nothing(
    api: FlaskClient, booking: Booking, room: Space, factory: Factory, db_session: Session
) -> None:
    factory.booking(room, starts_at=datetime(2030, 1, 8, 14, tzinfo=UTC))
    response = api.patch(
        f"/api/v1/bookings/{booking.id}",
        json={"start": "2030-01-08T14:00", "end": "2030-01-08T15:00"},
    )
    assert response.status_code == 409
    assert response.json["type"].endswith("#problem-space-taken")
    db_session.expire_all()
    assert booking.starts_at == TUESDAY_10AM and booking.sequence == 0


def test_a_change_breaking_a_rule_is_422(api: FlaskClient, booking: Booking) -> None:
    response = api.patch(f"/api/v1/bookings/{booking.id}", json={"start": "2030-01-08T10:10"})
    assert response.status_code == 422
    assert response.json["detail"].startswith("Rooms are booked on the quarter hour")


def test_an_empty_change_is_422(api: FlaskClient, booking: Booking) -> None:
    response = api.patch(f"/api/v1/bookings/{booking.id}", json={})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["_schema"]


def test_cancelling_your_booking_frees_the_space(
    api: FlaskClient, booking: Booking, db_session: Session
) -> None:
    response = api.delete(f"/api/v1/bookings/{booking.id}")
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert response.json["cancelled_at"] == "2030-01-07T08:00:00+00:00"
    db_session.expire_all()
    assert booking.status is BookingStatus.CANCELLED
    again = api.delete(f"/api/v1/bookings/{booking.id}")
    assert again.status_code == 422
    assert again.json["detail"] == "This booking is already cancelled"


def test_a_building_manager_cancels_a_booking_in_their_building_with_a_reason(
    client: FlaskClient, factory: Factory, booking: Booking, room: Space, db_session: Session
) -> None:
    manager = as_(client, factory, factory.building_manager(room.building))
    without = manager.delete(f"/api/v1/bookings/{booking.id}")
    assert without.status_code == 422
    assert without.json["errors"] == {
        "reason": ["Say why you are cancelling: the booker will be told"]
    }
    response = manager.delete(f"/api/v1/bookings/{booking.id}?reason=Burst%20pipe")
    assert response.status_code == 200
    assert response.json["cancellation_reason"] == "Burst pipe"
    db_session.expire_all()
    assert booking.status is BookingStatus.CANCELLED


def test_a_manager_of_another_building_cannot_cancel(
    client: FlaskClient, factory: Factory, booking: Booking
) -> None:
    manager = as_(client, factory, factory.building_manager(factory.building()))
    assert_not_found(manager.delete(f"/api/v1/bookings/{booking.id}?reason=Because"))


def test_nobody_can_read_change_cancel_or_check_in_to_anothers_booking(
    client: FlaskClient, factory: Factory, booking: Booking, db_session: Session
) -> None:
    stranger = as_(client, factory, factory.person())
    path = f"/api/v1/bookings/{booking.id}"
    assert_not_found(stranger.get(path))
    assert_not_found(stranger.patch(path, json={"title": "Mine now"}))
    assert_not_found(stranger.delete(f"{path}?reason=Mine"))
    assert_not_found(stranger.post(f"{path}/check-in"))
    assert stranger.get("/api/v1/bookings").json == []
    db_session.expire_all()
    assert booking.status is BookingStatus.ACTIVE and booking.title == "Huddle"


def test_a_booking_that_does_not_exist_is_404(api: FlaskClient) -> None:
    assert_not_found(api.get("/api/v1/bookings/987654"))
    assert_not_found(api.get("/api/v1/bookings/99999999999999999999"))
    assert_not_found(api.get("/api/v1/bookings/0"))
    assert_not_found(api.get("/api/v1/bookings/abc"))


def test_checking_in_within_the_window(api: FlaskClient, booking: Booking) -> None:
    too_early = api.post(f"/api/v1/bookings/{booking.id}/check-in")
    assert too_early.status_code == 422
    assert "You can check in from" in too_early.json["detail"]
    clock[0] = datetime(2030, 1, 8, 9, 50, tzinfo=UTC)
    response = api.post(f"/api/v1/bookings/{booking.id}/check-in")
    assert response.status_code == 200
    assert response.json["checked_in_at"] == "2030-01-08T09:50:00+00:00"
