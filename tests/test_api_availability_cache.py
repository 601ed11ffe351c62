"""The API's availability keeps spaces between requests, and still shows every estates change at once.

`booking.catalogue.snapshot.SpaceCache` keeps each space with its building, hours and allowed
organisations; a change to any of them must be in the very next answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import Building, BuildingAccess, OpeningHours, Space
from booking.catalogue.services import (
    BuildingDetails,
    SpaceDetails,
    set_building_active,
    set_space_active,
    update_building,
    update_space,
)
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # Monday 7 January 2030, 8am (GMT)
TUESDAY = "2030-01-08"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person()


@pytest.fixture
def api(client: FlaskClient, factory: Factory, person: Person) -> FlaskClient:
    _token, secret = factory.access_token(person)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def building(factory: Factory) -> Building:
    building = factory.building(name="Reddish Library")
    factory.space(building=building, name="Desk 1")
    return building


def spaces(api: FlaskClient, building: Building) -> list[dict[str, Any]]:
    response = api.get(f"/api/v1/availability?building={building.id}&date={TUESDAY}")
    assert response.status_code == 200
    result: list[dict[str, Any]] = response.json["spaces"]
    return result


def test_new_opening_hours_are_in_the_next_answer(
    api: FlaskClient,
    factory: Factory,
    building: Building,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    [desk] = spaces(api, building)
    assert desk["opening_hours"] == {"opens": "09:00", "closes": "17:00"}
    sign_in(factory.building_manager(building))
    week: dict[str, str] = {}
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        week[f"{name}_opens"], week[f"{name}_closes"] = "10:00", "15:30"
    week |= {"saturday_closed": "y", "sunday_closed": "y"}
    response = api.post(f"/estates/buildings/{building.id}/hours", data=week)
    assert response.status_code == 302
    [desk] = spaces(api, building)
    assert desk["opening_hours"] == {"opens": "10:00", "closes": "15:30"}
    assert desk["free"] == [
        {"start": f"{TUESDAY}T10:00:00+00:00", "end": f"{TUESDAY}T15:30:00+00:00"}
    ]


def test_a_changed_space_is_in_the_next_answer(
    api: FlaskClient, factory: Factory, building: Building, db_session: Session
) -> None:
    [before] = spaces(api, building)
    space = db_session.get(Space, before["space"]["id"])
    assert space is not None
    details = SpaceDetails.of(space)
    update_space(
        db_session,
        factory.administrator(),
        space,
        SpaceDetails(details.kind, "Window desk", 1, bookable=False),
    )
    [after] = spaces(api, building)
    assert after["space"]["name"] == "Window desk"
    assert after["space"]["bookable"] is False and after["free"] == []


def test_spaces_and_buildings_deactivated_or_added_are_in_the_next_answer(
    api: FlaskClient, factory: Factory, building: Building, db_session: Session
) -> None:
    [desk] = spaces(api, building)
    factory.space(building=building, name="Desk 2")
    assert [s["space"]["name"] for s in spaces(api, building)] == ["Desk 1", "Desk 2"]
    space = db_session.get(Space, desk["space"]["id"])
    assert space is not None
    set_space_active(db_session, factory.administrator(), space, False)
    assert [s["space"]["name"] for s in spaces(api, building)] == ["Desk 2"]
    set_building_active(db_session, factory.administrator(), building, False)
    response = api.get(f"/api/v1/availability?building={building.id}&date={TUESDAY}")
    assert response.status_code == 404


def test_a_building_restricted_to_other_organisations_is_in_the_next_answer(
    api: FlaskClient, factory: Factory, building: Building, db_session: Session
) -> None:
    [desk] = spaces(api, building)
    assert desk["space"]["bookable"] is True and desk["free"]
    details = BuildingDetails.of(building)
    restricted = BuildingDetails(
        **{
            **vars(details),
            "access": BuildingAccess.LISTED,
            "allowed_organisations": (factory.organisation(),),
        }
    )
    update_building(db_session, factory.administrator(), building, restricted)
    [desk] = spaces(api, building)
    assert desk["space"]["bookable"] is False and desk["free"] == []


def test_an_unchanged_catalogue_is_not_read_again(
    api: FlaskClient, building: Building, count_queries: Callable[[], Any]
) -> None:
    spaces(api, building)
    with count_queries() as statements:
        spaces(api, building)
    assert not [s for s in statements if "space.description" in s]


def test_changing_hours_or_allowed_organisations_touches_the_building(
    factory: Factory, building: Building, db_session: Session
) -> None:
    """Neither changes the building row itself, so the snapshot's listener bumps `updated_at`."""

    def touched(change: Callable[[], None]) -> bool:
        before = building.updated_at
        change()
        db_session.flush()
        return building.updated_at != before

    def edit_one_day() -> None:
        building.opening_hours[0].closes = time(16)

    def close_a_day() -> None:
        building.opening_hours.pop()

    def open_on_saturday() -> None:
        building.opening_hours.append(OpeningHours(weekday=5, opens=time(10), closes=time(12)))

    def allow_an_organisation() -> None:
        building.allowed_organisations.append(factory.organisation())

    for change in (edit_one_day, close_a_day, open_on_saturday, allow_an_organisation):
        assert touched(change), change.__name__
    assert not touched(lambda: None)
