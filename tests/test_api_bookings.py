"""Booking through the API: 201 with the booking, 409 when taken, 422 when a rule is broken."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import BuildingAccess, Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # Monday 7 January 2030, 8am (GMT)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person(email="nurse@nhs.example")


@pytest.fixture
def api(client: FlaskClient, factory: Factory, person: Person) -> FlaskClient:
    _token, secret = factory.access_token(person)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def desk(factory: Factory) -> Space:
    return factory.space(building=factory.building(name="Reddish Library"), name="Desk 1")


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(name="Room 1", kind=SpaceKind.MEETING_ROOM, capacity=4)


def assert_problem(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    problem: dict[str, Any] = response.json
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if kind:
        assert problem["type"] == f"http://localhost/api/docs#problem-{kind}"
    return problem


def active_bookings(db_session: Session) -> int:
    db_session.expire_all()
    return (
        db_session.scalar(select(func.count()).where(Booking.status == BookingStatus.ACTIVE)) or 0
    )


def test_booking_a_desk_answers_201_with_the_booking_and_where_it_lives(
    api: FlaskClient, desk: Space, db_session: Session
) -> None:
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": desk.id, "start": "2030-01-08T09:00", "end": "2030-01-08T12:30"},
    )
    assert response.status_code == 201 and response.mimetype == "application/json"
    booking = response.json
    assert response.headers["Location"] == f"/api/v1/bookings/{booking['id']}"
    assert booking["status"] == "active"
    assert booking["start"] == "2030-01-08T09:00:00+00:00"
    assert booking["end"] == "2030-01-08T12:30:00+00:00"
    assert booking["space"] == {
        "id": desk.id,
        "name": "Desk 1",
        "kind": "desk",
        "building": {"id": desk.building_id, "name": "Reddish Library"},
    }
    assert booking["attendees"] == [] and booking["checked_in_at"] is None
    assert booking["series_id"] is None and booking["cancelled_at"] is None
    assert active_bookings(db_session) == 1
    assert api.get(response.headers["Location"]).json == booking


def test_booking_a_room_takes_a_title_and_attendees(api: FlaskClient, room: Space) -> None:
    response = api.post(
        "/api/v1/bookings",
        json={
            "space_id": room.id,
            "start": "2030-01-08T10:00:00Z",
            "end": "2030-01-08T11:30:00Z",
            "title": "Team around the place",
            "attendees": ["PCSO@police.example", "worker@community.example"],
        },
    )
    assert response.status_code == 201
    assert response.json["title"] == "Team around the place"
    assert response.json["attendees"] == ["pcso@police.example", "worker@community.example"]


def test_a_time_someone_else_has_is_409_and_nothing_is_saved(
    api: FlaskClient, desk: Space, factory: Factory, db_session: Session
) -> None:
    factory.booking(desk, starts_at=datetime(2030, 1, 8, 11, tzinfo=UTC))
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": desk.id, "start": "2030-01-08T09:00", "end": "2030-01-08T12:00"},
    )
    problem = assert_problem(response, 409, "space-taken")
    assert problem["detail"] == "Sorry, Desk 1 has just been booked for some of that time."
    assert "errors" not in problem
    assert active_bookings(db_session) == 1


def test_back_to_back_bookings_both_succeed(
    api: FlaskClient, desk: Space, factory: Factory
) -> None:
    factory.booking(desk, starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC))
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": desk.id, "start": "2030-01-08T10:00", "end": "2030-01-08T11:00"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("start", "end", "message", "field"),
    [
        ("2030-01-07T07:00", "2030-01-07T09:00", "The start time has already passed", "start"),
        ("2030-01-08T08:00", "2030-01-08T10:00", "Reddish Library is open 9am to 5pm", "start"),
        ("2030-01-08T12:00", "2030-01-08T11:00", "The end time must be after the start", "end"),
        ("2030-01-12T10:00", "2030-01-12T11:00", "Reddish Library is closed on", "start"),
        ("2030-03-05T10:00", "2030-03-05T11:00", "up to 28 days ahead", "start"),
    ],
)
def test_a_broken_rule_is_422_with_the_rules_message(
    api: FlaskClient,
    desk: Space,
    db_session: Session,
    start: str,
    end: str,
    message: str,
    field: str,
) -> None:
    response = api.post("/api/v1/bookings", json={"space_id": desk.id, "start": start, "end": end})
    problem = assert_problem(response, 422, "booking-rule")
    assert message in problem["detail"]
    assert problem["errors"] == {field: [problem["detail"]]}
    assert active_bookings(db_session) == 0


def test_one_desk_at_a_time_is_a_rule_not_a_conflict(
    api: FlaskClient, desk: Space, factory: Factory, person: Person
) -> None:
    factory.booking(factory.space(), person, starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC))
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": desk.id, "start": "2030-01-08T09:00", "end": "2030-01-08T10:00"},
    )
    problem = assert_problem(response, 422, "booking-rule")
    assert "You already have a desk booked" in problem["detail"]


def test_a_restricted_building_cannot_be_booked(api: FlaskClient, factory: Factory) -> None:
    owner = factory.organisation(name="NHS Trust")
    space = factory.space(building=factory.building(owner=owner, access=BuildingAccess.LISTED))
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": space.id, "start": "2030-01-08T09:00", "end": "2030-01-08T10:00"},
    )
    assert "Only staff of NHS Trust" in assert_problem(response, 422)["detail"]


def test_too_many_attendees_for_the_room(api: FlaskClient, room: Space) -> None:
    response = api.post(
        "/api/v1/bookings",
        json={
            "space_id": room.id,
            "start": "2030-01-08T10:00",
            "end": "2030-01-08T11:00",
            "attendees": [f"person{n}@example.org" for n in range(4)],
        },
    )
    problem = assert_problem(response, 422, "booking-rule")
    assert list(problem["errors"]) == ["attendees"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"space_id", "start", "end"}),
        ({"space_id": "1", "start": "2030-01-08T10:00", "end": "2030-01-08T11:00"}, {"space_id"}),
        (
            {"space_id": 987654, "start": "2030-01-08T10:00", "end": "2030-01-08T11:00"},
            {"space_id"},
        ),
        ({"space_id": 1, "start": "tomorrow", "end": "2030-01-08T11:00"}, {"start"}),
        ({"space_id": 1, "start": "2030-01-08", "end": "2030-01-08T11:00"}, {"start"}),
        ({"space_id": 1, "start": "2030-02-30T10:00", "end": "2030-01-08T11:00"}, {"start"}),
        ({"space_id": 1, "start": "1066-10-14T10:00", "end": "2030-01-08T11:00"}, {"start"}),
        ({"space_id": 1, "start": "2030-01-08T10:00", "end": None}, {"end"}),
        (
            {"space_id": 1, "start": "2030-01-08T10:00", "end": "2030-01-08T11:00", "x": 1},
            {"x"},
        ),
        (
            {
                "space_id": 1,
                "start": "2030-01-08T10:00",
                "end": "2030-01-08T11:00",
                "title": "a\u0000b",
            },
            {"title"},
        ),
        (
            {
                "space_id": 1,
                "start": "2030-01-08T10:00",
                "end": "2030-01-08T11:00",
                "attendees": ["ok@example.org", 7],
            },
            {"attendees.1"},
        ),
    ],
)
def test_mistakes_in_the_body_are_422_naming_each_field(
    api: FlaskClient, body: dict[str, Any], fields: set[str]
) -> None:
    problem = assert_problem(api.post("/api/v1/bookings", json=body), 422, "invalid-request")
    assert set(problem["errors"]) == fields


def test_your_bookings_are_listed_upcoming_first(
    api: FlaskClient, factory: Factory, person: Person, desk: Space
) -> None:
    later = factory.booking(desk, person, starts_at=datetime(2030, 1, 9, 9, tzinfo=UTC))
    sooner = factory.booking(desk, person, starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC))
    factory.booking(desk, person, starts_at=datetime(2030, 1, 4, 9, tzinfo=UTC))  # past
    factory.booking(desk, starts_at=datetime(2030, 1, 8, 14, tzinfo=UTC))  # someone else's
    cancelled = factory.booking(
        desk,
        person,
        starts_at=datetime(2030, 1, 10, 9, tzinfo=UTC),
        status=BookingStatus.CANCELLED,
    )

    def ids(query: str = "") -> list[int]:
        response = api.get(f"/api/v1/bookings{query}")
        assert response.status_code == 200
        return [booking["id"] for booking in response.json]

    assert ids() == [sooner.id, later.id, cancelled.id]
    assert ids("?status=active") == [sooner.id, later.id]
    assert ids("?to=2030-01-09T00:00") == [sooner.id]
    assert len(ids("?from=2030-01-01T00:00Z")) == 4
    assert ids("?limit=1") == [sooner.id]
