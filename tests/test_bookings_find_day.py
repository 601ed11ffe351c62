"""A building's day and a space's week: booked, closed and free time at a glance; building
managers see who is in, everyone else only that it is booked."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import BankHoliday, Building, BuildingAccess, Space, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
NOW = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)  # Tuesday, 10:30am in London (GMT)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 1")


@pytest.fixture
def nurse(factory: Factory) -> Person:
    organisation = factory.organisation(name="Stockport NHS")
    return factory.person(name="Priya Shah", organisation=organisation)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_day_shows_every_spaces_booked_free_and_closed_time(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11, day=4), ends_at=at(13, day=4))
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.closure(space=room, starts_at=at(15, day=4), ends_at=at(20, day=4), reason="New carpet")
    factory.space(library, name="Broken desk", bookable=False)

    html = get(sign_in(factory.person()), f"/buildings/{library.id}/day?date=2026-03-04")
    words = text(html)

    assert "Bookings in Reddish Library Wednesday 4 March 2026" in words
    assert "Desk 1 Desk 9am 5pm Free 9am to 11am Book Desk 1 from 9am Booked 11am to 1pm" in words
    assert (
        "Board room Meeting room 9am 5pm Free 9am to 3pm Book Board room from 9am"
        " Closed 3pm to 5pm: New carpet" in words
    )
    assert "Broken desk Desk, not bookable 9am 5pm Not available 9am to 5pm" in words


def test_today_past_time_is_not_available_and_free_time_links_to_booking(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11), ends_at=at(13))

    html = get(sign_in(factory.person()), f"/buildings/{library.id}/day")
    words = text(html)

    assert "Today, Tuesday 3 March 2026" in words
    assert (
        "Desk 1 Desk 9am 5pm Not available 9am to 10:25am Free 10:25am to 11am Book Desk 1 from 10:25am"
        " Booked 11am to 1pm Free 1pm to 5pm Book Desk 1 from 1pm" in words
    )
    assert f'href="/spaces/{desk.id}/book?date=2026-03-03&amp;start=13:00&amp;end=17:00"' in html


def test_the_bar_is_drawn_with_svg_attributes_not_styles(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11, day=4), ends_at=at(13, day=4))

    html = get(sign_in(factory.person()), f"/buildings/{library.id}/day?date=2026-03-04")

    assert 'viewBox="0 0 480 10"' in html
    assert '<rect class="app-timeline__segment--free" x="0" y="0" width="120" height="10">' in html
    assert '<rect class="app-timeline__segment--booked" x="120" y="0" width="120"' in html
    assert '<rect class="app-timeline__segment--free" x="240" y="0" width="240"' in html
    assert "style=" not in html


def test_staff_see_that_a_space_is_booked_but_not_by_whom(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11, day=4), ends_at=at(13, day=4))

    words = text(get(sign_in(factory.person()), f"/buildings/{library.id}/day?date=2026-03-04"))

    assert "Booked 11am to 1pm" in words
    assert "Priya Shah" not in words and "Stockport NHS" not in words


def test_building_managers_see_who_is_in(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11, day=4), ends_at=at(13, day=4))
    manager = factory.building_manager(library)

    words = text(get(sign_in(manager), f"/buildings/{library.id}/day?date=2026-03-04"))

    assert "You manage this building, so you can see who has booked." in words
    assert "Booked 11am to 1pm: Priya Shah (Stockport NHS)" in words


def test_managers_of_other_buildings_do_not_see_who_is_in(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(11, day=4), ends_at=at(13, day=4))
    manager = factory.building_manager(factory.building())

    words = text(get(sign_in(manager), f"/buildings/{library.id}/day?date=2026-03-04"))

    assert "Priya Shah" not in words


def test_the_day_links_to_the_day_before_and_after_and_says_closed_days(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, db_session: Session
) -> None:
    db_session.add(BankHoliday(day=date(2026, 4, 6), title="Easter Monday"))
    db_session.flush()
    client = sign_in(factory.person())

    saturday = get(client, f"/buildings/{library.id}/day?date=2026-03-07")
    easter = text(get(client, f"/buildings/{library.id}/day?date=2026-04-06"))

    assert f'href="/buildings/{library.id}/day?date=2026-03-06"' in saturday
    assert f'href="/buildings/{library.id}/day?date=2026-03-08"' in saturday
    assert "Desk 1 Desk Closed" in text(saturday)
    assert "Desk 1 Desk Closed (Easter Monday)" in easter


def test_people_who_may_not_book_there_see_free_time_without_book_links(
    factory: Factory, sign_in: SignIn, nurse: Person
) -> None:
    station = factory.building(access=BuildingAccess.LISTED)
    factory.space(station, name="Station desk")

    html = get(sign_in(nurse), f"/buildings/{station.id}/day?date=2026-03-04")

    assert "Free 9am to 5pm" in text(html)
    assert "/book?" not in html


def test_dates_that_are_not_dates_or_too_far_away_show_today(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    client = sign_in(nurse)

    for day in ("nonsense", "9999-12-31", "0001-01-01"):
        assert "Today, Tuesday 3 March 2026" in text(
            get(client, f"/buildings/{library.id}/day?date={day}")
        )
        assert "Week from Tuesday 3 March 2026" in text(
            get(client, f"/spaces/{desk.id}/week?date={day}")
        )
    assert "Monday 2 March 2020" in text(
        get(client, f"/buildings/{library.id}/day?date=2020-03-02")
    )


def test_a_deactivated_or_unknown_building_is_not_found(
    factory: Factory, sign_in: SignIn, nurse: Person
) -> None:
    closed_down = factory.building(active=False)
    client = sign_in(nurse)

    assert client.get(f"/buildings/{closed_down.id}/day").status_code == 404
    assert client.get("/buildings/999999/day").status_code == 404
    manager = sign_in(factory.building_manager(closed_down))
    assert manager.get(f"/buildings/{closed_down.id}/day").status_code == 200


def test_the_week_shows_the_space_day_by_day(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(9, day=5), ends_at=at(13, day=5))
    factory.closure(building=library, starts_at=at(0, day=6), ends_at=at(12, day=6))

    html = get(sign_in(factory.person()), f"/spaces/{desk.id}/week?date=2026-03-04")
    words = text(html)

    assert "Week from Wednesday 4 March 2026" in words
    days = re.findall(r'<h2 class="govuk-heading-m[^"]*">(.*?)</h2>', html, re.S)
    assert [text(day) for day in days] == [
        "Wednesday 4 March 2026",
        "Thursday 5 March 2026",
        "Friday 6 March 2026",
        "Saturday 7 March 2026",
        "Sunday 8 March 2026",
        "Monday 9 March 2026",
        "Tuesday 10 March 2026",
    ]
    assert "Thursday 5 March 2026 9am 5pm Booked 9am to 1pm Free 1pm to 5pm" in words
    assert "Friday 6 March 2026 9am 5pm Closed 9am to 12pm (midday): Maintenance" in words
    assert "Saturday 7 March 2026 Closed Sunday" in words
    assert f'href="/spaces/{desk.id}/week?date=2026-02-25"' in html
    assert f'href="/spaces/{desk.id}/week?date=2026-03-11"' in html
    assert "Priya Shah" not in words


def test_building_managers_see_who_booked_in_the_week(
    factory: Factory, sign_in: SignIn, library: Building, desk: Space, nurse: Person
) -> None:
    factory.booking(desk, nurse, starts_at=at(9, day=5), ends_at=at(13, day=5))

    words = text(get(sign_in(factory.building_manager(library)), f"/spaces/{desk.id}/week"))

    assert "Booked 9am to 1pm: Priya Shah (Stockport NHS)" in words


def test_the_day_costs_the_same_number_of_queries_for_few_or_many_spaces(
    factory: Factory, sign_in: SignIn, nurse: Person, count_queries: Any
) -> None:
    small, large = factory.building(), factory.building(hours={1: (time(8), time(18))})
    for building, spaces in ((small, 2), (large, 20)):
        for _ in range(spaces):
            factory.booking(factory.space(building), starts_at=at(11), ends_at=at(12))
    client = sign_in(factory.building_manager(small, large))

    with count_queries() as few:
        get(client, f"/buildings/{small.id}/day")
    with count_queries() as many:
        get(client, f"/buildings/{large.id}/day")

    assert len(few) == len(many)


def test_the_building_page_links_to_todays_bookings(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    html = get(sign_in(nurse), f"/buildings/{library.id}")

    assert f'href="/buildings/{library.id}/day">See today\'s bookings</a>' in html
