"""Find a space: the filters, who may book where, and the free windows each space shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import (
    BankHoliday,
    Building,
    BuildingAccess,
    Neighbourhood,
    SpaceKind,
)
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


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def find(client: FlaskClient, status: int = 200, **arguments: Any) -> str:
    query = {"neighbourhood": "heatons-reddish", "date": "2026-03-03", **arguments}
    response = client.get("/find", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == status, text(html)
    return html


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    """A time in March 2026 (GMT, so UK time is UTC)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_free_desks_are_listed_by_building_with_their_free_windows(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    desk = factory.space(library, name="Desk 1")
    factory.space(library, name="Desk 2")
    factory.booking(desk, starts_at=at(10), ends_at=at(11))
    factory.booking(desk, starts_at=at(14), ends_at=at(15, 30))

    words = text(find(sign_in(nurse)))

    assert "Desks in Heatons &amp; Reddish, Tuesday 3 March 2026, any time" in words
    assert "2 desks free" in words
    assert "Reddish Library" in words
    assert "Desk 1 Free 9am to 10am, 11am to 2pm, 3:30pm to 5pm" in words
    assert "Desk 2 Free 9am to 5pm" in words


def test_only_the_kind_asked_for_is_listed(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")
    factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room", capacity=10)
    factory.space(library, kind=SpaceKind.QUIET_ROOM, name="Snug", capacity=2)
    client = sign_in(nurse)

    desks = text(find(client))
    rooms = text(find(client, kind="meeting_room"))
    quiet = text(find(client, kind="quiet_room"))

    assert "Desk 1" in desks and "Board room" not in desks and "Snug" not in desks
    assert "Board room" in rooms and "Up to 10 people" in rooms and "Desk 1" not in rooms
    assert "Snug" in quiet and "Board room" not in quiet


def test_rooms_can_be_filtered_by_how_many_people_they_hold(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Small room", capacity=4)
    factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Large room", capacity=12)

    words = text(find(sign_in(nurse), kind="meeting_room", capacity="6"))

    assert "Large room" in words and "Small room" not in words


def test_facilities_and_accessibility_filter_the_buildings(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, nurse: Person
) -> None:
    hub = factory.building(
        name="Family Hub", neighbourhood=reddish, has_wifi=True, has_step_free=True
    )
    factory.space(hub, name="Hub desk")
    plain = factory.building(name="Plain Office", neighbourhood=reddish, has_wifi=True)
    factory.space(plain, name="Office desk")
    client = sign_in(nurse)

    wifi = text(find(client, facility="wifi"))
    step_free = text(find(client, facility="wifi", accessibility="step_free"))

    assert "Hub desk" in wifi and "Office desk" in wifi
    assert "Hub desk" in step_free and "Office desk" not in step_free


def test_only_the_chosen_neighbourhood_is_searched(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Reddish desk")
    marple = factory.building(
        name="Marple Library", neighbourhood=factory.neighbourhood(name="Marple", slug="marple")
    )
    factory.space(marple, name="Marple desk")

    words = text(find(sign_in(nurse)))

    assert "Reddish desk" in words and "Marple desk" not in words


def test_buildings_restricted_to_other_organisations_are_left_out(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, nurse: Person
) -> None:
    police = factory.organisation(name="Greater Manchester Police")
    station = factory.building(
        name="Police Station", neighbourhood=reddish, owner=police, access=BuildingAccess.LISTED
    )
    factory.space(station, name="Station desk")
    shared = factory.building(
        name="Shared Office",
        neighbourhood=reddish,
        access=BuildingAccess.LISTED,
        allowed_organisations=[nurse.organisation],
    )
    factory.space(shared, name="Shared desk")

    nurse_sees = text(find(sign_in(nurse)))
    officer_sees = text(find(sign_in(factory.person(organisation=police))))

    assert "Station desk" not in nurse_sees and "Shared desk" in nurse_sees
    assert "Station desk" in officer_sees and "Shared desk" not in officer_sees


def test_spaces_that_cannot_be_booked_are_left_out(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Open desk")
    factory.space(library, name="Broken desk", bookable=False)
    factory.space(library, name="Removed desk", active=False)
    closed_down = factory.building(name="Old Library", neighbourhood=reddish, active=False)
    factory.space(closed_down, name="Old desk")

    words = text(find(sign_in(nurse)))

    assert "Open desk" in words
    assert "Broken desk" not in words and "Removed desk" not in words
    assert "Old desk" not in words


def test_free_windows_follow_the_buildings_opening_hours(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, nurse: Person
) -> None:
    short = factory.building(
        name="Short Hours Hub", neighbourhood=reddish, hours={1: (time(10), time(15, 30))}
    )
    factory.space(short, name="Hub desk")
    weekends = factory.building(
        name="Weekend Centre", neighbourhood=reddish, hours={5: (time(9), time(13))}
    )
    factory.space(weekends, name="Weekend desk")

    tuesday = text(find(sign_in(nurse)))

    assert "Hub desk Free 10am to 3:30pm" in tuesday
    assert "Weekend desk" not in tuesday


def test_closures_of_the_building_or_the_space_are_not_free(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    desk = factory.space(library, name="Desk 1")
    other = factory.space(library, name="Desk 2")
    factory.closure(building=library, starts_at=at(9), ends_at=at(12), reason="Fire drill")
    factory.closure(space=other, starts_at=at(15), ends_at=at(20), reason="New chair")

    words = text(find(sign_in(nurse)))

    assert f"{desk.name} Free 12pm (midday) to 5pm" in words
    assert f"{other.name} Free 12pm (midday) to 3pm" in words


def test_nothing_is_free_on_a_bank_holiday_unless_the_building_opens(
    factory: Factory,
    sign_in: SignIn,
    db_session: Session,
    reddish: Neighbourhood,
    nurse: Person,
    clock: Clock,
) -> None:
    clock.now = datetime(2026, 4, 1, 8, tzinfo=UTC)
    db_session.add(BankHoliday(day=date(2026, 4, 6), title="Easter Monday"))
    library = factory.building(name="Library", neighbourhood=reddish)
    factory.space(library, name="Library desk")
    leisure = factory.building(name="Leisure", neighbourhood=reddish, opens_on_bank_holidays=True)
    factory.space(leisure, name="Leisure desk")

    words = text(find(sign_in(nurse), date="2026-04-06"))

    assert "Leisure desk Free 9am to 5pm" in words
    assert "Library desk" not in words


def test_days_beyond_the_advance_window_have_nothing_free(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")
    client = sign_in(nurse)

    within = text(find(client, date="2026-03-30"))  # 28 days ahead
    beyond = text(find(client, date="2026-03-31"))

    assert "Desk 1 Free 9am to 5pm" in within
    assert "No desks free" in beyond


def test_between_two_times_only_spaces_free_all_that_time_are_offered_in_one_tap(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    busy = factory.space(library, name="Desk 1")
    free = factory.space(library, name="Desk 2")
    factory.booking(busy, starts_at=at(11), ends_at=at(12))

    html = find(sign_in(nurse), when="between", starts="10:00", ends="12:00")

    words = text(html)
    assert "Desks in Heatons &amp; Reddish, Tuesday 3 March 2026, 10am to 12pm (midday)" in words
    assert "1 desk free" in words and "Desk 1" not in words
    assert "Book 10am to 12pm (midday)" in words
    form = re.search(rf'<form method="post" action="/spaces/{free.id}/book".*?</form>', html, re.S)
    assert form is not None
    assert 'name="csrf_token"' in form[0]
    assert 'name="date" value="2026-03-03"' in form[0]
    assert 'name="start" value="10:00"' in form[0]
    assert 'name="end" value="12:00"' in form[0]


def test_rooms_offered_between_two_times_open_the_book_page_with_those_times(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")

    html = find(sign_in(nurse), kind="meeting_room", when="between", starts="10:00", ends="11:30")

    assert f'href="/spaces/{room.id}/book?date=2026-03-03&amp;start=10:00&amp;length=90"' in html
    assert "Book Board room, 10am to 11:30am" in text(html)


def test_now_finds_spaces_free_straight_away(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person, clock: Clock
) -> None:
    clock.now = at(10, 7, day=2)
    free = factory.space(library, name="Desk 1")
    busy = factory.space(library, name="Desk 2")
    factory.booking(busy, starts_at=at(10, day=2), ends_at=at(11, day=2))
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.booking(room, starts_at=at(9, 30, day=2), ends_at=at(10, 15, day=2))
    client = sign_in(nurse)

    desks = find(client, date="2026-03-09", when="now")
    rooms = text(find(client, when="now", kind="meeting_room"))

    words = text(desks)
    assert "Monday 2 March 2026, now" in words
    assert "1 desk free" in words and busy.name not in words
    assert "Book 10:07am to 5pm" in words
    assert f'action="/spaces/{free.id}/book"' in desks
    assert "Board room Up to 8 people Free 10:15am to 5pm" in rooms
    assert "Book Board room, 10:15am to 11:15am" in rooms


def test_desks_offer_the_free_presets(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    morning_free = factory.space(library, name="Desk 1")
    factory.booking(morning_free, starts_at=at(14), ends_at=at(15))
    factory.space(library, name="Desk 2")

    html = find(sign_in(nurse))

    cards = {
        name: text(card)
        for name, card in re.findall(
            r'<li class="app-card">\s*<h4[^>]*>\s*<a[^>]*>([^<]+)</a>(.*?)</li>', html, re.S
        )
    }
    assert "Morning, 9am to 1pm" in cards["Desk 1"]
    assert "Afternoon" not in cards["Desk 1"] and "Whole day" not in cards["Desk 1"]
    assert "Morning, 9am to 1pm" in cards["Desk 2"]
    assert "Afternoon, 1pm to 5pm" in cards["Desk 2"]
    assert "Whole day, 9am to 5pm" in cards["Desk 2"]
    assert 'name="preset" value="morning"' in html


def test_with_the_phones_location_buildings_are_listed_nearest_first(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, nurse: Person
) -> None:
    far = factory.building(
        name="A Far Centre",
        neighbourhood=reddish,
        latitude=Decimal("53.45"),
        longitude=Decimal("-2.15"),
    )
    near = factory.building(
        name="B Near Hub",
        neighbourhood=reddish,
        latitude=Decimal("53.4385"),
        longitude=Decimal("-2.16"),
    )
    nowhere = factory.building(
        name="C Unmapped", neighbourhood=reddish, latitude=None, longitude=None
    )
    for building in (far, near, nowhere):
        factory.space(building, name=f"Desk in {building.name}")
    client = sign_in(nurse)

    by_name = text(find(client))
    nearest_first = text(find(client, lat="53.4330", lon="-2.1600"))

    assert by_name.index("A Far Centre") < by_name.index("B Near Hub") < by_name.index("C Unmapped")
    assert (
        nearest_first.index("B Near Hub")
        < nearest_first.index("A Far Centre")
        < nearest_first.index("C Unmapped")
    )
    assert "B Near Hub 0.4 miles away" in nearest_first
    assert "A Far Centre 1.2 miles away" in nearest_first
    assert "Nearest first. Stop using my location" in nearest_first
    assert "miles away" not in by_name


def test_a_nonsense_location_is_ignored(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")

    words = text(find(sign_in(nurse), lat="north", lon="999"))

    assert "Desk 1" in words and "miles away" not in words


def test_the_search_costs_the_same_number_of_queries_for_3_or_30_spaces(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood, nurse: Person, count_queries: Any
) -> None:
    def fill(buildings: int, desks: int) -> None:
        for _ in range(buildings):
            building = factory.building(neighbourhood=reddish)
            factory.closure(building=building, starts_at=at(9), ends_at=at(10))
            for _ in range(desks):
                desk = factory.space(building)
                factory.booking(desk, starts_at=at(11), ends_at=at(12))

    client = sign_in(nurse)
    fill(1, 3)
    with count_queries() as few:
        assert "3 desks free" in text(find(client, lat="53.43", lon="-2.16"))
    fill(9, 3)
    with count_queries() as many:
        assert "30 desks free" in text(find(client, lat="53.43", lon="-2.16"))

    assert len(few) == len(many)
    assert len(many) <= 10


def test_the_first_visit_shows_the_form_and_a_later_one_remembers_the_neighbourhood(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")
    client = sign_in(nurse)

    first = client.get("/find")
    find(client)
    later = client.get("/find")

    assert first.status_code == 200
    assert "Desk 1" not in text(first.get_data(as_text=True))
    assert "desks free" not in text(first.get_data(as_text=True))
    assert later.status_code == 200
    assert "Desks in Heatons &amp; Reddish, Monday 2 March 2026, any time" in text(
        later.get_data(as_text=True)
    )


def test_today_and_tomorrow_links_keep_the_rest_of_the_search(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")

    html = find(sign_in(nurse), date="2026-03-05", facility="wifi")

    assert "/find?neighbourhood=heatons-reddish&amp;date=2026-03-03&amp;facility=wifi" in html
    assert "/find?neighbourhood=heatons-reddish&amp;date=2026-03-02&amp;facility=wifi" in html


def test_the_page_offers_to_use_the_phones_location_through_its_script(
    factory: Factory, sign_in: SignIn, library: Building, nurse: Person
) -> None:
    factory.space(library, name="Desk 1")

    html = find(sign_in(nurse))

    assert '<script type="module" src="/static/js/find.js"></script>' in html
    assert "data-find-location hidden>Use my location</button>" in html
    assert 'name="lat"' in html and 'name="lon"' in html
    assert "<script>" not in html and "style=" not in html
