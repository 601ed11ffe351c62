"""The space page: what the space is, whether you can book it and why not, its closures."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import BankHoliday, BuildingAccess, Space, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
MONDAY_MORNING = datetime(2026, 12, 21, 10, tzinfo=UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: MONDAY_MORNING}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(client: FlaskClient, space: Space) -> str:
    response = client.get(f"/spaces/{space.id}")
    assert response.status_code == 200
    return text(response.get_data(as_text=True))


def test_the_page_describes_the_space_and_links_to_its_building(
    factory: Factory, sign_in: SignIn
) -> None:
    building = factory.building(name="Stockport Central Library")
    room = factory.space(
        building,
        kind=SpaceKind.MEETING_ROOM,
        name="Community room",
        capacity=12,
        equipment="Screen, flip chart",
        description="A bright room on the first floor.",
        accessible=True,
    )

    response = sign_in(factory.person()).get(f"/spaces/{room.id}")

    html = response.get_data(as_text=True)
    words = text(html)
    assert f'href="/buildings/{building.id}">Stockport Central Library</a>' in html
    assert "Type Meeting room" in words
    assert "Capacity Up to 12 people" in words
    assert "Equipment Screen, flip chart" in words
    assert "Accessibility Accessible space" in words
    assert "A bright room on the first floor." in words
    assert "Today Open today 9am to 5pm" in words
    assert "You can book this space." in words


def test_a_space_that_is_not_bookable_says_so(factory: Factory, sign_in: SignIn) -> None:
    store = factory.space(name="Store room", bookable=False)

    words = page(sign_in(factory.person()), store)

    assert "You cannot book this space." in words
    assert "This space is not available for booking." in words


def test_a_space_in_a_building_for_other_organisations_cannot_be_booked(
    factory: Factory, sign_in: SignIn
) -> None:
    police = factory.organisation(name="Greater Manchester Police")
    building = factory.building(owner=police, access=BuildingAccess.LISTED)
    desk = factory.space(building)

    as_charity = page(sign_in(factory.person()), desk)
    as_police = page(sign_in(factory.person(organisation=police)), desk)

    assert "You cannot book this space." in as_charity
    assert "Only staff of Greater Manchester Police can book in this building." in as_charity
    assert "You can book this space." in as_police


def test_closures_of_the_space_and_its_building_are_listed_but_not_of_other_spaces(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    db_session.add(BankHoliday(day=date(2026, 12, 25), title="Christmas Day"))
    building = factory.building(name="Bramhall Library")
    desk = factory.space(building, name="Desk 1")
    other = factory.space(building, name="Desk 2")
    factory.closure(space=desk, starts_at=datetime(2026, 12, 22, 9, tzinfo=UTC), reason="Repairs")
    factory.closure(
        building=building, starts_at=datetime(2026, 12, 23, 9, tzinfo=UTC), reason="Deep clean"
    )
    factory.closure(space=other, starts_at=datetime(2026, 12, 22, 9, tzinfo=UTC), reason="Moved")

    words = page(sign_in(factory.person()), desk)

    assert "Desk 1 from Tuesday 22 December 2026, 9am" in words and "Repairs" in words
    assert "Bramhall Library closed from Wednesday 23 December 2026, 9am" in words
    assert "Closed on Friday 25 December 2026 (Christmas Day)" in words
    assert "Moved" not in words


@pytest.mark.parametrize("where", ["space", "building"])
def test_a_deactivated_space_is_not_found_except_by_the_buildings_managers(
    factory: Factory, sign_in: SignIn, where: str
) -> None:
    building = factory.building(active=where != "building")
    space = factory.space(building, active=where != "space")
    manager = factory.building_manager(building)
    url = f"/spaces/{space.id}"

    assert sign_in(factory.person()).get(url).status_code == 404
    assert sign_in(factory.building_manager(factory.building())).get(url).status_code == 404
    as_manager = sign_in(manager).get(url)

    assert as_manager.status_code == 200
    words = text(as_manager.get_data(as_text=True))
    assert f"This {where} is deactivated" in words
    assert f"This {where} has been deactivated." in words


def test_an_unknown_space_is_not_found(factory: Factory, sign_in: SignIn) -> None:
    assert sign_in(factory.person()).get("/spaces/999999").status_code == 404
