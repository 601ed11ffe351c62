"""Rating a space in one tap: only the booker, only once they have used it, never a cancelled
or released booking; rating again changes the rating."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space
from booking.feedback.models import SpaceRating
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
NOW = datetime(2030, 1, 8, 12, tzinfo=UTC)  # Tuesday 8 January 2030, 12pm (UK time = UTC)
GOOD, OK, POOR = "3", "2", "1"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def desk(factory: Factory) -> Space:
    return factory.space(factory.building(name="Reddish Library"), name="Desk 4")


@pytest.fixture
def nurse(factory: Factory, desk: Space) -> Person:
    return factory.person(organisation=desk.building.owner, name="Nia Nurse")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def yesterdays(factory: Factory, desk: Space, nurse: Person) -> Booking:
    return factory.booking(desk, nurse, starts_at=at(7, 9), ends_at=at(7, 17))


def rate(client: FlaskClient, booking: Booking, rating: str, **fields: str) -> Any:
    return client.post(f"/bookings/{booking.id}/rating", data={"rating": rating, **fields})


def ratings(db_session: Session) -> list[tuple[int, int, int]]:
    db_session.expire_all()
    return [
        (r.booking_id, r.space_id, r.rating)
        for r in db_session.scalars(select(SpaceRating).order_by(SpaceRating.booking_id))
    ]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_booker_rates_a_booking_that_has_ended_in_one_tap(
    sign_in: SignIn, nurse: Person, yesterdays: Booking, desk: Space, db_session: Session
) -> None:
    client = sign_in(nurse)

    response = rate(client, yesterdays, GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{yesterdays.id}"
    assert ratings(db_session) == [(yesterdays.id, desk.id, 3)]
    page = text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Thank you: you rated Desk 4 as good." in page
    assert "You rated this space good . Tap another to change it." in page


def test_rating_again_changes_the_rating(
    sign_in: SignIn, nurse: Person, yesterdays: Booking, desk: Space, db_session: Session
) -> None:
    client = sign_in(nurse)

    rate(client, yesterdays, GOOD)
    rate(client, yesterdays, POOR)

    assert ratings(db_session) == [(yesterdays.id, desk.id, 1)]


def test_a_booking_in_progress_can_be_rated_once_checked_in(
    factory: Factory, sign_in: SignIn, nurse: Person, desk: Space, db_session: Session
) -> None:
    booking = factory.booking(
        desk, nurse, starts_at=at(8, 11), ends_at=at(8, 15), checked_in_at=at(8, 11, 5)
    )

    rate(sign_in(nurse), booking, OK)

    assert ratings(db_session) == [(booking.id, desk.id, 2)]


def test_a_booking_not_yet_used_cannot_be_rated(
    factory: Factory, sign_in: SignIn, nurse: Person, desk: Space, db_session: Session
) -> None:
    started = factory.booking(desk, nurse, starts_at=at(8, 11), ends_at=at(8, 15))
    tomorrows = factory.booking(desk, nurse, starts_at=at(9, 9), ends_at=at(9, 12))
    client = sign_in(nurse)

    for booking in (started, tomorrows):
        response = rate(client, booking, GOOD)
        assert response.status_code == 302
        page = text(client.get(response.headers["Location"]).get_data(as_text=True))
        assert "You can give feedback once you have checked in or the booking has ended." in page
        assert "How was Desk 4?" not in page

    assert ratings(db_session) == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (BookingStatus.CANCELLED, "This booking was cancelled"),
        (BookingStatus.NO_SHOW, "Nobody checked in to this booking"),
    ],
)
def test_a_cancelled_or_released_booking_cannot_be_rated(
    factory: Factory,
    sign_in: SignIn,
    nurse: Person,
    desk: Space,
    db_session: Session,
    status: BookingStatus,
    reason: str,
) -> None:
    booking = factory.booking(desk, nurse, starts_at=at(7, 9), status=status)
    client = sign_in(nurse)

    response = rate(client, booking, GOOD)

    assert reason in text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert ratings(db_session) == []


def test_someone_elses_booking_cannot_be_rated_or_even_seen(
    factory: Factory, sign_in: SignIn, yesterdays: Booking, db_session: Session
) -> None:
    response = rate(sign_in(factory.person()), yesterdays, POOR)

    assert response.status_code == 404
    assert ratings(db_session) == []


def test_a_rating_that_is_not_one_of_the_buttons_is_refused(
    sign_in: SignIn, nurse: Person, yesterdays: Booking, db_session: Session
) -> None:
    assert rate(sign_in(nurse), yesterdays, "5").status_code == 400
    assert ratings(db_session) == []


def test_the_booking_page_offers_the_three_buttons_only_to_the_booker_once_used(
    factory: Factory, sign_in: SignIn, nurse: Person, desk: Space, yesterdays: Booking
) -> None:
    tomorrows = factory.booking(desk, nurse, starts_at=at(9, 9))
    manager = factory.building_manager(desk.building)

    used = text(sign_in(nurse).get(f"/bookings/{yesterdays.id}").get_data(as_text=True))
    unused = text(sign_in(nurse).get(f"/bookings/{tomorrows.id}").get_data(as_text=True))
    managers = text(sign_in(manager).get(f"/bookings/{yesterdays.id}").get_data(as_text=True))

    assert "How was Desk 4?" in used
    assert "Good : rate Desk 4 good OK : rate Desk 4 ok Poor : rate Desk 4 poor" in used
    assert "Report a problem with Desk 4" in used
    assert "How was Desk 4?" not in unused and "Report a problem" not in unused
    assert "How was Desk 4?" not in managers and "Report a problem" not in managers


def test_past_bookings_on_my_bookings_are_rated_from_the_list_and_it_comes_back_to_the_list(
    factory: Factory,
    sign_in: SignIn,
    nurse: Person,
    desk: Space,
    yesterdays: Booking,
    db_session: Session,
) -> None:
    factory.booking(desk, nurse, starts_at=at(3, 9), status=BookingStatus.CANCELLED)
    client = sign_in(nurse)
    listed = client.get("/bookings").get_data(as_text=True)
    assert listed.count(f'action="/bookings/{yesterdays.id}/rating"') == 1
    assert listed.count('name="rating"') == 3  # the three buttons of the one used booking
    assert 'name="back" value="bookings"' in listed

    response = rate(client, yesterdays, OK, back="bookings")

    assert response.headers["Location"] == "/bookings"
    assert ratings(db_session) == [(yesterdays.id, desk.id, 2)]
    assert "You rated this space ok ." in text(client.get("/bookings").get_data(as_text=True))


# The API.


@pytest.fixture
def api(client: FlaskClient, factory: Factory, nurse: Person) -> FlaskClient:
    _token, secret = factory.access_token(nurse)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_api_rates_a_booking_in_words(
    api: FlaskClient, yesterdays: Booking, desk: Space, db_session: Session
) -> None:
    response = api.post(f"/api/v1/bookings/{yesterdays.id}/rating", json={"rating": "good"})

    assert response.status_code == 200, response.json
    assert response.json == {
        "booking_id": yesterdays.id,
        "rating": "good",
        "rated_at": "2030-01-08T12:00:00+00:00",
    }
    assert ratings(db_session) == [(yesterdays.id, desk.id, 3)]


def test_the_api_refuses_a_rating_it_cannot_take_as_a_problem(
    factory: Factory, api: FlaskClient, nurse: Person, desk: Space, yesterdays: Booking
) -> None:
    tomorrows = factory.booking(desk, nurse, starts_at=at(9, 9))
    someone_elses = factory.booking(desk, starts_at=at(4, 9))

    wrong = api.post(f"/api/v1/bookings/{yesterdays.id}/rating", json={"rating": "meh"})
    early = api.post(f"/api/v1/bookings/{tomorrows.id}/rating", json={"rating": "ok"})
    hidden = api.post(f"/api/v1/bookings/{someone_elses.id}/rating", json={"rating": "ok"})

    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
    assert wrong.json["type"].endswith("#problem-invalid-request")
    assert list(wrong.json["errors"]) == ["rating"]
    assert early.status_code == 422
    assert early.json["type"].endswith("#problem-feedback-rule")
    assert "once you have checked in or the booking has ended" in early.json["detail"]
    assert hidden.status_code == 404
