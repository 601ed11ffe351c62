"""Estates: adding, changing, deactivating and deleting buildings, and the estates dashboard."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role, RoleGrant
from booking.audit.models import AuditEntry
from booking.catalogue.models import Building, BuildingAccess, Facility, Neighbourhood, Organisation
from tests.factories import Factory


@pytest.fixture
def central(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Central", slug="central")


@pytest.fixture
def council(factory: Factory) -> Organisation:
    return factory.organisation(name="Stockport Council")


def form(
    neighbourhood: Neighbourhood, organisation: Organisation, **overrides: Any
) -> dict[str, Any]:
    return {
        "name": "Central Library",
        "owner": str(organisation.id),
        "neighbourhood": str(neighbourhood.id),
        "address": "Wellington Road South\r\nStockport",
        "postcode": "sk1 3rs",
        "latitude": "53.4083",
        "longitude": "-2.1494",
        "description": "",
        "arrival_instructions": "Use the side door.",
        "facilities": ["wifi", "step_free"],
        "access": "all_partners",
        **overrides,
    }


def entries(db_session: Session, action: str) -> list[AuditEntry]:
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_administrator_adds_a_building(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    nhs = factory.organisation(name="NHS")
    client = sign_in(factory.administrator())
    response = client.post(
        "/estates/buildings/new",
        data=form(
            central,
            council,
            access="listed",
            allowed_organisations=[str(nhs.id)],
            opens_on_bank_holidays="y",
        ),
    )
    assert response.status_code == 302
    building = db_session.scalars(select(Building).where(Building.name == "Central Library")).one()
    assert response.headers["Location"] == f"/estates/buildings/{building.id}/hours"
    assert building.postcode == "SK1 3RS"
    assert building.address == "Wellington Road South\nStockport"
    assert (building.latitude, building.longitude) == (Decimal("53.4083"), Decimal("-2.1494"))
    assert building.facilities() == [Facility.WIFI, Facility.STEP_FREE]
    assert building.access is BuildingAccess.LISTED
    assert building.allowed_organisations == [nhs]
    assert building.opens_on_bank_holidays is True
    [created] = entries(db_session, "building.create")
    assert created.subject_id == building.id
    assert created.changes["postcode"] == "SK1 3RS"
    assert created.changes["allowed_organisations"] == ["NHS"]


def test_a_building_manager_who_adds_a_building_becomes_its_manager(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    manager = factory.building_manager(factory.building())
    response = sign_in(manager).post("/estates/buildings/new", data=form(central, council))
    assert response.status_code == 302
    building = db_session.scalars(select(Building).where(Building.name == "Central Library")).one()
    grant = db_session.scalars(
        select(RoleGrant).where(RoleGrant.person_id == manager.id, RoleGrant.building == building)
    ).one()
    assert grant.role is Role.BUILDING_MANAGER
    assert entries(db_session, "grant.add")


def test_a_building_name_already_used_in_its_neighbourhood_is_a_field_error(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    factory.building(name="Central Library", neighbourhood=central)
    client = sign_in(factory.administrator())
    response = client.post(
        "/estates/buildings/new", data=form(central, council, name="central library")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already a building called central library in Central" in page
    assert 'href="#name"' in page
    assert "<title>Error: " in page
    elsewhere = factory.neighbourhood()
    response = client.post("/estates/buildings/new", data=form(elsewhere, council))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "SK1"}, "postcode", "Enter a real postcode, like SK1 3XE"),
        ({"postcode": ""}, "postcode", "Enter the building&#39;s postcode"),
        ({"name": "  "}, "name", "Enter the building&#39;s name"),
        ({"longitude": ""}, "longitude", "Enter both latitude and longitude, or neither"),
        ({"latitude": "95"}, "latitude", "Latitude must be between -90 and 90"),
        ({"latitude": "north"}, "latitude", "Latitude must be a number, like 53.4083"),
        ({"longitude": "-181"}, "longitude", "Longitude must be between -180 and 180"),
        ({"access": "listed"}, "allowed_organisations", "Choose at least one organisation"),
        ({"owner": ""}, "owner", "Select the organisation that owns the building"),
    ],
)
def test_a_building_with_bad_details_is_not_added(
    overrides: dict[str, str],
    field: str,
    message: str,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    client = sign_in(factory.administrator())
    response = client.post("/estates/buildings/new", data=form(central, council, **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}"' in page
    assert (
        db_session.scalars(select(Building).where(Building.name == "Central Library")).first()
        is None
    )


def test_changing_a_building_records_what_changed(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    building = factory.building(name="Old Hall", neighbourhood=central, owner=council)
    client = sign_in(factory.building_manager(building))
    page = client.get(f"/estates/buildings/{building.id}/edit").get_data(as_text=True)
    assert 'value="Old Hall"' in page
    response = client.post(
        f"/estates/buildings/{building.id}/edit",
        data=form(
            central,
            council,
            name="New Hall",
            postcode="SK1 1AA",
            latitude="53.408",
            longitude="-2.149",
            facilities=[],
        ),
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert building.name == "New Hall"
    [changed] = entries(db_session, "building.update")
    assert changed.changes["name"] == ["Old Hall", "New Hall"]
    assert "postcode" not in changed.changes
    assert "latitude" not in changed.changes


def test_the_manage_page_shows_the_building_its_spaces_closures_and_history(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    client = sign_in(factory.administrator(name="Ada Admin"))
    client.post("/estates/buildings/new", data=form(central, council))
    building = db_session.scalars(select(Building).where(Building.name == "Central Library")).one()
    client.post(
        f"/estates/buildings/{building.id}/spaces/new",
        data={"kind": "meeting_room", "name": "Riverside room", "capacity": "8", "bookable": "y"},
    )
    page = client.get(f"/estates/buildings/{building.id}").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Central Library</h1>' in page
    assert "Wellington Road South, Stockport, SK1 3RS" in page
    assert "Step-free access" in page
    assert "Riverside room" in page
    assert "Central Library added" in page and "Ada Admin" in page
    assert "No upcoming closures." in page


def test_a_building_nothing_refers_to_can_be_deleted(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building_id = factory.building(name="Mistake House").id
    client = sign_in(factory.administrator())
    page = client.get(f"/estates/buildings/{building_id}/delete").get_data(as_text=True)
    assert "Delete building" in page
    response = client.post(f"/estates/buildings/{building_id}/delete")
    assert response.headers["Location"] == "/estates/"
    db_session.expire_all()
    assert db_session.get(Building, building_id) is None
    [deleted] = entries(db_session, "building.delete")
    assert deleted.changes["name"] == "Mistake House"


def test_a_building_manager_can_delete_a_building_they_added_by_mistake(
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    central: Neighbourhood,
    council: Organisation,
) -> None:
    manager = factory.building_manager(factory.building())
    client = sign_in(manager)
    client.post("/estates/buildings/new", data=form(central, council))
    building_id = db_session.scalars(
        select(Building.id).where(Building.name == "Central Library")
    ).one()
    db_session.expire_all()
    assert building_id in manager.managed_building_ids()
    response = client.post(f"/estates/buildings/{building_id}/delete")
    assert response.headers["Location"] == "/estates/"
    db_session.expire_all()
    assert db_session.get(Building, building_id) is None
    assert building_id not in manager.managed_building_ids()


def test_a_building_with_spaces_is_deactivated_instead_of_deleted(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()
    space = factory.space(building)
    client = sign_in(factory.building_manager(building))
    page = client.get(f"/estates/buildings/{building.id}/delete").get_data(as_text=True)
    assert "cannot be deleted because it has spaces" in page
    assert "Deactivate building" in page
    client.post(f"/estates/buildings/{building.id}/delete")
    db_session.expire_all()
    assert building.active is False
    assert space.active is True and space.building_id == building.id
    assert entries(db_session, "building.deactivate")


def test_deactivating_and_reactivating_a_building_leaves_its_spaces_alone(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()
    kept = factory.space(building)
    retired = factory.space(building, active=False)
    client = sign_in(factory.building_manager(building))
    client.post(f"/estates/buildings/{building.id}/deactivate")
    db_session.expire_all()
    assert building.active is False
    assert (kept.active, retired.active) == (True, False)
    assert "Deactivated" in client.get("/estates/").get_data(as_text=True)
    client.post(f"/estates/buildings/{building.id}/reactivate")
    db_session.expire_all()
    assert building.active is True
    assert (kept.active, retired.active) == (True, False)
    assert [e.changes for e in entries(db_session, "building.reactivate")] == [
        {"active": [False, True]}
    ]


def test_the_dashboard_lists_a_managers_own_buildings_with_their_counts(
    factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    mine = factory.building(name="My Hub")
    factory.space(mine)
    factory.space(mine, active=False)
    factory.closure(building=mine)
    factory.building(name="Their Hub")
    page = sign_in(factory.building_manager(mine)).get("/estates/").get_data(as_text=True)
    assert "My Hub" in page and "Their Hub" not in page
    assert "2 spaces (1 deactivated)" in page
    assert "1 upcoming closure" in page


def test_administrators_see_every_building_and_can_filter_by_neighbourhood(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], central: Neighbourhood
) -> None:
    factory.building(name="Central Hub", neighbourhood=central)
    factory.building(
        name="Marple Hub", neighbourhood=factory.neighbourhood(name="Marple", slug="marple")
    )
    client = sign_in(factory.administrator())
    page = client.get("/estates/").get_data(as_text=True)
    assert "Central Hub" in page and "Marple Hub" in page
    page = client.get("/estates/?neighbourhood=marple").get_data(as_text=True)
    assert "Central Hub" not in page and "Marple Hub" in page
    assert "1 building in Marple" in page
