"""The repeating booking forms carry the session's CSRF token through every step."""

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
from booking.catalogue.models import SpaceKind
from tests.factories import Factory
from tests.test_bookings_series_pages import form, seen


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "CLOCK": lambda: datetime(2026, 5, 1, 8, tzinfo=UTC),
    }


def token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_booking_a_series_works_with_the_tokens_from_the_pages_and_not_without(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    room = factory.space(kind=SpaceKind.MEETING_ROOM)
    client = sign_in(factory.person(organisation=room.building.owner))
    url = f"/spaces/{room.id}/book-repeating"
    preview = client.post(url, data={**form(), "csrf_token": token(client.get(url).text)}).text
    confirm = {**form(), "seen": seen(preview), "choice": "free"}

    refused = client.post(url, data=confirm)
    assert refused.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Booking)) == 0

    booked = client.post(url, data={**confirm, "csrf_token": token(preview)})
    assert booked.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Booking)) == 4
