"""The feedback forms carry the CSRF token: the rating buttons, the problem form, the fix form."""

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
from booking.feedback.models import ProblemCategory, ProblemReport, ProblemStatus, SpaceRating
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "CLOCK": lambda: datetime(2030, 1, 8, 12, tzinfo=UTC),
    }


@pytest.fixture
def booking(factory: Factory) -> Booking:
    return factory.booking(starts_at=datetime(2030, 1, 7, 9, tzinfo=UTC))


def count(db_session: Session, model: type[Any]) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model)) or 0


def token_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_rating_without_the_token_is_refused_and_the_buttons_carry_it(
    sign_in: SignIn, booking: Booking, db_session: Session
) -> None:
    client = sign_in(booking.person)
    url = f"/bookings/{booking.id}/rating"

    assert client.post(url, data={"rating": "3"}).status_code == 400
    assert count(db_session, SpaceRating) == 0

    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    button = re.search(rf'<form method="post" action="{url}".*?</form>', page, re.S)
    assert button is not None
    response = client.post(url, data={"rating": "3", "csrf_token": token_in(button.group(0))})
    assert response.status_code == 302
    assert count(db_session, SpaceRating) == 1


def test_a_problem_report_without_the_token_is_refused(
    sign_in: SignIn, booking: Booking, db_session: Session
) -> None:
    client = sign_in(booking.person)
    url = f"/bookings/{booking.id}/problem"

    assert client.post(url, data={"category": "wifi"}).status_code == 400
    form = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"category": "wifi", "csrf_token": token_in(form)})
    assert response.status_code == 302
    assert count(db_session, ProblemReport) == 1


def test_marking_a_problem_fixed_without_the_token_is_refused(
    factory: Factory, sign_in: SignIn, booking: Booking, db_session: Session
) -> None:
    problem = ProblemReport(
        booking=booking,
        space_id=booking.space_id,
        building_id=booking.space.building_id,
        category=ProblemCategory.HEATING,
        reported_by=booking.person,
    )
    db_session.add(problem)
    db_session.flush()
    client = sign_in(factory.building_manager(booking.space.building))
    url = f"/estates/problems/{problem.id}/fix"

    assert client.post(url, data={"note": "Done"}).status_code == 400
    form = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token_in(form)}).status_code == 302
    db_session.expire_all()
    assert problem.status is ProblemStatus.FIXED
