"""Finding a space: the neighbourhoods, and a neighbourhood's buildings with their filters."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import BankHoliday, BuildingAccess, Neighbourhood, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
WEDNESDAY_MORNING = datetime(2026, 11, 25, 10, tzinfo=UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: WEDNESDAY_MORNING}


@pytest.fixture
def central(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Central", slug="central")


def cards(html: str) -> list[str]:
    """Each card's HTML, in page order."""
    return html.split('<li class="app-card')[1:]


def test_catalogue_pages_need_sign_in(client: FlaskClient, central: Neighbourhood) -> None:
    for url in ["/", "/neighbourhoods/central", "/buildings/1", "/spaces/1"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"]


def test_the_start_page_lists_neighbourhoods_by_name_with_what_can_be_booked(
    factory: Factory, sign_in: SignIn, count_queries: Any
) -> None:
    marple = factory.neighbourhood(name="Marple", slug="marple")
    cheadle = factory.neighbourhood(name="Cheadle", slug="cheadle")
    factory.neighbourhood(name="Werneth", slug="werneth")
    library = factory.building(neighbourhood=marple, name="Marple Library")
    factory.space(library, kind=SpaceKind.DESK)
    factory.space(library, kind=SpaceKind.DESK)
    factory.space(library, kind=SpaceKind.DESK, bookable=False)
    factory.space(library, kind=SpaceKind.DESK, active=False)
    factory.space(library, kind=SpaceKind.MEETING_ROOM)
    factory.space(library, kind=SpaceKind.QUIET_ROOM)
    factory.space(factory.building(neighbourhood=marple), kind=SpaceKind.DESK)
    closed = factory.building(neighbourhood=cheadle, active=False)
    factory.space(closed, kind=SpaceKind.DESK)
    client = sign_in(factory.person())

    with count_queries() as statements:
        html = client.get("/").get_data(as_text=True)

    names = re.findall(r'class="app-card__title">\s*<a [^>]*>([^<]+)</a>', html)
    assert names == ["Cheadle", "Marple", "Werneth"]
    cheadle_card, marple_card, werneth_card = cards(html)
    assert "2 buildings: 3 desks and 2 rooms to book" in marple_card
    assert "No buildings yet" in cheadle_card
    assert "No buildings yet" in werneth_card
    catalogue = [s for s in statements if "role_grant" not in s and "FROM person" not in s]
    assert len(catalogue) == 1


def test_a_neighbourhood_lists_its_active_buildings_with_todays_hours_and_counts(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    hub = factory.building(
        neighbourhood=central,
        name="Central Family Hub",
        address="1 Hub Street\nStockport",
        postcode="SK1 3XE",
        has_wifi=True,
        has_step_free=True,
        hours={2: (time(8, 30), time(17, 30))},
    )
    factory.space(hub, kind=SpaceKind.DESK)
    factory.space(hub, kind=SpaceKind.MEETING_ROOM)
    factory.space(hub, kind=SpaceKind.MEETING_ROOM)
    factory.building(neighbourhood=central, name="Aardvark House", hours={0: (time(9), time(17))})
    factory.building(neighbourhood=central, name="Old Town Hall", active=False)
    factory.building(name="Somewhere Else")

    html = sign_in(factory.person()).get("/neighbourhoods/central").get_data(as_text=True)

    assert "Old Town Hall" not in html and "Somewhere Else" not in html
    aardvark, hub_card = cards(html)
    assert "Aardvark House" in aardvark and "Closed today" in aardvark
    assert "Central Family Hub" in hub_card
    assert "1 Hub Street, Stockport, SK1 3XE" in hub_card
    assert "Open today 8:30am to 5:30pm" in hub_card
    assert "1 desk, 2 meeting rooms, no quiet rooms" in hub_card
    assert "Wi-Fi" in hub_card and "Step-free access" in hub_card


def test_buildings_are_closed_today_on_a_bank_holiday_unless_they_open_on_them(
    factory: Factory, sign_in: SignIn, central: Neighbourhood, db_session: Session
) -> None:
    db_session.add(BankHoliday(day=WEDNESDAY_MORNING.date(), title="Made-up Holiday"))
    factory.building(neighbourhood=central, name="A Library")
    factory.building(neighbourhood=central, name="B Leisure Centre", opens_on_bank_holidays=True)

    html = sign_in(factory.person()).get("/neighbourhoods/central").get_data(as_text=True)

    library, leisure = cards(html)
    assert "Closed today" in library
    assert "Open today 9am to 5pm" in leisure


def test_a_building_is_closed_today_during_a_closure(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    building = factory.building(neighbourhood=central)
    factory.closure(
        building=building,
        starts_at=datetime(2026, 11, 25, 8, tzinfo=UTC),
        ends_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
        reason="Fire alarm testing",
    )

    html = sign_in(factory.person()).get("/neighbourhoods/central").get_data(as_text=True)

    assert "Closed today" in html


def test_filters_keep_buildings_with_every_chosen_facility(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    factory.building(neighbourhood=central, name="Wifi Only", has_wifi=True)
    factory.building(
        neighbourhood=central, name="Wifi And Step Free", has_wifi=True, has_step_free=True
    )
    factory.building(neighbourhood=central, name="Step Free Only", has_step_free=True)
    client = sign_in(factory.person())

    html = client.get("/neighbourhoods/central?facility=wifi&accessibility=step_free").get_data(
        as_text=True
    )

    assert "Wifi And Step Free" in html
    assert "Wifi Only" not in html and "Step Free Only" not in html
    assert "1 building matching your filters" in html


def test_filters_keep_buildings_with_a_bookable_space_of_each_chosen_kind(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    desks = factory.building(neighbourhood=central, name="Desks Only")
    factory.space(desks, kind=SpaceKind.DESK)
    both = factory.building(neighbourhood=central, name="Desks And Rooms")
    factory.space(both, kind=SpaceKind.DESK)
    factory.space(both, kind=SpaceKind.MEETING_ROOM)
    unusable = factory.building(neighbourhood=central, name="Unusable Rooms")
    factory.space(unusable, kind=SpaceKind.DESK)
    factory.space(unusable, kind=SpaceKind.MEETING_ROOM, bookable=False)
    factory.space(unusable, kind=SpaceKind.MEETING_ROOM, active=False)
    client = sign_in(factory.person())

    rooms = client.get("/neighbourhoods/central?kind=meeting_room").get_data(as_text=True)
    desks_and_rooms = client.get("/neighbourhoods/central?kind=desk&kind=meeting_room").get_data(
        as_text=True
    )
    just_desks = client.get("/neighbourhoods/central?kind=desk").get_data(as_text=True)

    assert [c.count("Desks And Rooms") > 0 for c in cards(rooms)] == [True]
    assert [c.count("Desks And Rooms") > 0 for c in cards(desks_and_rooms)] == [True]
    assert len(cards(just_desks)) == 3


def test_chosen_filters_stay_ticked_and_can_be_cleared(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    html = (
        sign_in(factory.person())
        .get("/neighbourhoods/central?facility=parking&kind=quiet_room")
        .get_data(as_text=True)
    )

    assert 'value="parking" checked' in html
    assert 'value="quiet_room" checked' in html
    assert 'value="wifi" checked' not in html
    assert "Apply filters" in html
    assert 'href="/neighbourhoods/central">Clear filters</a>' in html
    assert "No buildings match these filters" in html


def test_an_unknown_filter_value_is_explained_not_a_crash(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    factory.building(neighbourhood=central, name="Still Listed")

    response = sign_in(factory.person()).get("/neighbourhoods/central?facility=jacuzzi")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and "Select facilities from the list" in html
    assert "<title>Error: Central" in html
    assert "Still Listed" in html


def test_an_unknown_neighbourhood_is_not_found(factory: Factory, sign_in: SignIn) -> None:
    assert sign_in(factory.person()).get("/neighbourhoods/nowhere").status_code == 404


def test_a_building_for_listed_organisations_says_who_may_book_it(
    factory: Factory, sign_in: SignIn, central: Neighbourhood
) -> None:
    police = factory.organisation(name="Greater Manchester Police")
    nhs = factory.organisation(name="Stockport NHS")
    charity = factory.organisation(name="Age UK Stockport")
    factory.building(
        neighbourhood=central,
        name="Police Station",
        owner=police,
        access=BuildingAccess.LISTED,
        allowed_organisations=[nhs],
    )
    url = "/neighbourhoods/central"

    as_charity = sign_in(factory.person(organisation=charity)).get(url).get_data(as_text=True)
    as_nhs = sign_in(factory.person(organisation=nhs)).get(url).get_data(as_text=True)
    as_police = sign_in(factory.person(organisation=police)).get(url).get_data(as_text=True)

    tag = "Only for staff of Greater Manchester Police, Stockport NHS"
    assert tag in as_charity and tag in as_nhs and tag in as_police
    assert "You cannot book here" in as_charity
    assert "You cannot book here" not in as_nhs
    assert "You cannot book here" not in as_police


def test_the_building_list_takes_the_same_queries_for_one_building_or_many(
    factory: Factory, sign_in: SignIn, central: Neighbourhood, count_queries: Any
) -> None:
    other = factory.neighbourhood(name="Marple", slug="marple")
    for n, neighbourhood in enumerate([central] + [other] * 12):
        building = factory.building(
            neighbourhood=neighbourhood,
            access=BuildingAccess.LISTED,
            allowed_organisations=[factory.organisation()],
            has_wifi=True,
        )
        factory.space(building, kind=SpaceKind.DESK)
        factory.closure(building=building, reason=f"Closure {n}")
    client = sign_in(factory.person())

    with count_queries() as one:
        assert client.get("/neighbourhoods/central").status_code == 200
    with count_queries() as many:
        assert client.get("/neighbourhoods/marple").status_code == 200

    assert len(one) == len(many)
    assert len(many) <= 10
