"""The building page: where it is, when it opens, what it has, who may book, its spaces."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import BankHoliday, Building, BuildingAccess, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@dataclass
class Clock:
    now: datetime = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: clock.now}


@pytest.fixture
def staff(factory: Factory) -> Person:
    return factory.person()


def page(client: FlaskClient, building: Building) -> str:
    response = client.get(f"/buildings/{building.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """The page's words with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_says_where_the_building_is_and_links_to_maps(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    owner = factory.organisation(name="Stockport Council")
    neighbourhood = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    building = factory.building(
        name="Reddish Library",
        owner=owner,
        neighbourhood=neighbourhood,
        address="1 Gorton Road\nReddish",
        postcode="SK5 6UG",
    )

    html = page(sign_in(staff), building)

    assert '<h1 class="govuk-heading-l">Reddish Library</h1>' in html
    assert "Run by Stockport Council" in html
    breadcrumbs = text(re.findall(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S)[0])
    assert breadcrumbs == "Neighbourhoods Heatons &amp; Reddish Reddish Library"
    assert 'href="/neighbourhoods/heatons-reddish"' in html
    assert "1 Gorton Road<br>Reddish<br>SK5 6UG" in html
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=53.408000,-2.149000"' in html
    assert "Open in maps" in html
    assert "https://www.openstreetmap.org/?mlat=53.408000&amp;mlon=-2.149000" in html


def test_without_coordinates_the_map_link_searches_for_the_address(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building(
        address="Marple Library, Memorial Park", postcode="SK6 6BA", latitude=None, longitude=None
    )

    html = page(sign_in(staff), building)

    assert "query=Marple+Library%2C+Memorial+Park%2C+SK6+6BA" in html


def test_the_week_is_shown_with_todays_hours_highlighted(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building(
        hours={0: (time(9), time(17)), 2: (time(8, 30), time(12)), 5: (time(10), time(13))}
    )

    html = page(sign_in(staff), building)

    assert "Open today 8:30am to 12pm (midday)" in html
    rows = re.findall(r'<div class="govuk-summary-list__row[^"]*">.*?</div>', html, re.S)
    week = [text(row) for row in rows]
    assert week == [
        "Monday 9am to 5pm",
        "Tuesday Closed",
        "Wednesday (today) 8:30am to 12pm (midday)",
        "Thursday Closed",
        "Friday Closed",
        "Saturday 10am to 1pm",
        "Sunday Closed",
    ]
    today = [row for row in rows if "app-opening-hours__today" in row]
    assert len(today) == 1 and "Wednesday" in today[0]


def test_the_building_is_closed_today_on_a_bank_holiday(
    factory: Factory, sign_in: SignIn, staff: Person, db_session: Session, clock: Clock
) -> None:
    clock.now = datetime(2026, 12, 25, 10, tzinfo=UTC)
    db_session.add(BankHoliday(day=date(2026, 12, 25), title="Christmas Day"))
    building = factory.building()

    html = page(sign_in(staff), building)

    assert "Closed today (Christmas Day)" in html
    assert "Closed on bank holidays." in html


def test_coming_bank_holidays_are_listed_as_closures(
    factory: Factory, sign_in: SignIn, staff: Person, db_session: Session, clock: Clock
) -> None:
    clock.now = datetime(2026, 12, 21, 10, tzinfo=UTC)
    db_session.add_all(
        [
            BankHoliday(day=date(2026, 12, 25), title="Christmas Day"),
            BankHoliday(day=date(2026, 12, 28), title="Boxing Day"),
            BankHoliday(day=date(2027, 4, 2), title="Good Friday"),
        ]
    )
    library = factory.building()
    leisure = factory.building(opens_on_bank_holidays=True)
    client = sign_in(staff)

    library_page = page(client, library)
    leisure_page = page(client, leisure)

    assert "Closed on Friday 25 December 2026 (Christmas Day)" in library_page
    assert "Closed on Monday 28 December 2026 (Boxing Day)" in library_page
    assert "Good Friday" not in library_page
    assert "Christmas Day" not in leisure_page
    assert "Open on bank holidays." in leisure_page


def test_closures_of_the_building_and_its_spaces_in_the_next_30_days_are_listed(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building()
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.closure(
        building=building,
        starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 13, tzinfo=UTC),
        reason="Electrical testing",
    )
    factory.closure(
        space=room,
        starts_at=datetime(2026, 12, 3, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 5, 0, tzinfo=UTC),
        reason="New carpet",
    )
    factory.closure(building=building, starts_at=datetime(2027, 2, 1, tzinfo=UTC), reason="Later")
    factory.closure(building=building, starts_at=datetime(2026, 11, 1, tzinfo=UTC), reason="Past")
    factory.closure(building=factory.building(), starts_at=datetime(2026, 12, 1, tzinfo=UTC))

    words = text(page(sign_in(staff), building))

    assert (
        "Building closed from Tuesday 1 December 2026, 9am to Tuesday 1 December 2026, 1pm:"
        " Electrical testing" in words
    )
    assert (
        "Board room from Thursday 3 December 2026, 12am (midnight) to Saturday 5 December 2026,"
        " 12am (midnight): New carpet" in words
    )
    assert "Later" not in words and "Past" not in words and "Maintenance" not in words


def test_a_building_closed_now_says_until_when(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building()
    factory.closure(
        building=building,
        starts_at=datetime(2026, 11, 24, 9, tzinfo=UTC),
        ends_at=datetime(2026, 11, 27, 17, tzinfo=UTC),
        reason="Flood damage",
    )

    html = page(sign_in(staff), building)

    assert "Closed now until Friday 27 November 2026, 5pm: Flood damage" in html


def test_facilities_and_accessibility_say_what_the_building_has_and_lacks(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building(
        has_wifi=True,
        has_step_free=True,
        has_accessible_toilet=True,
        arrival_instructions="Ring the bell at the side door and sign in at reception.",
    )

    html = page(sign_in(staff), building)

    assert "<li>Wi-Fi</li>" in html and "<li>No refreshments</li>" in html
    assert "<li>Step-free access</li>" in html and "<li>No hearing loop</li>" in html
    assert "<li>Not near public transport</li>" in html
    inset = html.split('class="govuk-inset-text"')[1].split("</div>")[0]
    assert "Ring the bell at the side door" in inset


def test_spaces_are_grouped_by_kind_with_capacity_and_tags(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    building = factory.building()
    factory.space(building, kind=SpaceKind.QUIET_ROOM, name="Snug", capacity=2, accessible=True)
    factory.space(building, kind=SpaceKind.DESK, name="Desk 1")
    board = factory.space(
        building,
        kind=SpaceKind.MEETING_ROOM,
        name="Board room",
        capacity=8,
        equipment="Large screen, video calls",
    )
    factory.space(building, kind=SpaceKind.MEETING_ROOM, name="Store", bookable=False)
    factory.space(building, kind=SpaceKind.DESK, name="Removed desk", active=False)

    html = page(sign_in(staff), building)

    headings = re.findall(r'<h3 class="govuk-heading-s">([^<]+)</h3>', html)
    assert headings == ["Desks (1)", "Meeting rooms (2)", "Quiet rooms (1)"]
    words = text(html)
    assert "Desk 1 1 person" in words
    assert "Board room Up to 8 people Large screen, video calls" in words
    assert "Store Up to 8 people Not bookable" in words
    assert "Snug Up to 2 people Accessible" in words
    assert f'href="/spaces/{board.id}"' in html
    assert "Removed desk" not in html


def test_who_can_book_a_building_for_listed_organisations(
    factory: Factory, sign_in: SignIn
) -> None:
    police = factory.organisation(name="Greater Manchester Police")
    nhs = factory.organisation(name="Stockport NHS")
    building = factory.building(
        owner=police, access=BuildingAccess.LISTED, allowed_organisations=[nhs]
    )

    as_charity = text(page(sign_in(factory.person()), building))
    as_nhs = text(page(sign_in(factory.person(organisation=nhs)), building))
    as_police = text(page(sign_in(factory.person(organisation=police)), building))

    listed = (
        "Only staff of these organisations can book here: Greater Manchester Police Stockport NHS"
    )
    assert listed in as_charity and listed in as_nhs
    assert (
        "You cannot book here: only staff of Greater Manchester Police, Stockport NHS can."
        in as_charity
    )
    assert "Your organisation is not on the list." in as_charity
    assert "You can book here." in as_nhs and "You cannot book here" not in as_nhs
    assert "You can book here." in as_police and "You cannot book here" not in as_police


def test_every_partner_can_book_an_open_building(
    factory: Factory, sign_in: SignIn, staff: Person
) -> None:
    html = page(sign_in(staff), factory.building())

    assert "Staff of every partner organisation can book here." in html


def test_a_deactivated_building_is_not_found_except_by_its_managers(
    factory: Factory, sign_in: SignIn, client: FlaskClient
) -> None:
    building = factory.building(active=False)
    manager = factory.building_manager(building)
    other_manager = factory.building_manager(factory.building())
    url = f"/buildings/{building.id}"

    assert sign_in(factory.person()).get(url).status_code == 404
    assert sign_in(other_manager).get(url).status_code == 404
    as_manager = sign_in(manager).get(url)
    as_administrator = sign_in(factory.administrator()).get(url)

    assert as_manager.status_code == 200 and as_administrator.status_code == 200
    assert "This building is deactivated" in as_manager.get_data(as_text=True)


def test_an_unknown_building_is_not_found(factory: Factory, sign_in: SignIn) -> None:
    assert sign_in(factory.person()).get("/buildings/999999").status_code == 404


def _building_with(factory: Factory, spaces: int) -> Building:
    building = factory.building(
        access=BuildingAccess.LISTED,
        allowed_organisations=[factory.organisation(), factory.organisation()],
    )
    kinds = list(SpaceKind)
    for n in range(spaces):
        space = factory.space(building, kind=kinds[n % 3], name=f"Space {n}")
        factory.closure(space=space, starts_at=datetime(2026, 12, 1 + n % 20, 9, tzinfo=UTC))
    factory.closure(building=building, starts_at=datetime(2026, 12, 2, 9, tzinfo=UTC))
    return building


def test_the_building_page_takes_the_same_queries_whatever_its_number_of_spaces(
    factory: Factory, sign_in: SignIn, db_session: Session, count_queries: Any
) -> None:
    db_session.add(BankHoliday(day=date(2026, 12, 25), title="Christmas Day"))
    small = _building_with(factory, 2)
    large = _building_with(factory, 40)
    client = sign_in(factory.building_manager(small, large))

    with count_queries() as small_page:
        assert "Space 1<" in page(client, small)
    with count_queries() as large_page:
        assert "Space 39<" in page(client, large)

    assert len(small_page) == len(large_page)
    assert len(large_page) <= 12
