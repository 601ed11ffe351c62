"""The report pages: who sees what, the filters, charts that are accessible SVG, bad input."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.bookings.models import BookingStatus
from booking.catalogue.models import Building
from booking.reports.tables import NOTHING
from tests.factories import Factory

NOW = datetime(2030, 1, 20, 12, tzinfo=UTC)
JANUARY = {"period": "month", "date": "2030-01-01"}
SVG = "{http://www.w3.org/2000/svg}"

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def reddish(factory: Factory) -> Building:
    heatons = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    building = factory.building(name="Reddish Library", neighbourhood=heatons)
    desk = factory.space(building, name="Desk 1")
    factory.booking(desk, starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC))
    return building


@pytest.fixture
def marple(factory: Factory) -> Building:
    hood = factory.neighbourhood(name="Marple", slug="marple")
    building = factory.building(name="Marple Hall", neighbourhood=hood)
    room = factory.space(building, name="Secret Room")
    factory.booking(room, starts_at=datetime(2030, 1, 9, 9, tzinfo=UTC))
    return building


def svgs(html: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, re.S)]


def test_an_administrator_sees_every_building_with_charts_and_tables(
    sign_in: SignIn, factory: Factory, reddish: Building, marple: Building
) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/", query_string=JANUARY)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "January 2030" in html and "Reddish Library" in html and "Marple Hall" in html
    charts = svgs(html)
    assert len(charts) >= 4
    for chart in charts:
        labels = chart.get("aria-labelledby", "").split()
        assert chart.get("role") == "img" and len(labels) == 2
        assert chart.find(f"{SVG}title") is not None and chart.find(f"{SVG}desc") is not None
        assert chart.get("viewBox") and chart.get("width") == "100%"
    assert html.count("<table") >= len(charts)


def test_a_building_manager_never_sees_another_buildings_numbers(
    sign_in: SignIn, factory: Factory, reddish: Building, marple: Building
) -> None:
    client = sign_in(factory.building_manager(reddish))

    html = client.get("/reports/", query_string=JANUARY).get_data(as_text=True)
    spaces = client.get("/reports/spaces.csv", query_string=JANUARY).get_data(as_text=True)
    bookings = client.get("/reports/bookings.csv", query_string=JANUARY).get_data(as_text=True)
    asked = client.get("/reports/", query_string={**JANUARY, "building": marple.id})

    assert "Reddish Library" in html
    assert "Marple" not in html and "Secret Room" not in html
    assert "Desk 1" in spaces and "Secret Room" not in spaces
    assert "Reddish Library" in bookings and "Marple Hall" not in bookings
    assert asked.status_code == 422
    assert "Select a building from the list" in asked.get_data(as_text=True)


def test_a_neighbourhood_lead_sees_their_neighbourhood(
    sign_in: SignIn, factory: Factory, reddish: Building, marple: Building
) -> None:
    client = sign_in(factory.neighbourhood_lead(reddish.neighbourhood))

    html = client.get("/reports/neighbourhoods", query_string=JANUARY).get_data(as_text=True)

    assert "Heatons &amp; Reddish" in html and "Marple" not in html


def test_staff_see_their_own_history_instead(
    sign_in: SignIn, factory: Factory, reddish: Building
) -> None:
    desk = reddish.spaces[0]
    nurse = factory.person()
    factory.booking(desk, nurse, starts_at=datetime(2030, 1, 10, 9, tzinfo=UTC))
    factory.booking(
        desk, nurse, starts_at=datetime(2030, 1, 11, 9, tzinfo=UTC), status=BookingStatus.CANCELLED
    )
    client = sign_in(nurse)

    assert client.get("/reports/").headers["Location"].endswith("/reports/history")
    assert client.get("/reports/neighbourhoods").status_code == 403
    assert client.get("/reports/spaces.csv").status_code == 403
    html = client.get("/reports/history", query_string=JANUARY).get_data(as_text=True)
    assert "Your bookings history" in html and "Reddish Library" in html
    assert re.search(r"Cancelled\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", html)


def test_the_reports_link_shows_only_to_those_who_see_reports(
    sign_in: SignIn, factory: Factory, reddish: Building
) -> None:
    manager_page = sign_in(factory.building_manager(reddish)).get("/find").get_data(as_text=True)
    staff_page = sign_in(factory.person()).get("/find").get_data(as_text=True)

    assert 'href="/reports/"' in manager_page
    assert 'href="/reports/"' not in staff_page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"period": "custom", "from": "2030-01-10", "to": "2030-01-01"}, "after the start date"),
        (
            {"period": "custom", "from": "2030-01-01", "to": "2031-06-01"},
            "a year (366 days) or less",
        ),
        ({"period": "custom", "to": "2030-01-01"}, "Enter the first day of the period"),
        ({"period": "month", "date": "2030-02-30"}, "Enter a real date"),
        ({"period": "fortnight"}, "Select a week, month, quarter or dates you choose"),
        ({"period": "month", "date": "1999-12-01"}, "between 2000 and 2099"),
    ],
)
def test_bad_dates_are_shown_in_the_error_summary(
    sign_in: SignIn, factory: Factory, arguments: dict[str, str], message: str
) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/", query_string=arguments)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html


def test_an_empty_period_shows_dashes_not_errors(sign_in: SignIn, factory: Factory) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/", query_string=JANUARY)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nothing to report" in html and NOTHING in html


def test_the_estates_building_page_links_to_its_report(
    sign_in: SignIn, factory: Factory, reddish: Building
) -> None:
    client = sign_in(factory.building_manager(reddish))

    html = client.get(f"/estates/buildings/{reddish.id}").get_data(as_text=True)
    report = client.get(f"/reports/?building={reddish.id}")

    assert f"/reports/?building={reddish.id}" in html
    assert report.status_code == 200
    assert "January 2030: Reddish Library" in report.get_data(as_text=True)
