"""Unmet demand: a search that finds no free space is recorded, what was wanted and never who."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import Building, BuildingAccess, Facility, Neighbourhood, SpaceKind
from booking.demand import services
from booking.demand.models import SearchSource, TimeOfDay, UnmetSearch
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@dataclass
class Clock:
    now: datetime = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: clock.now}


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")


@pytest.fixture
def library(factory: Factory, reddish: Neighbourhood) -> Building:
    return factory.building(name="Reddish Library", neighbourhood=reddish)


@pytest.fixture
def nurse(factory: Factory) -> Person:
    return factory.person(name="Priya Shah")


def find(client: FlaskClient, **arguments: Any) -> str:
    query = {"neighbourhood": "heatons-reddish", "date": "2026-03-03", **arguments}
    response = client.get("/find", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def recorded(db_session: Session) -> list[UnmetSearch]:
    db_session.expire_all()
    return list(db_session.scalars(select(UnmetSearch).order_by(UnmetSearch.id)))


def test_a_search_that_finds_a_free_space_is_not_recorded(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, db_session: Session
) -> None:
    factory.space(library)

    find(sign_in(nurse))

    assert recorded(db_session) == []


def test_a_search_that_finds_nothing_free_is_recorded_with_what_was_wanted(
    factory: Factory,
    sign_in: SignIn,
    library: Building,
    reddish: Neighbourhood,
    nurse: Person,
    db_session: Session,
    clock: Clock,
) -> None:
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, capacity=8)
    factory.booking(
        room,
        starts_at=datetime(2026, 3, 3, 13, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 16, tzinfo=UTC),
    )

    page = find(
        sign_in(nurse),
        kind="meeting_room",
        when="between",
        starts="14:00",
        ends="15:30",
        capacity="6",
        accessibility="step_free",
    )

    assert "No meeting rooms free" in page
    [search] = recorded(db_session)
    assert search.neighbourhood_id == reddish.id
    assert search.day == date(2026, 3, 3)
    assert (search.starts_at_time, search.ends_at_time) == (time(14), time(15, 30))
    assert search.time_of_day is TimeOfDay.AFTERNOON
    assert search.kind is SpaceKind.MEETING_ROOM
    assert search.min_capacity == 6
    assert search.facilities() == [Facility.STEP_FREE]
    assert search.source is SearchSource.WEB
    assert search.searched_at == clock.now


def test_a_search_with_no_matching_space_at_all_is_recorded_too(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, db_session: Session
) -> None:
    factory.space(library)  # a desk; no quiet room anywhere

    find(sign_in(nurse), kind="quiet_room")

    [search] = recorded(db_session)
    assert search.kind is SpaceKind.QUIET_ROOM
    assert search.time_of_day is TimeOfDay.ANY_TIME
    assert (search.starts_at_time, search.ends_at_time) == (None, None)


def test_a_search_for_now_keeps_the_uk_time_it_was_made(
    factory: Factory,
    sign_in: SignIn,
    library: Building,
    nurse: Person,
    db_session: Session,
    clock: Clock,
) -> None:
    clock.now = datetime(2026, 6, 2, 16, 20, 45, tzinfo=UTC)  # 5:20pm in London (BST)
    desk = factory.space(library)
    factory.booking(
        desk,
        starts_at=datetime(2026, 6, 2, 8, tzinfo=UTC),
        ends_at=datetime(2026, 6, 2, 16, tzinfo=UTC),
    )

    find(sign_in(nurse), when="now", date="2026-06-02")

    [search] = recorded(db_session)
    assert search.day == date(2026, 6, 2)
    assert (search.starts_at_time, search.ends_at_time) == (time(17, 20), None)
    assert search.time_of_day is TimeOfDay.EVENING


def test_nothing_about_who_searched_is_stored(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, db_session: Session
) -> None:
    find(sign_in(nurse))

    [search] = recorded(db_session)
    columns = {column.key for column in inspect(UnmetSearch).columns}
    assert not {c for c in columns if "person" in c or "ip" in c.split("_") or "user" in c}
    assert not any(
        nurse.email in str(value) or nurse.name in str(value)
        for value in (getattr(search, column) for column in columns)
    )
    assert "lat" not in columns and "origin" not in columns


def test_the_same_search_again_within_a_minute_is_not_counted_twice(
    sign_in: SignIn, library: Building, nurse: Person, db_session: Session, clock: Clock
) -> None:
    client = sign_in(nurse)

    find(client)
    clock.now += timedelta(seconds=59)
    find(client, lat="53.43", lon="-2.16")  # "Use my location" sends the form again
    assert len(recorded(db_session)) == 1

    clock.now += timedelta(seconds=61)
    find(client)
    assert len(recorded(db_session)) == 2


def test_a_different_search_within_the_minute_is_counted(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, db_session: Session
) -> None:
    client = sign_in(nurse)

    find(client)
    find(client, date="2026-03-04")
    find(client, kind="meeting_room")
    find(client, facility="wifi")

    assert len(recorded(db_session)) == 4


def test_two_people_making_the_same_search_in_the_same_minute_count_once(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, db_session: Session
) -> None:
    find(sign_in(nurse))
    find(sign_in(factory.person()))

    assert len(recorded(db_session)) == 1


def test_the_search_still_answers_when_recording_fails(
    sign_in: SignIn,
    library: Building,
    nurse: Person,
    db_session: Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database is full")

    monkeypatch.setattr(services, "record", broken)

    with caplog.at_level(logging.ERROR, logger="booking.demand.recording"):
        page = find(sign_in(nurse))

    assert "Heatons &amp; Reddish" in page
    assert "Could not record a search that found no free space" in caplog.text
    assert recorded(db_session) == []


@pytest.mark.parametrize(
    ("starts", "ends", "band"),
    [
        (None, None, TimeOfDay.ANY_TIME),
        (time(9), time(12), TimeOfDay.MORNING),
        (time(12, 59), None, TimeOfDay.MORNING),
        (time(13), time(14), TimeOfDay.AFTERNOON),
        (time(16, 59), None, TimeOfDay.AFTERNOON),
        (time(17), time(19), TimeOfDay.EVENING),
        (None, time(11), TimeOfDay.MORNING),
    ],
)
def test_the_time_of_day_is_the_band_the_first_wanted_moment_falls_in(
    starts: time | None, ends: time | None, band: TimeOfDay
) -> None:
    assert services.time_of_day(starts, ends) is band


# The API.


@pytest.fixture
def api(client: FlaskClient, factory: Factory, nurse: Person) -> FlaskClient:
    _token, secret = factory.access_token(nurse)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def availability(api: FlaskClient, **arguments: Any) -> None:
    response = api.get("/api/v1/availability", query_string={"date": "2026-03-03", **arguments})
    assert response.status_code == 200, response.json


def test_an_api_neighbourhood_search_with_nothing_free_is_recorded_as_from_the_api(
    factory: Factory, api: FlaskClient, library: Building, db_session: Session
) -> None:
    desk = factory.space(library)
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
    )

    availability(api, neighbourhood="heatons-reddish", **{"from": "10:00", "to": "11:30"})

    [search] = recorded(db_session)
    assert search.source is SearchSource.API
    assert search.kind is None  # any kind
    assert (search.starts_at_time, search.ends_at_time) == (time(10), time(11, 30))
    assert search.time_of_day is TimeOfDay.MORNING


def test_an_api_search_finding_some_free_time_in_the_period_is_not_recorded(
    factory: Factory, api: FlaskClient, library: Building, db_session: Session
) -> None:
    desk = factory.space(library)
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 11, tzinfo=UTC),
    )

    availability(api, neighbourhood="heatons-reddish", **{"from": "10:00", "to": "11:30"})

    assert recorded(db_session) == []


def test_a_space_the_asker_may_not_book_does_not_count_as_free(
    factory: Factory, api: FlaskClient, reddish: Neighbourhood, db_session: Session
) -> None:
    closed_to_others = factory.building(neighbourhood=reddish, access=BuildingAccess.LISTED)
    factory.space(closed_to_others)

    availability(api, neighbourhood="heatons-reddish", kind="desk")

    [search] = recorded(db_session)
    assert search.kind is SpaceKind.DESK


def test_asking_about_one_building_or_space_is_not_a_search(
    factory: Factory, api: FlaskClient, library: Building, db_session: Session
) -> None:
    desk = factory.space(library)
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 17, tzinfo=UTC),
    )

    availability(api, building=str(library.id))
    availability(api, space=str(desk.id))

    assert recorded(db_session) == []
