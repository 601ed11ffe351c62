"""The catalogue through the API: active things only, filters, and who may book where."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.catalogue.models import BuildingAccess, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # Monday 7 January 2030, 8am


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


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


def test_neighbourhoods_are_listed_by_name(api: FlaskClient, factory: Factory) -> None:
    factory.neighbourhood(name="Marple", slug="marple")
    factory.neighbourhood(name="Central", slug="central")
    response = api.get("/api/v1/neighbourhoods")
    assert response.status_code == 200 and response.mimetype == "application/json"
    found = [n for n in response.json if n["slug"] in {"marple", "central"}]
    assert found == [
        {"id": found[0]["id"], "slug": "central", "name": "Central"},
        {"id": found[1]["id"], "slug": "marple", "name": "Marple"},
    ]


def test_a_building_is_described_in_full(api: FlaskClient, factory: Factory) -> None:
    central = factory.neighbourhood(name="Central", slug="central")
    owner = factory.organisation(name="Stockport Council")
    factory.building(
        name="Central Library",
        neighbourhood=central,
        owner=owner,
        has_wifi=True,
        has_step_free=True,
        arrival_instructions="Ask at the front desk.",
        hours={0: (time(9), time(17, 30))},
    )
    [building] = api.get("/api/v1/buildings?neighbourhood=central").json
    assert building["name"] == "Central Library"
    assert building["neighbourhood"]["slug"] == "central"
    assert building["owner"]["name"] == "Stockport Council"
    assert building["facilities"] == ["wifi", "step_free"]
    assert building["opening_hours"] == [{"weekday": 0, "opens": "09:00", "closes": "17:30"}]
    assert building["latitude"] == pytest.approx(53.408)
    assert building["arrival_instructions"] == "Ask at the front desk."
    assert building["restricted_to"] == [] and building["bookable"] is True


def test_buildings_filter_by_neighbourhood_and_facilities_and_leave_out_inactive_ones(
    api: FlaskClient, factory: Factory
) -> None:
    area = factory.neighbourhood(slug="heatons")
    factory.building(name="With both", neighbourhood=area, has_wifi=True, has_parking=True)
    factory.building(name="Wi-Fi only", neighbourhood=area, has_wifi=True)
    factory.building(name="Closed down", neighbourhood=area, has_wifi=True, active=False)
    factory.building(name="Elsewhere", has_wifi=True, has_parking=True)
    assert names(api.get("/api/v1/buildings?neighbourhood=heatons").json) == [
        "Wi-Fi only",
        "With both",
    ]
    query = "neighbourhood=heatons&facilities=wifi&facilities=parking"
    assert names(api.get(f"/api/v1/buildings?{query}").json) == ["With both"]
    assert api.get("/api/v1/buildings?neighbourhood=nowhere").json == []


def test_a_building_restricted_to_other_organisations_is_listed_as_not_bookable(
    api: FlaskClient, factory: Factory, person: Person
) -> None:
    area = factory.neighbourhood(slug="cheadle")
    police = factory.organisation(name="Greater Manchester Police")
    factory.building(
        name="Police station", neighbourhood=area, owner=police, access=BuildingAccess.LISTED
    )
    shared = factory.building(
        name="Shared with us", neighbourhood=area, access=BuildingAccess.LISTED
    )
    shared.allowed_organisations.append(person.organisation)
    factory.space(building=shared)
    buildings = api.get("/api/v1/buildings?neighbourhood=cheadle").json
    assert [(b["name"], b["bookable"]) for b in buildings] == [
        ("Police station", False),
        ("Shared with us", True),
    ]
    assert buildings[0]["restricted_to"] == ["Greater Manchester Police"]


def test_spaces_filter_by_building_kind_capacity_and_facilities(
    api: FlaskClient, factory: Factory
) -> None:
    area = factory.neighbourhood(slug="werneth")
    hub = factory.building(name="Family hub", neighbourhood=area, has_hearing_loop=True)
    centre = factory.building(name="Community centre", neighbourhood=area)
    factory.space(building=hub, name="Desk 1")
    factory.space(building=hub, name="Big room", kind=SpaceKind.MEETING_ROOM, capacity=12)
    factory.space(building=hub, name="Small room", kind=SpaceKind.MEETING_ROOM, capacity=4)
    factory.space(building=hub, name="Gone", active=False)
    factory.space(building=centre, name="Quiet room", kind=SpaceKind.QUIET_ROOM, capacity=2)

    def spaces(query: str) -> list[str]:
        return names(api.get(f"/api/v1/spaces?neighbourhood=werneth&{query}").json)

    assert spaces("") == ["Quiet room", "Desk 1", "Big room", "Small room"]
    assert spaces(f"building={hub.id}") == ["Desk 1", "Big room", "Small room"]
    assert spaces("kind=meeting_room&capacity=5") == ["Big room"]
    assert spaces("facilities=hearing_loop&kind=desk") == ["Desk 1"]
    [desk] = api.get(f"/api/v1/spaces?building={hub.id}&kind=desk").json
    assert desk["building"] == {"id": hub.id, "name": "Family hub"}
    assert desk["kind"] == "desk" and desk["capacity"] == 1 and desk["bookable"] is True


def test_an_unbookable_space_and_a_restricted_buildings_spaces_say_so(
    api: FlaskClient, factory: Factory
) -> None:
    area = factory.neighbourhood(slug="marple")
    open_to_all = factory.building(name="A", neighbourhood=area)
    restricted = factory.building(name="B", neighbourhood=area, access=BuildingAccess.LISTED)
    factory.space(building=open_to_all, name="Storeroom", bookable=False)
    factory.space(building=restricted, name="Desk")
    spaces = api.get("/api/v1/spaces?neighbourhood=marple").json
    assert [(s["name"], s["bookable"]) for s in spaces] == [("Storeroom", False), ("Desk", False)]


@pytest.mark.parametrize(
    "query",
    [
        "capacity=0",
        "capacity=lots",
        "kind=sofa",
        "facilities=jacuzzi",
        "building=0",
        "building=99999999999999999999",
        "neighbourhood=Not%20A%20Slug",
        "neighbourhood=%00",
    ],
)
def test_bad_filters_are_422_problems_naming_the_field(api: FlaskClient, query: str) -> None:
    response = api.get(f"/api/v1/spaces?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    field = query.partition("=")[0]
    assert [name.partition(".")[0] for name in response.json["errors"]] == [field]
    assert response.json["type"].endswith("#problem-invalid-request")
