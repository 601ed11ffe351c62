"""When spaces are free, through the API: windows in Europe/London time, one place at a time."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.catalogue.models import BuildingAccess, SpaceKind
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # Monday 7 January 2030, 8am (GMT)


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


def windows(space: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["start"], w["end"]) for w in space["free"]]


def test_a_buildings_spaces_show_their_free_time_around_bookings(
    api: FlaskClient, factory: Factory
) -> None:
    building = factory.building(name="Reddish Library")
    desk = factory.space(building=building, name="Desk 1")
    factory.space(building=building, name="Desk 2")
    factory.booking(
        desk,
        starts_at=datetime(2030, 1, 8, 10, tzinfo=UTC),
        ends_at=datetime(2030, 1, 8, 12, tzinfo=UTC),
    )
    response = api.get(f"/api/v1/availability?building={building.id}&date=2030-01-08")
    assert response.status_code == 200
    body = response.json
    assert body["date"] == "2030-01-08"
    first, second = body["spaces"]
    assert first["space"]["name"] == "Desk 1"
    assert first["opening_hours"] == {"opens": "09:00", "closes": "17:00"}
    assert windows(first) == [
        ("2030-01-08T09:00:00+00:00", "2030-01-08T10:00:00+00:00"),
        ("2030-01-08T12:00:00+00:00", "2030-01-08T17:00:00+00:00"),
    ]
    assert windows(second) == [("2030-01-08T09:00:00+00:00", "2030-01-08T17:00:00+00:00")]


def test_times_carry_the_summer_offset_in_british_summer_time(
    api: FlaskClient, factory: Factory
) -> None:
    space = factory.space(building=factory.building(desk_advance_days=200))
    body = api.get(f"/api/v1/availability?space={space.id}&date=2030-06-04").json
    assert windows(body["spaces"][0]) == [
        ("2030-06-04T09:00:00+01:00", "2030-06-04T17:00:00+01:00")
    ]


def test_from_and_to_keep_only_the_free_time_between_them(
    api: FlaskClient, factory: Factory
) -> None:
    space = factory.space()
    factory.booking(
        space,
        starts_at=datetime(2030, 1, 8, 10, tzinfo=UTC),
        ends_at=datetime(2030, 1, 8, 11, tzinfo=UTC),
    )
    query = f"space={space.id}&date=2030-01-08&from=09:30&to=12:00"
    [result] = api.get(f"/api/v1/availability?{query}").json["spaces"]
    assert windows(result) == [
        ("2030-01-08T09:30:00+00:00", "2030-01-08T10:00:00+00:00"),
        ("2030-01-08T11:00:00+00:00", "2030-01-08T12:00:00+00:00"),
    ]


def test_a_neighbourhoods_spaces_of_one_kind(api: FlaskClient, factory: Factory) -> None:
    area = factory.neighbourhood(slug="stepping-hill")
    building = factory.building(neighbourhood=area)
    factory.space(building=building, name="Desk")
    factory.space(building=building, name="Room", kind=SpaceKind.MEETING_ROOM)
    factory.space()  # elsewhere
    query = "neighbourhood=stepping-hill&date=2030-01-08&kind=meeting_room"
    body = api.get(f"/api/v1/availability?{query}").json
    assert [s["space"]["name"] for s in body["spaces"]] == ["Room"]


def test_a_closed_day_has_no_hours_and_no_free_time(api: FlaskClient, factory: Factory) -> None:
    space = factory.space()
    [result] = api.get(f"/api/v1/availability?space={space.id}&date=2030-01-12").json["spaces"]
    assert result["opening_hours"] is None and result["free"] == []


def test_spaces_you_may_not_book_have_no_free_time(api: FlaskClient, factory: Factory) -> None:
    building = factory.building(access=BuildingAccess.LISTED)
    space = factory.space(building=building)
    [result] = api.get(f"/api/v1/availability?space={space.id}&date=2030-01-08").json["spaces"]
    assert result["space"]["bookable"] is False and result["free"] == []


def test_beyond_your_advance_window_nothing_is_free(api: FlaskClient, factory: Factory) -> None:
    space = factory.space(building=factory.building(desk_advance_days=7))
    [result] = api.get(f"/api/v1/availability?space={space.id}&date=2030-01-22").json["spaces"]
    assert result["free"] == []


@pytest.mark.parametrize(
    "query",
    [
        "date=2030-01-08",
        "date=2030-01-08&building=1&space=1",
        "date=2030-01-08&neighbourhood=central&building=1",
    ],
)
def test_exactly_one_place_must_be_given(api: FlaskClient, query: str) -> None:
    response = api.get(f"/api/v1/availability?{query}")
    assert response.status_code == 422
    assert response.json["errors"] == {
        "_schema": ["Give exactly one of neighbourhood, building or space."]
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "date"),
        ("&date=08/01/2030", "date"),
        ("&date=1999-12-31", "date"),
        ("&date=9999-12-31", "date"),
        ("&date=2030-01-08&from=9am", "from"),
        ("&date=2030-01-08&from=25:00", "from"),
        ("&date=2030-01-08&from=12:00&to=11:00", "to"),
    ],
)
def test_bad_dates_and_times_are_422(
    api: FlaskClient, factory: Factory, query: str, field: str
) -> None:
    space = factory.space()
    response = api.get(f"/api/v1/availability?space={space.id}{query}")
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


def test_a_from_time_the_clocks_skip_is_refused(api: FlaskClient, factory: Factory) -> None:
    space = factory.space(building=factory.building(hours={6: (time(0), time(23))}))
    query = f"space={space.id}&date=2026-03-29&from=01:30"
    response = api.get(f"/api/v1/availability?{query}")
    assert response.status_code == 422
    assert "does not exist" in response.json["errors"]["from"][0]


@pytest.mark.parametrize("place", ["neighbourhood=nowhere", "building=987654", "space=987654"])
def test_an_unknown_place_is_404(api: FlaskClient, place: str) -> None:
    response = api.get(f"/api/v1/availability?{place}&date=2030-01-08")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_an_inactive_space_is_404(api: FlaskClient, factory: Factory) -> None:
    space = factory.space(active=False)
    response = api.get(f"/api/v1/availability?space={space.id}&date=2030-01-08")
    assert response.status_code == 404
