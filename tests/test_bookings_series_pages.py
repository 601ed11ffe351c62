"""The repeating booking pages: the form, the preview of free dates, booking them, the series."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingSeries, BookingStatus
from booking.catalogue.models import BankHoliday, Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)  # Friday 1 May 2026


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def room(factory: Factory) -> Space:
    return factory.space(kind=SpaceKind.MEETING_ROOM, name="Riverside room", capacity=8)


@pytest.fixture
def person(factory: Factory, room: Space) -> Person:
    return factory.person(organisation=room.building.owner, name="Nadia Nurse")


@pytest.fixture
def client(sign_in: Callable[[Person], FlaskClient], person: Person) -> FlaskClient:
    return sign_in(person)


def form(**overrides: Any) -> dict[str, Any]:
    """Tuesdays and Thursdays, 10am to 11:30am, four times from Tuesday 5 May 2026."""
    return {
        "title": "Team around the place",
        "attendees": "pcso@police.example, worker@community.example",
        "starts_on": "2026-05-05",
        "start_time": "10:00",
        "duration": "90",
        "frequency": "weekly",
        "weekdays": ["1", "3"],
        "ends": "count",
        "count": "4",
        "until": "",
        **overrides,
    }


def seen(page: str) -> list[str]:
    return re.findall(r'name="seen" value="([0-9-]+)"', page)


def series_count(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(BookingSeries)) or 0


def test_the_form_asks_for_the_pattern(client: FlaskClient, room: Space) -> None:
    response = client.get(f"/spaces/{room.id}/book-repeating")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Make a repeating booking" in page
    assert 'value="2026-05-01"' in page  # the first date starts as today
    for label in ("Every day the building is open", "Thursday", "After a number of times"):
        assert label in page
    assert "up to 52 dates" in page


def test_desks_have_no_repeating_booking_page(client: FlaskClient, factory: Factory) -> None:
    desk = factory.space(kind=SpaceKind.DESK)

    assert client.get(f"/spaces/{desk.id}/book-repeating").status_code == 404
    assert client.get("/spaces/999999/book-repeating").status_code == 404


def test_the_preview_shows_which_dates_are_free_and_which_are_not(
    client: FlaskClient, room: Space, factory: Factory, db_session: Session
) -> None:
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 7, 9, tzinfo=UTC),
        ends_at=datetime(2026, 5, 7, 10, tzinfo=UTC),
    )

    response = client.post(f"/spaces/{room.id}/book-repeating", data=form())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Every Tuesday and Thursday, 10am to 11:30am, 4 occurrences" in page
    assert "3 of 4 dates are free" in page
    assert "Thursday 7 May 2026" in page
    assert "Riverside room is already booked for some of that time" in page
    assert "Book 3 dates" in page
    assert seen(page) == ["2026-05-05", "2026-05-12", "2026-05-14"]
    assert 'name="weekdays" value="3"' in page  # the answers are carried to the next step
    assert series_count(db_session) == 0


def test_a_series_capped_at_52_dates_says_so(client: FlaskClient, room: Space) -> None:
    data = form(frequency="daily", ends="until", until="2026-12-31", count="")

    page = client.post(f"/spaces/{room.id}/book-repeating", data=data).get_data(as_text=True)

    assert "can have up to 52 dates, so this one stops on Wednesday 15 July 2026" in page
    assert "52 occurrences" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "Select the days of the week the booking repeats on"),
        ({"count": "53"}, "count", "Enter a number of times from 1 to 52"),
        ({"ends": "until", "until": ""}, "until", "Enter the last date"),
        ({"ends": "until", "until": "2026-05-01"}, "until", "on or after the first date"),
        ({"title": ""}, "title", "Enter a title for the booking"),
        ({"attendees": "not-an-address"}, "attendees", "not-an-address is not an email address"),
        ({"starts_on": "2026-02-30"}, "starts_on", "The first date must be a real date"),
    ],
)
def test_a_pattern_with_a_mistake_is_shown_again_with_the_message(
    client: FlaskClient,
    room: Space,
    db_session: Session,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client.post(f"/spaces/{room.id}/book-repeating", data=form(**overrides))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}"' in page
    assert "<title>Error: " in page
    assert series_count(db_session) == 0


def test_booking_the_free_dates_books_exactly_those(
    client: FlaskClient, room: Space, person: Person, factory: Factory, db_session: Session
) -> None:
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 7, 9, tzinfo=UTC),
        ends_at=datetime(2026, 5, 7, 10, tzinfo=UTC),
    )
    page = client.post(f"/spaces/{room.id}/book-repeating", data=form()).get_data(as_text=True)

    response = client.post(
        f"/spaces/{room.id}/book-repeating", data={**form(), "seen": seen(page), "choice": "free"}
    )

    series = db_session.scalars(select(BookingSeries)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/series/{series.id}"
    bookings = db_session.scalars(
        select(Booking).where(Booking.person_id == person.id).order_by(Booking.starts_at)
    ).all()
    assert [b.starts_at.day for b in bookings] == [5, 12, 14]
    assert {b.title for b in bookings} == {"Team around the place"}
    assert [a.email for a in bookings[0].attendees] == [
        "pcso@police.example",
        "worker@community.example",
    ]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Riverside room is booked for 3 dates." in shown


def test_choosing_cancel_books_nothing(
    client: FlaskClient, room: Space, db_session: Session
) -> None:
    page = client.post(f"/spaces/{room.id}/book-repeating", data=form()).get_data(as_text=True)

    response = client.post(
        f"/spaces/{room.id}/book-repeating", data={**form(), "seen": seen(page), "choice": "none"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/spaces/{room.id}/book"
    assert series_count(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(Booking)) == 0


def test_changing_the_details_goes_back_to_the_form_with_the_answers(
    client: FlaskClient, room: Space
) -> None:
    response = client.post(f"/spaces/{room.id}/book-repeating", data={**form(), "choice": "change"})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Make a repeating booking" in page and 'value="Team around the place"' in page


def test_a_date_taken_between_the_preview_and_booking_means_nothing_is_booked(
    client: FlaskClient, room: Space, person: Person, factory: Factory, db_session: Session
) -> None:
    page = client.post(f"/spaces/{room.id}/book-repeating", data=form()).get_data(as_text=True)
    assert seen(page) == ["2026-05-05", "2026-05-07", "2026-05-12", "2026-05-14"]
    factory.booking(
        room,
        starts_at=datetime(2026, 5, 12, 10, tzinfo=UTC),
        ends_at=datetime(2026, 5, 12, 11, tzinfo=UTC),
    )

    response = client.post(
        f"/spaces/{room.id}/book-repeating", data={**form(), "seen": seen(page), "choice": "free"}
    )

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "nothing has been booked" in page
    assert "Riverside room is already booked for some of that time" in page
    assert "Book 3 dates" in page and seen(page) == ["2026-05-05", "2026-05-07", "2026-05-14"]
    assert series_count(db_session) == 0
    assert db_session.scalars(select(Booking).where(Booking.person_id == person.id)).all() == []


def test_tampered_dates_are_refused(client: FlaskClient, room: Space) -> None:
    response = client.post(
        f"/spaces/{room.id}/book-repeating",
        data={**form(), "seen": ["yesterday"], "choice": "free"},
    )

    assert response.status_code == 400


def book(client: FlaskClient, room: Space, **overrides: Any) -> int:
    page = client.post(f"/spaces/{room.id}/book-repeating", data=form(**overrides))
    response = client.post(
        f"/spaces/{room.id}/book-repeating",
        data={**form(**overrides), "seen": seen(page.get_data(as_text=True)), "choice": "free"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_series_page_gives_the_pattern_in_words_and_every_date(
    client: FlaskClient, room: Space, db_session: Session
) -> None:
    db_session.add(BankHoliday(day=datetime(2026, 5, 12).date(), title="Made-up holiday"))
    db_session.flush()
    series_id = book(client, room)

    response = client.get(f"/series/{series_id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Every Tuesday and Thursday, 10am to 11:30am, 4 occurrences" in page
    bookings = db_session.scalars(select(Booking).where(Booking.series_id == series_id)).all()
    assert len(bookings) == 3
    for booking in bookings:
        assert f'href="/bookings/{booking.id}"' in page
        assert f'href="/bookings/{booking.id}/cancel-repeating"' in page
    assert "Tuesday 12 May 2026" in page and "Not booked" in page


def test_only_the_booker_and_the_buildings_managers_see_a_series(
    client: FlaskClient,
    room: Space,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    series_id = book(client, room)

    sign_in(factory.person())
    assert client.get(f"/series/{series_id}").status_code == 404
    assert client.get("/series/999999").status_code == 404

    sign_in(factory.building_manager(room.building))
    page = client.get(f"/series/{series_id}").get_data(as_text=True)
    assert "Booked by" in page and "Nadia Nurse" in page


# Cancelling from the pages.


def occurrence(db_session: Session, series_id: int, index: int) -> Booking:
    return db_session.scalars(
        select(Booking).where(Booking.series_id == series_id).order_by(Booking.starts_at)
    ).all()[index]


def test_cancelling_this_and_the_following_dates_asks_first(
    client: FlaskClient, room: Space, db_session: Session
) -> None:
    series_id = book(client, room)
    second = occurrence(db_session, series_id, 1)
    url = f"/bookings/{second.id}/cancel-repeating"

    page = client.get(url).get_data(as_text=True)
    assert "Only this one" in page and "This and all following" in page
    assert "The whole series" in page and "3 dates" in page

    confirm = client.post(url, data={"scope": "following"})
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "Cancel 3 dates?" in page
    assert "Thursday 7 May 2026, 10am" in page and "Thursday 14 May 2026, 10am" in page
    db_session.expire_all()
    assert second.status is BookingStatus.ACTIVE  # nothing yet

    done = client.post(url, data={"scope": "following", "confirmed": "yes"})

    assert done.status_code == 302 and done.headers["Location"] == f"/series/{series_id}"
    db_session.expire_all()
    statuses = [occurrence(db_session, series_id, i).status for i in range(4)]
    assert statuses == [BookingStatus.ACTIVE] + [BookingStatus.CANCELLED] * 3
    assert "3 dates cancelled." in client.get(done.headers["Location"]).get_data(as_text=True)


def test_a_manager_cancelling_a_series_must_give_a_reason(
    client: FlaskClient,
    room: Space,
    factory: Factory,
    db_session: Session,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    series_id = book(client, room)
    first = occurrence(db_session, series_id, 0)
    sign_in(factory.building_manager(room.building))
    url = f"/bookings/{first.id}/cancel-repeating"

    response = client.post(url, data={"scope": "all", "reason": ""})
    assert response.status_code == 422
    assert "Say why you are cancelling" in response.get_data(as_text=True)

    page = client.post(url, data={"scope": "all", "reason": "Flooded"}).get_data(as_text=True)
    assert "Nadia Nurse will be told" in page and "Flooded" in page
    client.post(url, data={"scope": "all", "reason": "Flooded", "confirmed": "yes"})

    db_session.expire_all()
    bookings = db_session.scalars(select(Booking).where(Booking.series_id == series_id)).all()
    assert {(b.status, b.cancellation_reason) for b in bookings} == {
        (BookingStatus.CANCELLED, "Flooded")
    }


def test_nobody_else_can_reach_the_cancel_page(
    client: FlaskClient,
    room: Space,
    factory: Factory,
    db_session: Session,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    series_id = book(client, room)
    first = occurrence(db_session, series_id, 0)
    single = factory.booking(room)

    assert client.get(f"/bookings/{single.id}/cancel-repeating").status_code == 404
    sign_in(factory.person())
    url = f"/bookings/{first.id}/cancel-repeating"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"scope": "all", "confirmed": "yes"}).status_code == 404
    db_session.expire_all()
    assert first.status is BookingStatus.ACTIVE


def test_choosing_no_dates_to_cancel_is_explained(
    client: FlaskClient, room: Space, db_session: Session
) -> None:
    series_id = book(client, room)
    url = f"/bookings/{occurrence(db_session, series_id, 0).id}/cancel-repeating"

    response = client.post(url, data={})

    assert response.status_code == 422
    assert "Choose which dates to cancel" in response.get_data(as_text=True)
