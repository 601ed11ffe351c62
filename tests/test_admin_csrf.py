"""Administration forms refuse posts without the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from tests.factories import Factory


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_a_post_without_the_token_changes_nothing(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    admin = sign_in(factory.administrator())
    person = factory.person()
    response = admin.post(f"/admin/people/{person.id}/deactivate")
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    db_session.expire_all()
    assert person.active


def test_a_post_with_the_token_from_the_page_works(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    admin = sign_in(factory.administrator())
    person = factory.person()
    page = admin.get(f"/admin/people/{person.id}/deactivate").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = admin.post(
        f"/admin/people/{person.id}/deactivate", data={"csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert not person.active
