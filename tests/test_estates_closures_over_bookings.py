"""Closures and opening-hours changes over existing bookings: see them first, then cancel them."""

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
from booking.audit.models import AuditEntry
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Building, Closure, Space
from booking.catalogue.services import DAY_NAMES
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
def manager(factory: Factory, building: Building) -> Person:
    return factory.building_manager(building, name="Estelle Estates")


@pytest.fixture
def client(manager: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(manager)


@pytest.fixture
def nurse(factory: Factory, building: Building) -> Person:
    return factory.person(organisation=building.owner, name="Nia Nurse")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def closure(**overrides: str) -> dict[str, str]:
    """Closed on Tuesday 8 January 2030 from 9am to 1pm, for a water leak."""
    return {
        "space": "",
        "starts_on": "2030-01-08",
        "starts_time": "09:00",
        "ends_on": "2030-01-08",
        "ends_time": "13:00",
        "reason": "Water leak",
        **overrides,
    }


def confirmation(page: str) -> dict[str, str]:
    """The hidden fields of the confirmation page's form, as the browser would send them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def test_a_closure_over_bookings_lists_them_and_saves_nothing_yet(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 12), ends_at=at(8, 15))
    factory.booking(
        desk, nurse, starts_at=at(8, 13), ends_at=at(8, 14), status=BookingStatus.CANCELLED
    )
    factory.booking(factory.space(building), starts_at=at(8, 13))  # starts as it reopens
    factory.booking(factory.space(factory.building()), starts_at=at(8, 10))  # elsewhere

    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=closure())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This closure would cancel 1 booking" in page
    assert "Desk 4" in page and "Tuesday 8 January 2030, 12pm (midday) to 3pm" in page
    assert "Nia Nurse" in page and nurse.email in page
    assert "Building closed: Water leak" in page
    assert confirmation(page)["confirmed"] == str(hit.id)
    assert db_session.scalars(select(Closure)).first() is None
    db_session.expire_all()
    assert hit.is_active


def test_confirming_adds_the_closure_and_cancels_the_bookings_with_the_reason(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    manager: Person,
    factory: Factory,
    db_session: Session,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 9), ends_at=at(8, 17))
    url = f"/estates/buildings/{building.id}/closures/new"
    page = client.post(url, data=closure()).get_data(as_text=True)

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}/closures"
    db_session.expire_all()
    assert db_session.scalars(select(Closure)).one().reason == "Water leak"
    assert hit.status is BookingStatus.CANCELLED
    assert hit.cancelled_by_id == manager.id
    assert hit.cancellation_reason == "Building closed: Water leak"
    assert hit.sequence == 1
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["closure.add", "booking.cancel"]
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 booking has been cancelled" in flashed

    page = sign_in(nurse).get("/bookings").get_data(as_text=True)
    assert (
        "Desk 4 at Reddish Library on Tuesday 8 January 2030, 9am was cancelled: "
        "“Building closed: Water leak”" in page
    )


def test_closing_one_space_cancels_only_its_bookings(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    other = factory.booking(factory.space(building), starts_at=at(8, 10))
    url = f"/estates/buildings/{building.id}/closures/new"
    data = closure(space=str(desk.id), reason="New carpet")
    page = client.post(url, data=data).get_data(as_text=True)
    assert "Desk 4 closed: New carpet" in page
    client.post(url, data=confirmation(page))
    db_session.expire_all()
    assert hit.cancellation_reason == "Desk 4 closed: New carpet"
    assert other.is_active


def test_backing_out_saves_nothing(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    hit = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/buildings/{building.id}/closures/new"
    page = client.post(url, data=closure()).get_data(as_text=True)
    assert f'href="/estates/buildings/{building.id}/closures">Do not add the closure' in page

    response = client.post(url, data={**confirmation(page), "change": "yes"})

    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert "Add a closure" in form and 'value="2030-01-08"' in form and "Water leak" in form
    assert db_session.scalars(select(Closure)).first() is None
    db_session.expire_all()
    assert hit.is_active


def test_a_booking_made_since_the_manager_looked_is_shown_before_anything_is_cancelled(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    first = factory.booking(desk, nurse, starts_at=at(8, 10))
    url = f"/estates/buildings/{building.id}/closures/new"
    page = client.post(url, data=closure()).get_data(as_text=True)
    late = factory.booking(factory.space(building, name="Desk 5"), starts_at=at(8, 11))

    response = client.post(url, data=confirmation(page))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This closure would cancel 2 bookings" in page
    assert "The list has changed since you last looked" in page
    assert confirmation(page)["confirmed"] == f"{first.id},{late.id}"
    assert db_session.scalars(select(Closure)).first() is None
    client.post(url, data=confirmation(page))
    db_session.expire_all()
    assert first.status is late.status is BookingStatus.CANCELLED


def test_a_closure_over_past_bookings_only_is_saved_directly(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    ended = factory.booking(desk, nurse, starts_at=at(4, 9), ends_at=at(4, 12))
    data = closure(starts_on="2030-01-04", ends_on="2030-01-08")
    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=data)
    assert response.status_code == 302
    assert db_session.scalars(select(Closure)).one()
    db_session.expire_all()
    assert ended.is_active


def week(**days: tuple[str, str] | None) -> dict[str, str]:
    """Form data: Monday to Friday 9am to 5pm and the weekend closed, unless `days` says."""
    data: dict[str, str] = {}
    for index, name in enumerate(DAY_NAMES):
        hours = days.get(name, ("09:00", "17:00") if index < 5 else None)
        if hours is None:
            data[f"{name}_closed"] = "y"
        else:
            data[f"{name}_opens"], data[f"{name}_closes"] = hours
    return data


def test_new_hours_that_leave_bookings_outside_list_them_and_change_nothing_yet(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    on_friday = factory.booking(desk, nurse, starts_at=at(11, 9))
    late_on_tuesday = factory.booking(desk, nurse, starts_at=at(8, 15), ends_at=at(8, 17))
    fine = factory.booking(desk, nurse, starts_at=at(9, 9), ends_at=at(9, 12))
    old = factory.booking(desk, nurse, starts_at=at(4, 9))  # a past Friday

    url = f"/estates/buildings/{building.id}/hours"
    response = client.post(url, data=week(tuesday=("09:00", "16:00"), friday=None))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The new opening hours would cancel 2 bookings" in page
    assert "Opening hours changed" in page
    assert confirmation(page)["confirmed"] == f"{late_on_tuesday.id},{on_friday.id}"
    db_session.expire_all()
    assert len(building.opening_hours) == 5
    assert building.opening_hours[1].closes.hour == 17
    assert all(b.is_active for b in (on_friday, late_on_tuesday, fine, old))
    assert not db_session.scalars(select(AuditEntry)).all()


def test_confirming_new_hours_saves_them_and_cancels_the_bookings_outside(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    manager: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    on_friday: Booking = factory.booking(desk, nurse, starts_at=at(11, 9))
    fine = factory.booking(desk, nurse, starts_at=at(9, 9))
    url = f"/estates/buildings/{building.id}/hours"
    page = client.post(url, data=week(friday=None)).get_data(as_text=True)

    response = client.post(url, data=confirmation(page))

    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    db_session.expire_all()
    assert [row.weekday for row in building.opening_hours] == [0, 1, 2, 3]
    assert on_friday.status is BookingStatus.CANCELLED
    assert on_friday.cancellation_reason == "Opening hours changed"
    assert on_friday.cancelled_by_id == manager.id
    assert fine.is_active
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["building.hours", "booking.cancel"]


def test_changing_the_hours_again_from_the_confirmation_page_saves_nothing(
    client: FlaskClient,
    building: Building,
    desk: Space,
    nurse: Person,
    factory: Factory,
    db_session: Session,
) -> None:
    on_friday = factory.booking(desk, nurse, starts_at=at(11, 9))
    url = f"/estates/buildings/{building.id}/hours"
    page = client.post(url, data=week(friday=None)).get_data(as_text=True)
    assert f'href="/estates/buildings/{building.id}">Keep the current hours' in page

    response = client.post(url, data={**confirmation(page), "change": "yes"})

    assert response.status_code == 200
    assert "Save opening hours" in response.get_data(as_text=True)
    db_session.expire_all()
    assert len(building.opening_hours) == 5 and on_friday.is_active


def test_bad_hours_are_refused_before_any_booking_is_looked_at(
    client: FlaskClient, building: Building, desk: Space, nurse: Person, factory: Factory
) -> None:
    factory.booking(desk, nurse, starts_at=at(8, 9))
    url = f"/estates/buildings/{building.id}/hours"
    response = client.post(url, data=week(tuesday=("17:00", "09:00")))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tuesday&#39;s closing time must be after its opening time" in page
    assert "would cancel" not in page
