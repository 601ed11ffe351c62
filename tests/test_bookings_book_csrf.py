"""Booking forms carry the CSRF token, including the one-tap buttons on the search results."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "CLOCK": lambda: datetime(2026, 3, 2, 8, tzinfo=UTC),
    }


def count(db_session: Session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Booking)) or 0


def test_a_booking_without_the_token_is_refused(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    desk = factory.space()

    response = sign_in(factory.person()).post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    assert response.status_code == 400
    assert count(db_session) == 0


def test_a_preset_button_on_the_results_books_with_its_token(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    neighbourhood = factory.neighbourhood(slug="heatons-reddish")
    desk = factory.space(factory.building(neighbourhood=neighbourhood))
    client = sign_in(factory.person())
    results = client.get("/find?neighbourhood=heatons-reddish&date=2026-03-03").get_data(
        as_text=True
    )

    form = re.search(
        rf'<form method="post" action="/spaces/{desk.id}/book">.*?</form>', results, re.S
    )
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[0]))
    response = client.post(f"/spaces/{desk.id}/book", data=fields)

    assert set(fields) == {"csrf_token", "date", "preset"}
    assert response.status_code == 302
    assert count(db_session) == 1
