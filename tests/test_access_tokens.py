"""Personal access tokens: made on the account page or by a command, shown once, stored hashed,
listed, revoked."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts import access_tokens
from booking.accounts.models import AccessToken, Person
from booking.audit.models import AuditEntry
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
TOKEN = re.compile(r"ss_[A-Za-z0-9_-]{43}")


def tokens_of(db_session: Session, person: Person) -> list[AccessToken]:
    db_session.expire_all()
    return list(db_session.scalars(select(AccessToken).where(AccessToken.person_id == person.id)))


def test_a_new_token_is_stored_only_as_its_hash(db_session: Session, factory: Factory) -> None:
    person = factory.person()
    made = access_tokens.create_token(db_session, person, "  Meeting   room display ")
    assert TOKEN.fullmatch(made.secret)
    token = made.token
    assert token.name == "Meeting room display"
    assert token.token_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert token.prefix == made.secret[:10] == "ss_" + made.secret[3:10]
    assert access_tokens.authenticate(db_session, made.secret) is token
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == person.id))
    assert list(actions) == ["access_token.create"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the token"),
        ("   ", "Enter a name for the token"),
        ("x" * 101, "Name must be 100 characters or fewer"),
    ],
)
def test_a_token_needs_a_sensible_name(
    db_session: Session, factory: Factory, name: str, message: str
) -> None:
    with pytest.raises(access_tokens.TokenError, match=message):
        access_tokens.create_token(db_session, factory.person(), name)


def test_a_person_has_at_most_twenty_working_tokens(db_session: Session, factory: Factory) -> None:
    person = factory.person()
    for n in range(access_tokens.MAX_ACTIVE_TOKENS):
        access_tokens.create_token(db_session, person, f"Token {n}")
    with pytest.raises(access_tokens.TokenError, match="up to 20 tokens"):
        access_tokens.create_token(db_session, person, "One too many")


def test_a_revoked_token_no_longer_authenticates(db_session: Session, factory: Factory) -> None:
    token, secret = factory.access_token()
    access_tokens.revoke_token(db_session, token.person, token)
    assert token.revoked_at is not None
    assert access_tokens.authenticate(db_session, secret) is None
    assert access_tokens.token_of(db_session, token.person, token.id) is None


def test_the_account_page_links_to_the_tokens(factory: Factory, sign_in: SignIn) -> None:
    page = sign_in(factory.person()).get("/account").text
    assert '<h2 class="govuk-heading-m">API tokens</h2>' in page
    assert 'href="/account/tokens"' in page


def test_the_tokens_page_lists_your_working_tokens_only(factory: Factory, sign_in: SignIn) -> None:
    person = factory.person()
    factory.access_token(person, name="Door display")
    factory.access_token(person, name="Old script", revoked_at=datetime(2030, 1, 1, tzinfo=UTC))
    factory.access_token(factory.person(), name="Someone else's")
    page = sign_in(person).get("/account/tokens").text
    assert '<h1 class="govuk-heading-l">API tokens</h1>' in page
    assert "Door display" in page and "Not used yet" in page
    assert "Old script" not in page and "Someone else" not in page
    assert 'href="/api/docs"' in page


def test_creating_a_token_shows_it_once(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person()
    browser = sign_in(person)
    response = browser.post("/account/tokens", data={"name": "Team dashboard"})
    assert response.status_code == 200
    [secret] = TOKEN.findall(response.text)
    assert "You will not be able to see it again" in response.text
    [token] = tokens_of(db_session, person)
    assert token.name == "Team dashboard"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    listing = browser.get("/account/tokens").text
    assert "Team dashboard" in listing and secret not in listing
    api = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.json["email"] == person.email


def test_a_token_without_a_name_is_not_made(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person()
    response = sign_in(person).post("/account/tokens", data={"name": " "})
    assert response.status_code == 422
    assert "<title>Error: API tokens" in response.text
    assert "Enter a name for the token" in response.text
    assert tokens_of(db_session, person) == []


def test_revoking_a_token_asks_first_then_stops_it_working(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person()
    token, secret = factory.access_token(person, name="Door display")
    browser = sign_in(person)
    confirm = browser.get(f"/account/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "Revoke token Door display?" in confirm.text
    response = browser.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == "/account/tokens"
    [stored] = tokens_of(db_session, person)
    assert stored.revoked_at is not None
    headers = {"Authorization": f"Bearer {secret}"}
    assert browser.get("/api/v1/me", headers=headers).status_code == 401
    assert "has been revoked" in browser.get("/account/tokens").text


def test_nobody_can_revoke_someone_elses_token(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    token, _secret = factory.access_token()
    browser = sign_in(factory.person())
    assert browser.get(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db_session.expire_all()
    assert token.revoked_at is None


def test_the_tokens_pages_need_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


class TestWithCsrfProtectionOn:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_creating_a_token_needs_the_forms_csrf_token(
        self, factory: Factory, sign_in: SignIn, db_session: Session
    ) -> None:
        person = factory.person()
        response = sign_in(person).post("/account/tokens", data={"name": "Forged"})
        assert response.status_code == 400
        assert tokens_of(db_session, person) == []


def test_create_token_prints_a_working_token_once(
    app: Flask, factory: Factory, db_session: Session
) -> None:
    person = factory.person(email="nurse@nhs.example")
    result = app.test_cli_runner().invoke(
        args=["create-token", "NURSE@nhs.example", "--name", "Door display"]
    )
    assert result.exit_code == 0, result.output
    assert "Created API token 'Door display' for nurse@nhs.example." in result.output
    [secret] = TOKEN.findall(result.output)
    [token] = tokens_of(db_session, person)
    assert token.name == "Door display"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@nhs.example", "There is no account for nobody@nhs.example."),
        ("gone@nhs.example", "gone@nhs.example cannot sign in"),
    ],
)
def test_create_token_refuses_unknown_and_deactivated_people(
    app: Flask, factory: Factory, db_session: Session, email: str, message: str
) -> None:
    gone = factory.person(email="gone@nhs.example", active=False)
    result = app.test_cli_runner().invoke(args=["create-token", email])
    assert result.exit_code == 1
    assert message in result.output
    assert tokens_of(db_session, gone) == []
