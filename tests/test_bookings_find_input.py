"""Find a space: bad input gets a clear error, and an empty search offers what is free instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient

from booking.accounts.models import Person
from booking.catalogue.models import Building, Neighbourhood
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")


@pytest.fixture
def library(factory: Factory, reddish: Neighbourhood) -> Building:
    return factory.building(name="Reddish Library", neighbourhood=reddish)


@pytest.fixture
def signed_in(factory: Factory, sign_in: SignIn) -> FlaskClient:
    return sign_in(factory.person())


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def refused(signed_in: FlaskClient, **arguments: str) -> str:
    """The page for a search that must be refused: 422, the error summary, no results."""
    query = {"neighbourhood": "heatons-reddish", "date": "2026-03-03", **arguments}
    response = signed_in.get("/find", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, text(html)
    assert "<title>Error: Find a space" in html
    assert "There is a problem" in html
    assert "free</h2>" not in html
    return text(html)


def test_a_neighbourhood_must_be_chosen(signed_in: FlaskClient, library: Building) -> None:
    assert "Select a neighbourhood" in refused(signed_in, neighbourhood="")
    assert "Select a neighbourhood from the list" in refused(signed_in, neighbourhood="atlantis")


def test_a_date_in_the_past_or_years_ahead_is_refused(
    signed_in: FlaskClient, library: Building
) -> None:
    message = "The date must be today or in the next 2 years"
    assert message in refused(signed_in, date="2026-03-01")
    assert message in refused(signed_in, date="9999-12-31")
    assert message in refused(signed_in, date="0001-01-01")


def test_a_date_that_is_not_a_date_is_refused(signed_in: FlaskClient, library: Building) -> None:
    words = refused(signed_in, date="2026-02-30")
    assert "The date must be a real date" in words


def test_times_that_are_not_times_are_refused(signed_in: FlaskClient, library: Building) -> None:
    words = refused(signed_in, when="between", starts="9am", ends="25:00")
    assert "Enter the start time as a time, like 09:30" in words
    assert "Enter the end time as a time, like 09:30" in words


def test_both_times_are_needed_between_two_times(signed_in: FlaskClient, library: Building) -> None:
    words = refused(signed_in, when="between", starts="10:00")
    assert "Enter the end time, or choose any time" in words


def test_the_end_must_come_after_the_start(signed_in: FlaskClient, library: Building) -> None:
    assert "The end time must be after the start time" in refused(
        signed_in, when="between", starts="14:00", ends="10:00"
    )


def test_times_that_have_passed_are_refused(signed_in: FlaskClient, library: Building) -> None:
    assert "The end time has already passed" in refused(
        signed_in, date="2026-03-02", when="between", starts="06:00", ends="07:30"
    )


def test_a_time_the_clocks_skip_is_refused(
    signed_in: FlaskClient, factory: Factory, reddish: Neighbourhood
) -> None:
    factory.building(neighbourhood=reddish, hours={6: (time(0), time(23))})

    words = refused(signed_in, date="2026-03-29", when="between", starts="01:30", ends="03:00")

    assert "01:30 on 29 March 2026 does not exist in the UK" in words


def test_bad_numbers_and_choices_are_refused(signed_in: FlaskClient, library: Building) -> None:
    words = refused(signed_in, kind="sofa", capacity="lots", facility="pool")
    assert "Select a type of space" in words
    assert "The number of people must be a whole number, like 6" in words
    assert "Select facilities from the list" in words


def test_when_nothing_matches_the_filters_the_page_says_so(
    signed_in: FlaskClient, factory: Factory, library: Building
) -> None:
    factory.space(library, name="Desk 1")

    response = signed_in.get(
        "/find", query_string={"neighbourhood": "heatons-reddish", "facility": "parking"}
    )

    words = text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "No desks free" in words
    assert "No desks in Heatons &amp; Reddish match your search." in words
    assert "choose fewer facilities or accessibility needs" in words


def test_when_every_desk_is_taken_the_next_free_time_is_offered_in_one_tap(
    signed_in: FlaskClient, factory: Factory, library: Building
) -> None:
    desk = factory.space(library, name="Desk 1")
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
    )

    response = signed_in.get(
        "/find",
        query_string={
            "neighbourhood": "heatons-reddish",
            "date": "2026-03-03",
            "when": "between",
            "starts": "10:00",
            "ends": "12:00",
        },
    )

    html = response.get_data(as_text=True)
    words = text(html)
    assert response.status_code == 200
    assert "No desks free" in words
    assert "is booked or closed then" in words
    assert "You could book" in words
    assert "Desk 1, Reddish Library: free Tuesday 3 March 2026, 12pm (midday) to 2pm" in words
    assert 'name="start" value="12:00"' in html and 'name="end" value="14:00"' in html


def test_when_nothing_is_free_all_day_the_next_day_with_free_time_is_suggested(
    signed_in: FlaskClient, factory: Factory, library: Building
) -> None:
    desk = factory.space(library, name="Desk 1")
    factory.booking(
        desk,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 17, tzinfo=UTC),
    )

    response = signed_in.get(
        "/find", query_string={"neighbourhood": "heatons-reddish", "date": "2026-03-03"}
    )

    html = response.get_data(as_text=True)
    assert "Free on Wednesday 4 March 2026" in text(html)
    assert (
        'href="/find?neighbourhood=heatons-reddish&amp;date=2026-03-04">'
        "See what is free on Wednesday 4 March 2026" in html
    )
