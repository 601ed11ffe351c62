"""Resetting a calendar feed's link refuses a POST without the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.calendar import feeds
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_a_reset_without_the_token_is_refused_and_with_it_works(
    app: Flask, sign_in: SignIn, factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    client = sign_in(person)
    feed = feeds.personal_feed(db_session, person)
    reset = f"/account/calendar-feeds/{feed.id}/reset"

    assert client.post(reset).status_code == 400
    assert client.get(f"/calendar/feeds/{feed.token}.ics").status_code == 200

    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(reset).text)
    assert match
    assert client.post(reset, data={"csrf_token": match.group(1)}).status_code == 302
    assert client.get(f"/calendar/feeds/{feed.token}.ics").status_code == 404
