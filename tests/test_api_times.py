"""Times in the API: ISO 8601 with an offset, or naive meaning Europe/London, across clock changes.

Requests may give any offset, or none for Europe/London wall-clock time. A wall-clock time the
clocks skip (spring forward) is refused; one they repeat (autumn) means the first, in British
Summer Time. Responses always carry the Europe/London offset of the moment.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.catalogue.models import Space
from tests.factories import Factory

clock = [datetime(2030, 1, 7, 8, tzinfo=UTC)]
EVERY_DAY = {day: (time(0), time(23, 45)) for day in range(7)}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    clock[0] = datetime(2030, 1, 7, 8, tzinfo=UTC)
    return {**app_config, "CLOCK": lambda: clock[0]}


@pytest.fixture
def api(client: FlaskClient, factory: Factory) -> FlaskClient:
    _token, secret = factory.access_token()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def desk(factory: Factory) -> Space:
    return factory.space(building=factory.building(hours=EVERY_DAY))


def book(api: FlaskClient, desk: Space, start: str, end: str) -> Any:
    return api.post("/api/v1/bookings", json={"space_id": desk.id, "start": start, "end": end})


def week_before(day: str) -> None:
    clock[0] = datetime.fromisoformat(day).replace(tzinfo=UTC) - timedelta(days=7)


@pytest.mark.parametrize(
    "start",
    [
        "2030-01-08T09:00",
        "2030-01-08T09:00:00Z",
        "2030-01-08T09:00:00+00:00",
        "2030-01-08T10:00:00+01:00",
        "2030-01-08T04:00:00.000-05:00",
    ],
)
def test_naive_and_offset_times_name_the_same_moment_in_winter(
    api: FlaskClient, desk: Space, start: str
) -> None:
    response = book(api, desk, start, "2030-01-08T10:00")
    assert response.status_code == 201
    assert response.json["start"] == "2030-01-08T09:00:00+00:00"


def test_a_naive_summer_time_is_british_summer_time(api: FlaskClient, desk: Space) -> None:
    week_before("2026-06-02")
    response = book(api, desk, "2026-06-02T09:00", "2026-06-02T10:00")
    assert response.status_code == 201
    assert response.json["start"] == "2026-06-02T09:00:00+01:00"
    assert response.json["end"] == "2026-06-02T10:00:00+01:00"


@pytest.mark.parametrize(
    ("day", "pretty"), [("2026-03-29", "29 March 2026"), ("2027-03-28", "28 March 2027")]
)
def test_a_naive_time_the_clocks_skip_is_refused(
    api: FlaskClient, desk: Space, day: str, pretty: str
) -> None:
    week_before(day)
    response = book(api, desk, f"{day}T01:30", f"{day}T03:00")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    message = (
        f"01:30 on {pretty} does not exist in the UK: the clocks go forward an hour that night."
    )
    assert response.json["errors"] == {"start": [message]}


@pytest.mark.parametrize("day", ["2026-03-29", "2027-03-28"])
def test_the_same_instant_with_an_offset_is_fine_on_spring_forward_night(
    api: FlaskClient, desk: Space, day: str
) -> None:
    week_before(day)
    response = book(api, desk, f"{day}T01:30:00+00:00", f"{day}T03:00")
    assert response.status_code == 201
    assert response.json["start"] == f"{day}T02:30:00+01:00"
    assert response.json["end"] == f"{day}T03:00:00+01:00"


@pytest.mark.parametrize("day", ["2026-10-25", "2027-10-31"])
def test_a_naive_time_the_clocks_repeat_is_the_first_one(
    api: FlaskClient, desk: Space, day: str
) -> None:
    week_before(day)
    response = book(api, desk, f"{day}T01:00", f"{day}T02:00")
    assert response.status_code == 201
    assert response.json["start"] == f"{day}T01:00:00+01:00"
    assert response.json["end"] == f"{day}T02:00:00+00:00"
    start = datetime.fromisoformat(response.json["start"])
    end = datetime.fromisoformat(response.json["end"])
    assert (end - start).total_seconds() == 2 * 3600


@pytest.mark.parametrize("day", ["2026-10-25", "2027-10-31"])
def test_the_second_repeated_hour_can_be_named_with_its_offset(
    api: FlaskClient, desk: Space, day: str
) -> None:
    week_before(day)
    response = book(api, desk, f"{day}T01:30:00+00:00", f"{day}T02:00")
    assert response.status_code == 201
    assert response.json["start"] == f"{day}T01:30:00+00:00"


def test_availability_on_autumn_night_shows_the_long_day(api: FlaskClient, desk: Space) -> None:
    week_before("2026-10-25")
    body = api.get(f"/api/v1/availability?space={desk.id}&date=2026-10-25").json
    [(start, end)] = [(w["start"], w["end"]) for w in body["spaces"][0]["free"]]
    assert (start, end) == ("2026-10-25T00:00:00+01:00", "2026-10-25T23:45:00+00:00")
