"""GET /api/v1/reports/neighbourhoods: the indicators as JSON, for those who see reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.catalogue.models import Building, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 20, 12, tzinfo=UTC)
URL = "/api/v1/reports/neighbourhoods"

Api = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def api(client: FlaskClient, factory: Factory) -> Api:
    def as_person(person: Person) -> FlaskClient:
        _token, secret = factory.access_token(person)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return client

    return as_person


@pytest.fixture
def reddish(factory: Factory) -> Building:
    hood = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    building = factory.building(name="Reddish Library", neighbourhood=hood, has_step_free=True)
    desk = factory.space(building)
    factory.space(building, kind=SpaceKind.MEETING_ROOM)
    # Tuesday 8 January 2030, 9am to 1pm: 4 of the 2 x 8 hours open that day.
    factory.booking(
        desk,
        starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC),
        ends_at=datetime(2030, 1, 8, 13, tzinfo=UTC),
    )
    return building


@pytest.fixture
def marple(factory: Factory) -> Building:
    hood = factory.neighbourhood(name="Marple", slug="marple")
    building = factory.building(name="Marple Hall", neighbourhood=hood)
    factory.space(building)
    return building


def test_an_administrator_gets_every_neighbourhood(
    api: Api, factory: Factory, reddish: Building, marple: Building
) -> None:
    response = api(factory.administrator()).get(
        URL, query_string={"period": "week", "date": "2030-01-09"}
    )

    assert response.status_code == 200
    body = response.json
    assert body["period"] == {
        "label": "Week of 7 January 2030",
        "from": "2030-01-07",
        "to": "2030-01-13",
    }
    assert body["previous_period"]["from"] == "2029-12-31"
    assert body["whole_neighbourhoods"] is True
    rows = {row["slug"]: row for row in body["neighbourhoods"]}
    assert rows["heatons-reddish"] == {
        "slug": "heatons-reddish",
        "name": "Heatons & Reddish",
        "spaces": 2,
        "step_free_share": 1.0,
        "utilisation": 4 / 80,
        "occupancy": 0.0,
        "partner_organisations": 1,
        "previous_utilisation": 0.0,
        "utilisation_change": 4 / 80,
        "available_hours": 80.0,
        "booked_hours": 4.0,
        "checked_in_hours": 0.0,
    }
    assert rows["marple"]["utilisation"] == 0.0 and rows["marple"]["step_free_share"] == 0.0


def test_from_and_to_choose_any_dates(api: Api, factory: Factory, reddish: Building) -> None:
    response = api(factory.administrator()).get(
        URL, query_string={"from": "2030-01-08", "to": "2030-01-08", "kind": "desk"}
    )

    [row] = [r for r in response.json["neighbourhoods"] if r["slug"] == "heatons-reddish"]
    assert row["utilisation"] == 0.5 and row["spaces"] == 1
    assert response.json["previous_period"] == {
        "label": "7 January 2030",
        "from": "2030-01-07",
        "to": "2030-01-07",
    }


def test_a_building_manager_gets_only_their_buildings(
    api: Api, factory: Factory, reddish: Building, marple: Building
) -> None:
    response = api(factory.building_manager(marple)).get(URL, query_string={"period": "month"})

    assert response.json["whole_neighbourhoods"] is False
    assert [row["slug"] for row in response.json["neighbourhoods"]] == ["marple"]


def test_a_neighbourhood_lead_gets_their_neighbourhood(
    api: Api, factory: Factory, reddish: Building, marple: Building
) -> None:
    response = api(factory.neighbourhood_lead(reddish.neighbourhood)).get(URL)

    assert response.json["whole_neighbourhoods"] is True
    assert [row["slug"] for row in response.json["neighbourhoods"]] == ["heatons-reddish"]


def test_staff_get_a_403_problem(api: Api, factory: Factory) -> None:
    response = api(factory.person()).get(URL)

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "see reports" in response.json["detail"]


def test_a_token_is_needed(client: FlaskClient) -> None:
    response = client.get(URL)

    assert response.status_code == 401 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"period": "fortnight"}, "period"),
        ({"from": "2030-01-10", "to": "2030-01-01"}, "to"),
        ({"from": "2030-01-01"}, "to"),
        ({"from": "2030-01-01", "to": "2031-06-01"}, "to"),
        ({"period": "month", "from": "2030-01-01", "to": "2030-01-02"}, "_schema"),
        ({"date": "2030-02-30"}, "date"),
        ({"date": "1999-01-01"}, "date"),
        ({"kind": "sofa"}, "kind"),
    ],
)
def test_bad_input_is_a_422_problem_naming_the_field(
    api: Api, factory: Factory, arguments: dict[str, str], field: str
) -> None:
    response = api(factory.administrator()).get(URL, query_string=arguments)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
