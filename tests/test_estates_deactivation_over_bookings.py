"""Taking buildings and spaces out of use over existing bookings: see them first, then cancel."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import BankHoliday, Building, Space
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # Monday 7 January 2030, 8am (UK time = UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def building(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def desk(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Desk 4")


@pytest.fixture
def room(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Riverside room")


@pytest.fixture
def manager(factory: Factory, building: Building) -> Person:
    return factory.building_manager(building, name="Estelle Estates")


@pytest.fixture
def client(manager: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(manager)


@pytest.fixture
def nurse(factory: Factory, building: Building) -> Person:
    return factory.person(organisation=building.owner, name="Nia Nurse")


def at(day: int, hour: int) -> datetime:
    return datetime(2030, 1, day, hour, tzinfo=UTC)


def confirmation(page: str) -> dict[str, str]:
    """The hidden fields of the confirmation page's form, as the browser would send them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def actions(db_session: Session) -> list[str]:
    return list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def untouched(factory: Factory, desk: Space, nurse: Person) -> list[Booking]:
    """Bookings that no change may cancel: one already over, one already cancelled."""
    return [
        factory.booking(desk, nurse, starts_at=at(4, 9)),
        factory.booking(desk, nurse, starts_at=at(8, 14), status=BookingStatus.CANCELLED),
    ]


def test_deactivating_a_building_lists_its_upcoming_bookings_and_saves_nothing_yet(
    client: FlaskClient,
    building: Building,
    desk: Space,
    room: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    in_progress = factory.booking(desk, nurse, starts_at=at(7, 7), ends_at=at(7, 9))
    later = factory.booking(room, starts_at=at(9, 10))
    kept = untouched(factory, desk, nurse)
    factory.booking(factory.space(factory.building()), starts_at=at(8, 10))  # elsewhere

    response = client.get(f"/estates/buildings/{building.id}/deactivate")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Deactivating Reddish Library would cancel 2 bookings" in page
    assert "nobody will be able to book them" in page
    assert "Reddish Library is no longer available to book" in page
    assert "Desk 4" in page and "Monday 7 January 2030, 7am to 9am" in page
    assert "Riverside room" in page and "Nia Nurse" in page and nurse.email in page
    assert "Deactivate building and cancel 2 bookings" in page
    assert "The list has changed" not in page
    assert f'href="/estates/buildings/{building.id}">Do not deactivate Reddish Library' in page
    assert confirmation(page)["confirmed"] == f"{in_progress.id},{later.id}"
    db_session.expire_all()
    assert building.active
    assert in_progress.is_active and later.is_active
    assert [b.status for b in kept] == [BookingStatus.ACTIVE, BookingStatus.CANCELLED]
    assert actions(db_session) == []


def test_confirming_deactivates_the_building_and_cancels_its_bookings_with_the_reason(
    client: FlaskClient,
    building: Building,
    desk: Space,
    room: Space,
    nurse: Person,
    manager: Person,
    factory: Factory,
    db_session: Session,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    other = factory.booking(room, starts_at=at(9, 10))
    past, cancelled = untouched(factory, desk, nurse)
    url = f"/estates/buildings/{building.id}/deactivate"
    page = client.get(url).get_data(as_text=True)

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    db_session.expire_all()
    assert not building.active
    for booking in (hit, other):
        assert booking.status is BookingStatus.CANCELLED
        assert booking.cancellation_reason == "Reddish Library is no longer available to book"
        assert booking.cancelled_by_id == manager.id
        assert booking.sequence == 1
    assert past.is_active and past.sequence == 0
    assert cancelled.cancellation_reason == "" and cancelled.sequence == 0
    assert actions(db_session) == ["building.deactivate", "booking.cancel", "booking.cancel"]
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reddish Library has been deactivated. 2 bookings have been cancelled" in flashed

    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    assert (
        "Desk 4 at Reddish Library on Tuesday 8 January 2030, 10am was cancelled: "
        "“Reddish Library is no longer available to book”" in page
    )


def test_a_booking_made_since_the_manager_looked_is_shown_before_the_building_is_deactivated(
    client: FlaskClient,
    building: Building,
    desk: Space,
    room: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    first = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/buildings/{building.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    late = factory.booking(room, starts_at=at(10, 11))

    response = client.post(url, data=confirmation(page))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Deactivating Reddish Library would cancel 2 bookings" in page
    assert "The list has changed since you last looked" in page
    assert confirmation(page)["confirmed"] == f"{first.id},{late.id}"
    db_session.expire_all()
    assert building.active and first.is_active and late.is_active
    assert actions(db_session) == []

    client.post(url, data=confirmation(page))
    db_session.expire_all()
    assert not building.active
    assert first.status is late.status is BookingStatus.CANCELLED


def test_bookings_made_after_a_plain_confirmation_page_are_shown_before_anything_changes(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    url = f"/estates/buildings/{building.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert "Deactivate building" in page and "would cancel" not in page
    late = factory.booking(desk, nurse, starts_at=at(8, 10))

    response = client.post(url)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Deactivating Reddish Library would cancel 1 booking" in page
    assert "The list has changed since you last looked" in page
    db_session.expire_all()
    assert building.active and late.is_active


def test_a_building_with_only_past_and_cancelled_bookings_is_deactivated_directly(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    past, cancelled = untouched(factory, desk, nurse)
    url = f"/estates/buildings/{building.id}/deactivate"
    assert "would cancel" not in client.get(url).get_data(as_text=True)

    response = client.post(url)

    assert response.status_code == 302
    db_session.expire_all()
    assert not building.active
    assert past.is_active and cancelled.cancellation_reason == ""
    assert actions(db_session) == ["building.deactivate"]


def test_deleting_a_building_with_bookings_deactivates_it_and_cancels_them_once_confirmed(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/buildings/{building.id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Deactivating Reddish Library would cancel 1 booking" in page
    assert "cannot be deleted because it has spaces" in page
    assert "Deactivate building and cancel 1 booking" in page
    db_session.expire_all()
    assert building.active and hit.is_active

    client.post(url, data=confirmation(page))

    db_session.expire_all()
    assert not building.active
    assert hit.cancellation_reason == "Reddish Library is no longer available to book"
    assert actions(db_session) == ["building.deactivate", "booking.cancel"]


def test_deactivating_a_space_cancels_only_its_own_bookings(
    client: FlaskClient,
    building: Building,
    desk: Space,
    room: Space,
    nurse: Person,
    manager: Person,
    factory: Factory,
    db_session: Session,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    elsewhere = factory.booking(room, starts_at=at(8, 10))
    past, cancelled = untouched(factory, desk, nurse)
    url = f"/estates/spaces/{desk.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert "Deactivating Desk 4 would cancel 1 booking" in page
    assert "Desk 4 is no longer available to book" in page
    assert "Deactivate space and cancel 1 booking" in page
    assert f'href="/estates/buildings/{building.id}">Do not deactivate Desk 4' in page
    assert confirmation(page)["confirmed"] == str(hit.id)

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    db_session.expire_all()
    assert not desk.active and building.active
    assert hit.status is BookingStatus.CANCELLED and hit.sequence == 1
    assert hit.cancellation_reason == "Desk 4 is no longer available to book"
    assert hit.cancelled_by_id == manager.id
    assert elsewhere.is_active and past.is_active and cancelled.sequence == 0
    assert actions(db_session) == ["space.deactivate", "booking.cancel"]
    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    assert "was cancelled: “Desk 4 is no longer available to book”" in page


def test_backing_out_of_deactivating_a_space_saves_nothing(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    page = client.get(f"/estates/spaces/{desk.id}/deactivate").get_data(as_text=True)
    assert f'href="/estates/buildings/{building.id}">Do not deactivate Desk 4' in page

    assert client.get(f"/estates/buildings/{building.id}").status_code == 200

    db_session.expire_all()
    assert desk.active and hit.is_active
    assert actions(db_session) == []


def test_a_booking_made_since_the_manager_looked_is_shown_before_the_space_is_deactivated(
    client: FlaskClient, desk: Space, nurse: Person, factory: Factory, db_session: Session
) -> None:
    first = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/spaces/{desk.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    late = factory.booking(desk, starts_at=at(9, 10))

    page = client.post(url, data=confirmation(page)).get_data(as_text=True)

    assert "Deactivating Desk 4 would cancel 2 bookings" in page
    assert "The list has changed since you last looked" in page
    db_session.expire_all()
    assert desk.active and first.is_active and late.is_active


def test_deleting_a_space_with_bookings_deactivates_it_and_cancels_them_once_confirmed(
    client: FlaskClient, desk: Space, nurse: Person, factory: Factory, db_session: Session
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/spaces/{desk.id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Deactivating Desk 4 would cancel 1 booking" in page
    assert "cannot be deleted because it has bookings" in page

    client.post(url, data=confirmation(page))

    db_session.expire_all()
    assert not desk.active
    assert hit.cancellation_reason == "Desk 4 is no longer available to book"
    assert actions(db_session) == ["space.deactivate", "booking.cancel"]


def space_form(**overrides: str) -> dict[str, str]:
    """The space edit form for Desk 4 with "Can be booked" unticked (absent, as browsers send)."""
    return {"kind": "desk", "name": "Desk 4", "capacity": "1", **overrides}


def test_making_a_space_not_bookable_lists_its_bookings_and_saves_nothing_yet(
    client: FlaskClient,
    desk: Space,
    room: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    elsewhere = factory.booking(room, starts_at=at(8, 10))
    untouched(factory, desk, nurse)

    response = client.post(f"/estates/spaces/{desk.id}/edit", data=space_form())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Making Desk 4 not bookable would cancel 1 booking" in page
    assert "Desk 4 is no longer available to book" in page
    assert "Save changes and cancel 1 booking" in page
    fields = confirmation(page)
    assert fields["confirmed"] == str(hit.id) and "bookable" not in fields
    db_session.expire_all()
    assert desk.bookable and hit.is_active and elsewhere.is_active
    assert actions(db_session) == []


def test_confirming_makes_the_space_not_bookable_and_cancels_its_bookings(
    client: FlaskClient,
    building: Building,
    desk: Space,
    room: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    elsewhere = factory.booking(room, starts_at=at(8, 10))
    past, cancelled = untouched(factory, desk, nurse)
    url = f"/estates/spaces/{desk.id}/edit"
    page = client.post(url, data=space_form(equipment="Screen")).get_data(as_text=True)

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    db_session.expire_all()
    assert not desk.bookable and desk.active and desk.equipment == "Screen"
    assert hit.status is BookingStatus.CANCELLED and hit.sequence == 1
    assert hit.cancellation_reason == "Desk 4 is no longer available to book"
    assert elsewhere.is_active and past.is_active and cancelled.sequence == 0
    assert actions(db_session) == ["space.update", "booking.cancel"]
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Desk 4 has been updated. 1 booking has been cancelled" in flashed


def test_changing_the_space_again_from_the_confirmation_page_saves_nothing(
    client: FlaskClient, desk: Space, nurse: Person, factory: Factory, db_session: Session
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/spaces/{desk.id}/edit"
    page = client.post(url, data=space_form(equipment="Screen")).get_data(as_text=True)
    assert "Keep Desk 4 bookable" in page

    response = client.post(url, data={**confirmation(page), "change": "yes"})

    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert "Change Desk 4" in form and 'value="Screen"' in form
    db_session.expire_all()
    assert desk.bookable and desk.equipment == "" and hit.is_active
    assert actions(db_session) == []


def test_a_booking_made_since_the_manager_looked_is_shown_before_the_space_stops_being_bookable(
    client: FlaskClient, desk: Space, nurse: Person, factory: Factory, db_session: Session
) -> None:
    first = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/spaces/{desk.id}/edit"
    page = client.post(url, data=space_form()).get_data(as_text=True)
    late = factory.booking(desk, starts_at=at(9, 10))

    response = client.post(url, data=confirmation(page))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Making Desk 4 not bookable would cancel 2 bookings" in page
    assert "The list has changed since you last looked" in page
    db_session.expire_all()
    assert desk.bookable and first.is_active and late.is_active


def test_a_space_form_with_errors_is_refused_before_any_booking_is_looked_at(
    client: FlaskClient,
    desk: Space,
    room: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    factory.booking(desk, nurse, starts_at=at(8, 10))
    response = client.post(
        f"/estates/spaces/{desk.id}/edit", data=space_form(name="Riverside room")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already a space called Riverside room" in page
    assert "would cancel" not in page


def test_other_changes_to_a_space_with_bookings_are_saved_directly(
    client: FlaskClient, desk: Space, nurse: Person, factory: Factory, db_session: Session
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    response = client.post(
        f"/estates/spaces/{desk.id}/edit", data=space_form(equipment="Screen", bookable="y")
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert desk.equipment == "Screen" and hit.is_active


def building_form(building: Building, **overrides: str) -> dict[str, str]:
    """The building edit form as it stands, with "opens on bank holidays" left unticked."""
    return {
        "name": building.name,
        "owner": str(building.owner_id),
        "neighbourhood": str(building.neighbourhood_id),
        "address": building.address,
        "postcode": building.postcode,
        "access": building.access.value,
        **overrides,
    }


def test_closing_a_building_on_bank_holidays_lists_and_then_cancels_the_bookings_on_them(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    building.opens_on_bank_holidays = True
    db_session.add(BankHoliday(day=date(2030, 1, 9), title="Made-up Holiday"))
    on_holiday = factory.booking(desk, nurse, starts_at=at(9, 10))
    ordinary = factory.booking(desk, nurse, starts_at=at(10, 10))
    url = f"/estates/buildings/{building.id}/edit"

    page = client.post(url, data=building_form(building)).get_data(as_text=True)

    assert "Closing on bank holidays would cancel 1 booking" in page
    assert "The building is now closed on bank holidays" in page
    assert confirmation(page)["confirmed"] == str(on_holiday.id)
    db_session.expire_all()
    assert building.opens_on_bank_holidays and on_holiday.is_active
    assert actions(db_session) == []

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    db_session.expire_all()
    assert not building.opens_on_bank_holidays
    assert on_holiday.status is BookingStatus.CANCELLED
    assert on_holiday.cancellation_reason == "The building is now closed on bank holidays"
    assert ordinary.is_active
    assert actions(db_session) == ["building.update", "booking.cancel"]
