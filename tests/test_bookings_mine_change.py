"""Changing and cancelling a booking from My bookings; managers cancelling with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings import services
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 8, 8, 0, tzinfo=UTC)  # Tuesday 8 January 2030, 8am (UK time = UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def desk(factory: Factory) -> Space:
    return factory.space(factory.building(name="Reddish Library"), name="Desk 4")


@pytest.fixture
def nurse(factory: Factory, desk: Space) -> Person:
    return factory.person(organisation=desk.building.owner, name="Nia Nurse")


@pytest.fixture
def booking(factory: Factory, desk: Space, nurse: Person) -> Booking:
    return factory.booking(desk, nurse, starts_at=at(9, 9), ends_at=at(9, 12))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def change(space: Space, **overrides: str) -> dict[str, str]:
    return {
        "space": str(space.id),
        "day": "2030-01-09",
        "start": "13:00",
        "end": "17:00",
        **overrides,
    }


def test_the_change_form_starts_with_the_booking_as_it_is(
    booking: Booking, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    page = sign_in(nurse).get(f"/bookings/{booking.id}/change").get_data(as_text=True)
    assert 'value="2030-01-09"' in page
    assert 'value="09:00"' in page and 'value="12:00"' in page
    assert "Desk 4 (desk)" in page


def test_changing_the_time_keeps_the_booking_and_bumps_its_sequence(
    booking: Booking,
    desk: Space,
    nurse: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    response = sign_in(nurse).post(f"/bookings/{booking.id}/change", data=change(desk))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    db_session.expire_all()
    assert (booking.starts_at, booking.ends_at) == (at(9, 13), at(9, 17))
    assert booking.sequence == 1
    assert db_session.scalars(select(Booking)).all() == [booking]


def test_a_booking_can_move_to_another_space_in_the_building(
    booking: Booking,
    desk: Space,
    nurse: Person,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    quiet = factory.space(desk.building, name="Quiet room 1", kind=SpaceKind.QUIET_ROOM)
    factory.space(desk.building, name="Broken desk", bookable=False)
    client = sign_in(nurse)
    page = client.get(f"/bookings/{booking.id}/change").get_data(as_text=True)
    assert "Quiet room 1 (quiet room)" in page and "Broken desk" not in page
    response = client.post(
        f"/bookings/{booking.id}/change", data=change(quiet, start="09:00", end="12:00")
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert booking.space_id == quiet.id and not booking.is_desk


def test_a_space_in_another_building_is_not_a_choice(
    booking: Booking,
    factory: Factory,
    nurse: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    elsewhere = factory.space(factory.building(), name="Far desk")
    response = sign_in(nurse).post(f"/bookings/{booking.id}/change", data=change(elsewhere))
    assert response.status_code == 422
    assert "Select a space in this building" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "08:00"}, "end", "The end time must be after the start time"),
        ({"start": "07:00"}, "start", "Reddish Library is open 9am to 5pm"),
        ({"day": "2030-01-12"}, "start", "Reddish Library is closed on Saturday 12 January"),
        ({"day": "not a date"}, "day", "The date must be a real date"),
        ({"day": "2030-02-31"}, "day", "The date must be a real date"),
        ({"day": "2030-01-07"}, "start", "The start time has already passed"),
        ({"start": ""}, "start", "Enter the time the booking starts"),
    ],
)
def test_a_change_that_breaks_a_rule_is_refused_beside_the_field(
    overrides: dict[str, str],
    field: str,
    message: str,
    booking: Booking,
    desk: Space,
    nurse: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    response = sign_in(nurse).post(f"/bookings/{booking.id}/change", data=change(desk, **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    db_session.expire_all()
    assert (booking.starts_at, booking.sequence) == (at(9, 9), 0)


def test_moving_onto_a_taken_time_is_a_friendly_409(
    booking: Booking,
    desk: Space,
    nurse: Person,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    factory.booking(desk, factory.person(), starts_at=at(9, 14), ends_at=at(9, 16))
    response = sign_in(nurse).post(f"/bookings/{booking.id}/change", data=change(desk))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Sorry, Desk 4 has just been booked for some of that time." in page
    assert "Choose another time or another space in the building." in page
    db_session.expire_all()
    assert booking.starts_at == at(9, 9)


def test_a_room_booking_can_change_its_title_and_attendees(
    factory: Factory,
    desk: Space,
    nurse: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    room = factory.space(desk.building, name="Riverside room", kind=SpaceKind.MEETING_ROOM)
    booking = factory.booking(room, nurse, starts_at=at(9, 10), title="Case review")
    data = change(room, title="Weekly case review", attendees="a@nhs.example\nb@police.example")
    response = sign_in(nurse).post(f"/bookings/{booking.id}/change", data=data)
    assert response.status_code == 302
    db_session.expire_all()
    assert booking.title == "Weekly case review"
    assert [a.email for a in booking.attendees] == ["a@nhs.example", "b@police.example"]


def test_a_past_or_cancelled_booking_cannot_be_changed(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    past = factory.booking(desk, nurse, starts_at=at(7, 9))
    cancelled = factory.booking(desk, nurse, starts_at=at(10, 9), status=BookingStatus.CANCELLED)
    client = sign_in(nurse)
    for booking in (past, cancelled):
        response = client.get(f"/bookings/{booking.id}/change")
        assert response.headers["Location"] == f"/bookings/{booking.id}"
        response = client.post(f"/bookings/{booking.id}/change", data=change(desk))
        assert response.status_code == 302


def test_cancelling_frees_the_slot_at_once(
    booking: Booking,
    desk: Space,
    nurse: Person,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(nurse)
    page = client.get(f"/bookings/{booking.id}/cancel").get_data(as_text=True)
    assert "Cancel your booking?" in page and "Why are you cancelling" not in page
    response = client.post(f"/bookings/{booking.id}/cancel")
    assert response.headers["Location"] == "/bookings"
    db_session.expire_all()
    assert booking.status is BookingStatus.CANCELLED and booking.sequence == 1
    assert booking.cancelled_by_id == nurse.id
    someone = factory.person(organisation=desk.building.owner)
    again = services.book(db_session, someone, services.Proposal(desk, at(9, 9), at(9, 12)))
    assert again.id != booking.id


def test_a_manager_must_say_why_they_cancel_and_the_booker_is_told(
    booking: Booking,
    desk: Space,
    nurse: Person,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    manager = factory.building_manager(desk.building, name="Estelle Estates")
    client = sign_in(manager)
    page = client.get(f"/bookings/{booking.id}/cancel").get_data(as_text=True)
    assert "Why are you cancelling it?" in page and "booked by Nia Nurse" in page
    response = client.post(f"/bookings/{booking.id}/cancel", data={"reason": " "})
    assert response.status_code == 422
    assert "Say why you are cancelling: the booker will be told" in response.get_data(as_text=True)
    db_session.expire_all()
    assert booking.is_active

    response = client.post(
        f"/bookings/{booking.id}/cancel", data={"reason": "Desk needed for an inspection"}
    )
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    db_session.expire_all()
    assert booking.status is BookingStatus.CANCELLED
    assert booking.cancelled_by_id == manager.id
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "booking.cancel"))
    assert entry.actor_id == manager.id

    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    assert "was cancelled: “Desk needed for an inspection”" in page
    page = sign_in(nurse).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Cancelled by Estelle Estates" in page and "Desk needed for an inspection" in page
