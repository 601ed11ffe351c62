"""Estates: closures of a building or one of its spaces, in UK wall-clock time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.catalogue.models import BankHoliday, Building, Closure
from booking.timezones import today
from tests.factories import Factory


@pytest.fixture
def building(factory: Factory) -> Building:
    return factory.building(name="Marple Library")


@pytest.fixture
def client(
    building: Building, factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> FlaskClient:
    return sign_in(factory.building_manager(building))


def closure_form(**overrides: Any) -> dict[str, Any]:
    return {
        "space": "",
        "starts_on": "2030-06-10",
        "starts_time": "09:00",
        "ends_on": "2030-06-10",
        "ends_time": "17:00",
        "reason": "Fire alarm testing",
        **overrides,
    }


def test_a_closure_is_given_in_uk_time_and_stored_in_utc(
    client: FlaskClient, building: Building, db_session: Session
) -> None:
    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=closure_form())
    assert response.headers["Location"] == f"/estates/buildings/{building.id}/closures"
    closure = db_session.scalars(select(Closure).where(Closure.building_id == building.id)).one()
    assert closure.starts_at == datetime(2030, 6, 10, 8, tzinfo=UTC)  # 9am British Summer Time
    assert closure.ends_at == datetime(2030, 6, 10, 16, tzinfo=UTC)
    assert closure.space_id is None and closure.reason == "Fire alarm testing"
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "closure.add"))
    assert (entry.subject_type, entry.subject_id) == ("building", building.id)
    assert entry.changes["reason"] == "Fire alarm testing"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Monday 10 June 2030, 9am" in page and "Fire alarm testing" in page


def test_a_closure_can_close_one_space(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    space = factory.space(building, name="Quiet room")
    data = closure_form(space=str(space.id), starts_on="2030-12-01", ends_on="2030-12-02")
    client.post(f"/estates/buildings/{building.id}/closures/new", data=data)
    closure = db_session.scalars(select(Closure).where(Closure.space_id == space.id)).one()
    assert closure.building_id is None
    assert closure.starts_at == datetime(2030, 12, 1, 9, tzinfo=UTC)  # Greenwich Mean Time


def test_a_closure_starting_in_the_hour_the_clocks_skip_is_refused(
    client: FlaskClient, building: Building, db_session: Session
) -> None:
    data = closure_form(starts_on="2026-03-29", starts_time="01:30", ends_on="2026-03-30")
    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "01:30 on 29 March 2026 does not exist in the UK" in page
    assert 'href="#starts_time"' in page
    assert db_session.scalars(select(Closure)).first() is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_time": "09:00"}, "ends_on", "The closure must end after it starts"),
        ({"ends_on": "2030-06-09"}, "ends_on", "The closure must end after it starts"),
        ({"reason": " "}, "reason", "Enter the reason for the closure"),
        ({"reason": "x" * 301}, "reason", "The reason must be 300 characters or fewer"),
        (
            {"starts_on": "2030-02-30"},
            "starts_on",
            "The date the closure starts must be a real date",
        ),
        ({"ends_time": ""}, "ends_time", "Enter the time the closure ends"),
        ({"space": "999999"}, "space", "Select the whole building or one of its spaces"),
    ],
)
def test_a_closure_with_bad_details_is_not_added(
    overrides: dict[str, str],
    field: str,
    message: str,
    client: FlaskClient,
    building: Building,
    db_session: Session,
) -> None:
    data = closure_form(**overrides)
    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}"' in page
    assert db_session.scalars(select(Closure)).first() is None


def test_a_space_of_another_building_cannot_be_closed_from_here(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    elsewhere = factory.space(factory.building())
    data = closure_form(space=str(elsewhere.id))
    response = client.post(f"/estates/buildings/{building.id}/closures/new", data=data)
    assert response.status_code == 422
    assert db_session.scalars(select(Closure)).first() is None


def test_a_closure_can_be_removed(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    closure_id = factory.closure(building=building, reason="Boiler repair").id
    page = client.get(f"/estates/closures/{closure_id}/remove").get_data(as_text=True)
    assert "Remove this closure?" in page and "Boiler repair" in page
    response = client.post(f"/estates/closures/{closure_id}/remove")
    assert response.headers["Location"] == f"/estates/buildings/{building.id}/closures"
    db_session.expire_all()
    assert db_session.get(Closure, closure_id) is None
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "closure.remove"))
    assert entry.changes["reason"] == "Boiler repair"


def test_the_closures_page_lists_closures_and_the_coming_bank_holidays(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    now = datetime.now(UTC)
    factory.closure(building=building, reason="Roof repair", starts_at=now + timedelta(days=3))
    space = factory.space(building, name="Desk 9")
    factory.closure(
        space=space,
        reason="New carpet",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=29),
    )
    soon = today() + timedelta(days=20)
    db_session.add_all(
        [
            BankHoliday(day=soon, title="Test bank holiday"),
            BankHoliday(day=today() + timedelta(days=400), title="Too far ahead"),
        ]
    )
    db_session.flush()
    page = client.get(f"/estates/buildings/{building.id}/closures").get_data(as_text=True)
    upcoming, past = page.split("Past closures")
    assert "Roof repair" in upcoming and "New carpet" not in upcoming
    assert "New carpet" in past and "Desk 9" in past
    assert "Test bank holiday" in page and "Too far ahead" not in page
    assert "Marple Library is closed on England and Wales bank holidays" in page
