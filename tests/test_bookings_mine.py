"""My bookings: the list, one booking's page, and who may see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.bookings.models import BookingStatus
from booking.catalogue.models import Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 8, 8, 0, tzinfo=UTC)  # Tuesday 8 January 2030, 8am (UK time = UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def desk(factory: Factory) -> Space:
    building = factory.building(name="Reddish Library")
    return factory.space(building, name="Desk 4")


@pytest.fixture
def nurse(factory: Factory, desk: Space) -> Person:
    return factory.person(organisation=desk.building.owner, name="Nia Nurse")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def test_upcoming_bookings_come_soonest_first_and_past_ones_most_recent_first(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    room = factory.space(desk.building, name="Riverside room", kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, nurse, starts_at=at(10, 14), title="Team Around the Place")
    factory.booking(desk, nurse, starts_at=at(9, 9), ends_at=at(9, 12))
    factory.booking(desk, nurse, starts_at=at(3, 9))
    factory.booking(desk, nurse, starts_at=at(7, 9))
    factory.booking(desk, nurse, starts_at=at(11, 9), status=BookingStatus.CANCELLED)
    factory.booking(desk, factory.person(), starts_at=at(8, 9))  # someone else's

    page = sign_in(nurse).get("/bookings").get_data(as_text=True)

    upcoming, past = page.split("Past and cancelled")
    assert upcoming.index("Wednesday 9 January 2030, 9am to 12pm (midday)") < upcoming.index(
        "Thursday 10 January 2030, 2pm to 3pm"
    )
    assert "Team Around the Place" in upcoming and "Reddish Library" in upcoming
    assert "Tuesday 8 January" not in page
    assert past.index("Friday 11 January 2030") < past.index("Monday 7 January 2030")
    assert past.index("Monday 7 January 2030") < past.index("Thursday 3 January 2030")
    assert "Cancelled" in past


def test_the_past_list_shows_twenty_and_offers_more(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    for days_ago in range(1, 26):
        start = NOW - timedelta(days=days_ago) + timedelta(hours=2)
        factory.booking(desk, nurse, starts_at=start)
    client = sign_in(nurse)
    page = client.get("/bookings").get_data(as_text=True)
    assert page.count('class="app-card"') == 20
    assert "Show more past bookings" in page and "/bookings?past=40" in page
    page = client.get("/bookings?past=40").get_data(as_text=True)
    assert page.count('class="app-card"') == 25
    assert "Show more past bookings" not in page


def test_tags_say_checked_in_and_not_checked_in(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    factory.booking(desk, nurse, starts_at=at(7, 9), checked_in_at=at(7, 9, 5))
    factory.booking(desk, nurse, starts_at=at(4, 9), status=BookingStatus.NO_SHOW)
    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    assert "Checked in" in page and "Not checked in" in page


def test_a_booking_cancelled_by_someone_else_is_announced_at_the_top_with_the_reason(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    manager = factory.building_manager(desk.building)
    factory.booking(
        desk,
        nurse,
        starts_at=at(15, 9),
        status=BookingStatus.CANCELLED,
        cancelled_by=manager,
        cancelled_at=NOW,
        cancellation_reason="Building closed: Water leak",
    )
    factory.booking(  # cancelled by the nurse herself: she knows
        desk, nurse, starts_at=at(16, 9), status=BookingStatus.CANCELLED, cancelled_by=nurse
    )
    factory.booking(  # cancelled by a manager but already over: old news
        desk,
        nurse,
        starts_at=at(2, 9),
        status=BookingStatus.CANCELLED,
        cancelled_by=manager,
        cancellation_reason="Fire alarm testing",
    )
    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    banner, _ = page.split("Your bookings</h1>")
    assert (
        "Desk 4 at Reddish Library on Tuesday 15 January 2030, 9am was cancelled: "
        "“Building closed: Water leak”" in banner
    )
    assert "Wednesday 16 January" not in banner and "Fire alarm testing" not in banner


@pytest.mark.parametrize(("no_shows", "reminded"), [(2, False), (3, True)])
def test_people_who_often_do_not_turn_up_are_reminded_to_cancel(
    no_shows: int,
    reminded: bool,
    factory: Factory,
    desk: Space,
    nurse: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    for days_ago in range(1, no_shows + 1):
        start = NOW - timedelta(days=days_ago) + timedelta(hours=2)
        factory.booking(desk, nurse, starts_at=start, status=BookingStatus.NO_SHOW)
    long_ago = NOW - timedelta(days=61)
    factory.booking(desk, nurse, starts_at=long_ago, status=BookingStatus.NO_SHOW)
    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    reminder = f"You did not check in to {no_shows} of your bookings in the last 60 days"
    assert (reminder in page) is reminded


def test_my_bookings_needs_signing_in(client: FlaskClient) -> None:
    response = client.get("/bookings")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_one_booking_shows_its_details_and_what_can_be_done(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    booking = factory.booking(desk, nurse, starts_at=at(9, 9), ends_at=at(9, 17))
    page = sign_in(nurse).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Desk 4" in page and "Reddish Library" in page
    assert "Wednesday 9 January 2030, 9am to 5pm" in page
    assert f"/bookings/{booking.id}/change" in page
    assert f"/bookings/{booking.id}/cancel" in page
    assert "cancel-repeating" not in page


def test_a_room_booking_shows_its_title_and_attendees(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    room = factory.space(desk.building, name="Riverside room", kind=SpaceKind.MEETING_ROOM)
    booking = factory.booking(room, nurse, starts_at=at(9, 10), title="Case review")
    from booking.bookings.models import BookingAttendee

    booking.attendees.append(BookingAttendee(email="pcso@police.example"))
    factory.session.flush()
    page = sign_in(nurse).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Case review" in page and "pcso@police.example" in page


def test_other_peoples_bookings_do_not_exist(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    booking = factory.booking(desk, factory.person(), starts_at=at(9, 9))
    client = sign_in(nurse)
    for url in (
        f"/bookings/{booking.id}",
        f"/bookings/{booking.id}/change",
        f"/bookings/{booking.id}/cancel",
        "/bookings/999999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/bookings/{booking.id}/cancel").status_code == 404
    assert client.post(f"/bookings/{booking.id}/change").status_code == 404


def test_a_building_manager_sees_bookings_in_their_building_but_cannot_change_them(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    booking = factory.booking(desk, nurse, starts_at=at(9, 9))
    client = sign_in(factory.building_manager(desk.building))
    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Booked by" in page and "Nia Nurse" in page
    assert f"/bookings/{booking.id}/cancel" in page
    assert f"/bookings/{booking.id}/change" not in page
    assert client.get(f"/bookings/{booking.id}/change").status_code == 404


def test_a_manager_of_another_building_cannot_see_the_booking(
    factory: Factory, desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    booking = factory.booking(desk, nurse, starts_at=at(9, 9))
    client = sign_in(factory.building_manager(factory.building()))
    assert client.get(f"/bookings/{booking.id}").status_code == 404
    assert client.get(f"/bookings/{booking.id}/cancel").status_code == 404
