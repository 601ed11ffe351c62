"""Turning calendar invites off and on: the account page, its own page, and the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person("sam@council.example", name="Sam Jones")


def invites_entries(db_session: Session, person: Person) -> list[dict[str, Any]]:
    return list(
        db_session.scalars(
            select(AuditEntry.changes)
            .where(AuditEntry.action == "person.invites", AuditEntry.subject_id == person.id)
            .order_by(AuditEntry.id)
        )
    )


def summary_value(page: str, key: str) -> str:
    match = re.search(
        rf'<dt class="govuk-summary-list__key">\s*{key}\s*</dt>\s*'
        r'<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>',
        page,
        re.S,
    )
    assert match, f"no {key} row"
    return match.group(1)


# The pages.


def test_the_account_page_says_whether_invites_are_on_and_links_to_change_it(
    sign_in: SignIn, person: Person
) -> None:
    page = sign_in(person).get("/account").text
    assert summary_value(page, "Calendar invites") == "On"
    assert 'href="/account/calendar-invites"' in page


def test_the_invites_page_offers_yes_and_no_with_the_feed_as_the_alternative(
    sign_in: SignIn, person: Person
) -> None:
    page = sign_in(person).get("/account/calendar-invites").text
    assert "<title>Calendar invites" in page
    assert "Send me calendar invites" in page
    assert re.search(r'<input[^>]*name="invites"[^>]*value="yes"[^>]*checked', page)
    assert 'href="/account#calendar-feed"' in page


def test_turning_invites_off_is_saved_and_audited(
    sign_in: SignIn, db_session: Session, person: Person
) -> None:
    client = sign_in(person)
    response = client.post("/account/calendar-invites", data={"invites": "no"})

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    db_session.refresh(person)
    assert person.invites_enabled is False
    assert invites_entries(db_session, person) == [{"invites_enabled": [True, False]}]
    page = client.get("/account").text
    assert "You will not get calendar invites for your bookings." in page
    assert summary_value(page, "Calendar invites") == "Off"


def test_saving_the_same_choice_changes_nothing_and_records_nothing(
    sign_in: SignIn, db_session: Session, person: Person
) -> None:
    response = sign_in(person).post("/account/calendar-invites", data={"invites": "yes"})

    assert response.status_code == 302
    assert invites_entries(db_session, person) == []


@pytest.mark.parametrize("data", [{}, {"invites": "maybe"}], ids=["nothing", "nonsense"])
def test_no_choice_shows_the_error_and_changes_nothing(
    sign_in: SignIn, db_session: Session, person: Person, data: dict[str, str]
) -> None:
    response = sign_in(person).post("/account/calendar-invites", data=data)

    assert response.status_code == 422
    assert "<title>Error: Calendar invites" in response.text
    assert "govuk-error-summary" in response.text
    assert "Select yes if you want calendar invites for your bookings" in response.text
    db_session.refresh(person)
    assert person.invites_enabled is True


def test_the_invites_page_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/calendar-invites")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_post_without_the_token_is_refused(
        self, sign_in: SignIn, db_session: Session, person: Person
    ) -> None:
        response = sign_in(person).post("/account/calendar-invites", data={"invites": "no"})

        assert response.status_code == 400
        db_session.refresh(person)
        assert person.invites_enabled is True


# The API.


@pytest.fixture
def api(client: FlaskClient, factory: Factory, person: Person) -> FlaskClient:
    _token, secret = factory.access_token(person)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_api_says_whether_invites_are_on(api: FlaskClient) -> None:
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["invites_enabled"] is True


def test_the_api_turns_invites_off_and_on(
    api: FlaskClient, db_session: Session, person: Person
) -> None:
    response = api.patch("/api/v1/me", json={"invites_enabled": False})

    assert response.status_code == 200
    assert response.json["invites_enabled"] is False
    assert response.json["email"] == "sam@council.example"
    db_session.refresh(person)
    assert person.invites_enabled is False
    assert api.patch("/api/v1/me", json={"invites_enabled": True}).json["invites_enabled"] is True
    assert invites_entries(db_session, person) == [
        {"invites_enabled": [True, False]},
        {"invites_enabled": [False, True]},
    ]


@pytest.mark.parametrize(
    "body",
    [{}, {"invites_enabled": "no"}, {"invites_enabled": 0}, {"invites_enabled": None}],
    ids=["missing", "a string", "a number", "null"],
)
def test_the_api_refuses_anything_but_true_or_false_as_a_problem(
    api: FlaskClient, db_session: Session, person: Person, body: dict[str, Any]
) -> None:
    response = api.patch("/api/v1/me", json=body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "invites_enabled" in response.json["errors"]
    db_session.refresh(person)
    assert person.invites_enabled is True
