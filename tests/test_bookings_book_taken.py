"""When the wanted time has just been taken: a friendly page, HTTP 409, nothing saved, and
alternatives booked in one tap."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Neighbourhood, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 3, hour, minute, tzinfo=UTC)


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Heatons & Reddish")


@pytest.fixture
def library(factory: Factory, reddish: Neighbourhood) -> Building:
    return factory.building(
        name="Reddish Library",
        neighbourhood=reddish,
        latitude=Decimal("53.4330"),
        longitude=Decimal("-2.16"),
    )


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def active_bookings(db_session: Session) -> list[Booking]:
    db_session.expire_all()
    return list(db_session.scalars(select(Booking).order_by(Booking.id)))


def test_a_taken_desk_gets_the_sorry_page_with_alternatives(
    factory: Factory,
    sign_in: SignIn,
    reddish: Neighbourhood,
    library: Building,
    db_session: Session,
) -> None:
    wanted = factory.space(library, name="Desk 1")
    factory.space(library, name="Desk 2")
    hub = factory.building(
        name="Family Hub",
        neighbourhood=reddish,
        latitude=Decimal("53.4390"),
        longitude=Decimal("-2.16"),
    )
    factory.space(hub, name="Hub desk")
    taken = factory.booking(wanted, starts_at=at(9), ends_at=at(12))

    response = sign_in(factory.person()).post(
        f"/spaces/{wanted.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    html = response.get_data(as_text=True)
    words = text(html)
    assert response.status_code == 409
    assert "<title>Sorry, that time has just been taken" in html
    assert "Sorry, Desk 1 has just been booked for some of that time." in words
    assert "You wanted Tuesday 3 March 2026, 9am to 1pm. Nothing has been booked." in words
    assert "Another desk in Reddish Library Desk 2: free Tuesday 3 March 2026, 9am to 1pm" in words
    assert "Later Desk 1, Reddish Library: free Tuesday 3 March 2026, 12pm (midday) to 4pm" in words
    assert (
        "Family Hub Hub desk, Family Hub: free Tuesday 3 March 2026, 9am to 1pm "
        "(0.4 miles away)" in words
    )
    assert len(re.findall(r'<form method="post" action="/spaces/\d+/book"', html)) == 3
    assert active_bookings(db_session) == [taken]


def test_an_alternative_is_booked_in_one_tap(
    factory: Factory, sign_in: SignIn, library: Building, db_session: Session
) -> None:
    wanted = factory.space(library, name="Desk 1")
    other = factory.space(library, name="Desk 2")
    factory.booking(wanted, starts_at=at(9), ends_at=at(17))
    client = sign_in(factory.person())
    page = client.post(
        f"/spaces/{wanted.id}/book", data={"date": "2026-03-03", "start": "10:00", "end": "12:00"}
    ).get_data(as_text=True)

    form = re.search(rf'<form method="post" action="/spaces/{other.id}/book".*?</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[0]))
    response = client.post(f"/spaces/{other.id}/book", data=fields)

    assert response.status_code == 302
    booking = active_bookings(db_session)[-1]
    assert (booking.space_id, booking.starts_at, booking.ends_at) == (other.id, at(10), at(12))


def test_a_taken_room_offers_alternatives_that_keep_the_title_and_people(
    factory: Factory, sign_in: SignIn, library: Building, db_session: Session
) -> None:
    wanted = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")
    other = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Garden room")
    factory.booking(wanted, starts_at=at(10), ends_at=at(11))
    client = sign_in(factory.person())

    response = client.post(
        f"/spaces/{wanted.id}/book",
        data={
            "date": "2026-03-03",
            "start": "10:00",
            "length": "60",
            "title": "Case review",
            "attendees": "ann@police.example\nbob@ageuk.example",
        },
    )

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Book Garden room, 10am to 11am" in text(page)
    form = re.search(rf'<form method="post" action="/spaces/{other.id}/book".*?</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[0]))
    assert fields["title"] == "Case review"
    assert fields["attendees"] == "ann@police.example, bob@ageuk.example"

    assert client.post(f"/spaces/{other.id}/book", data=fields).status_code == 302
    booking = active_bookings(db_session)[-1]
    assert booking.title == "Case review"
    assert [a.email for a in booking.attendees] == ["ann@police.example", "bob@ageuk.example"]
