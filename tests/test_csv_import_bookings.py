"""CSV rows that would cancel bookings are refused: an import never strands a booking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.imports import CatalogueImport, ImportStatus
from booking.catalogue.models import BankHoliday, Building, Neighbourhood, Organisation, Space
from tests.factories import Factory
from tests.test_csv_import import NO_SPACE, confirm, csv_bytes, row, staged_id, upload

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # Monday 7 January 2030, 8am (UK time = UTC)
LIBRARY = {"building_name": "Reddish Library"}
SEE_WHO = "where you can see who is affected"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def central(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Central", slug="central")


@pytest.fixture
def council(factory: Factory) -> Organisation:
    return factory.organisation(name="Stockport Council")


@pytest.fixture
def library(factory: Factory, central: Neighbourhood, council: Organisation) -> Building:
    """A building exactly as `row(**LIBRARY)` describes it, so that row changes nothing."""
    return factory.building(
        name="Reddish Library",
        neighbourhood=central,
        owner=council,
        address="Wellington Road South",
        postcode="SK1 3RS",
        latitude=Decimal("53.4083"),
        longitude=Decimal("-2.1494"),
        has_wifi=True,
        has_step_free=True,
        arrival_instructions="Ask at the front desk",
    )


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 1", accessible=True)


@pytest.fixture
def client(factory: Factory, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(factory.administrator())


def at(day: int, hour: int) -> datetime:
    return datetime(2030, 1, day, hour, tzinfo=UTC)


def count(db_session: Session, model: type[Any]) -> int:
    return db_session.scalar(select(func.count()).select_from(model)) or 0


def assert_nothing_imported(db_session: Session, *bookings: Booking) -> None:
    db_session.expire_all()
    assert count(db_session, AuditEntry) == 0
    assert db_session.scalar(select(Building).where(Building.name == "Family Hub")) is None
    assert all(booking.is_active and booking.sequence == 0 for booking in bookings)


def test_new_hours_that_would_cancel_bookings_are_a_row_error_and_nothing_is_imported(
    client: FlaskClient,
    library: Building,
    desk: Space,
    factory: Factory,
    db_session: Session,
) -> None:
    on_friday = factory.booking(desk, starts_at=at(11, 9))
    late_on_tuesday = factory.booking(desk, starts_at=at(8, 15), ends_at=at(8, 17))
    fine = factory.booking(desk, starts_at=at(9, 9))
    content = csv_bytes(
        [
            row(building_name="Family Hub", **NO_SPACE),
            row(**LIBRARY, tuesday="09:00-16:00", friday="closed"),
        ]
    )

    response = upload(client, content)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "Row 3: the new hours of Reddish Library would cancel 2 bookings; change them on the "
        f"building&#39;s page, {SEE_WHO}" in page
    )
    assert "1 problem in the file: nothing has been imported" in page
    assert count(db_session, CatalogueImport) == 0
    assert_nothing_imported(db_session, on_friday, late_on_tuesday, fine)
    closing = {hours.weekday: hours.closes for hours in library.opening_hours}
    assert closing == dict.fromkeys(range(5), time(17))


def test_new_hours_that_only_past_or_cancelled_bookings_fall_outside_are_imported(
    client: FlaskClient, library: Building, desk: Space, factory: Factory, db_session: Session
) -> None:
    past = factory.booking(desk, starts_at=at(4, 9))  # last Friday
    cancelled = factory.booking(desk, starts_at=at(11, 9), status=BookingStatus.CANCELLED)

    confirm(client, staged_id(upload(client, csv_bytes([row(**LIBRARY, friday="closed")]))))

    db_session.expire_all()
    assert [h.weekday for h in library.opening_hours] == [0, 1, 2, 3]
    assert past.is_active and cancelled.sequence == 0


def test_deactivating_a_building_with_bookings_is_a_row_error(
    client: FlaskClient, library: Building, desk: Space, factory: Factory, db_session: Session
) -> None:
    booking = factory.booking(desk, starts_at=at(8, 10))
    content = csv_bytes([row(**LIBRARY, building_active="no", friday="closed")])

    response = upload(client, content)

    assert response.status_code == 422
    assert (
        "Row 2: deactivating Reddish Library would cancel 1 booking; deactivate it on the "
        f"building&#39;s page, {SEE_WHO}" in response.get_data(as_text=True)
    )
    assert_nothing_imported(db_session, booking)
    assert library.active


def test_deactivating_a_space_or_making_it_not_bookable_over_bookings_are_row_errors(
    client: FlaskClient,
    library: Building,
    desk: Space,
    factory: Factory,
    db_session: Session,
) -> None:
    other_desk = factory.space(library, name="Desk 2", accessible=True)
    spare_desk = factory.space(library, name="Desk 3", accessible=True)
    on_desk = factory.booking(desk, starts_at=at(8, 10))
    on_other = factory.booking(other_desk, starts_at=at(8, 10))
    factory.booking(spare_desk, starts_at=at(4, 10))  # over: no reason to refuse Desk 3
    content = csv_bytes(
        [
            row(**LIBRARY, space_active="no"),
            row(**LIBRARY, space_name="Desk 2", bookable="no"),
            row(**LIBRARY, space_name="Desk 3", bookable="no"),
        ]
    )

    response = upload(client, content)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "Row 2: deactivating Desk 1 in Reddish Library would cancel 1 booking; deactivate it "
        f"on the space&#39;s page, {SEE_WHO}" in page
    )
    assert (
        "Row 3: making Desk 2 in Reddish Library not bookable would cancel 1 booking; change "
        f"it on the space&#39;s page, {SEE_WHO}" in page
    )
    assert "Row 4" not in page
    assert_nothing_imported(db_session, on_desk, on_other)
    assert desk.active and other_desk.bookable and spare_desk.bookable


def test_closing_a_building_on_bank_holidays_over_bookings_is_a_row_error(
    client: FlaskClient, library: Building, desk: Space, factory: Factory, db_session: Session
) -> None:
    library.opens_on_bank_holidays = True
    db_session.add(BankHoliday(day=at(9, 0).date(), title="Made-up Holiday"))
    on_holiday = factory.booking(desk, starts_at=at(9, 10))

    response = upload(client, csv_bytes([row(**LIBRARY, opens_on_bank_holidays="no")]))

    assert response.status_code == 422
    assert "Row 2: the new hours of Reddish Library would cancel 1 booking" in (
        response.get_data(as_text=True)
    )
    assert_nothing_imported(db_session, on_holiday)


def test_a_booking_made_after_the_upload_stops_the_import_at_the_preview_and_at_confirmation(
    client: FlaskClient, library: Building, desk: Space, factory: Factory, db_session: Session
) -> None:
    content = csv_bytes([row(**LIBRARY, friday="closed"), row(building_name="Family Hub")])
    import_id = staged_id(upload(client, content))
    on_friday = factory.booking(desk, starts_at=at(11, 9))
    error = (
        "Row 2: the new hours of Reddish Library would cancel 1 booking; change them on the "
        f"building&#39;s page, {SEE_WHO}"
    )

    preview = client.get(f"/estates/import/{import_id}")
    assert preview.status_code == 422
    assert error in preview.get_data(as_text=True)

    response = confirm(client, import_id)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The catalogue has changed since the file was uploaded" in page
    assert error in page
    db_session.expire_all()
    assert_nothing_imported(db_session, on_friday)
    assert len(library.opening_hours) == 5
    assert db_session.get(CatalogueImport, import_id).status is ImportStatus.READY  # type: ignore[union-attr]


def test_rows_that_leave_bookings_where_they_are_import_as_usual(
    client: FlaskClient, library: Building, desk: Space, factory: Factory, db_session: Session
) -> None:
    booking = factory.booking(desk, starts_at=at(11, 9))
    changed = {**LIBRARY, "address": "1 Gorton Road", "saturday": "10:00-12:00"}
    content = csv_bytes([row(**changed), row(**changed, space_name="Desk 2")])

    response = confirm(client, staged_id(upload(client, content)))

    assert response.headers["Location"] == "/estates/"
    db_session.expire_all()
    assert library.address == "1 Gorton Road" and len(library.spaces) == 2
    assert booking.is_active and booking.sequence == 0
