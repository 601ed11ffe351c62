"""The API knows its caller only by a personal access token, and says so with 401 otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)
clock = [NOW]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    clock[0] = NOW
    return {**app_config, "CLOCK": lambda: clock[0]}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_refused(response: Any, *, invalid_token: bool) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 401 and problem["title"] == "Unauthorized"
    assert problem["type"] == "about:blank" and problem["detail"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="Shared Spaces API"')
    assert ('error="invalid_token"' in challenge) is invalid_token


def test_a_request_without_a_token_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    assert_refused(response, invalid_token=False)
    assert "Authorization header" in response.json["detail"]


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "ss_not_even_a_scheme", "Token ss_abc"],
)
def test_a_request_without_a_bearer_token_is_refused(client: FlaskClient, header: str) -> None:
    assert_refused(client.get("/api/v1/me", headers={"Authorization": header}), invalid_token=False)


@pytest.mark.parametrize("secret", ["ss_wrong", "not-ours", "ss_" + "x" * 200, "ss_\u00e9"])
def test_an_unknown_token_is_refused(client: FlaskClient, factory: Factory, secret: str) -> None:
    factory.access_token()
    assert_refused(client.get("/api/v1/me", headers=bearer(secret)), invalid_token=True)


def test_a_revoked_token_stops_working(client: FlaskClient, factory: Factory) -> None:
    _token, secret = factory.access_token(revoked_at=NOW - timedelta(minutes=1))
    assert_refused(client.get("/api/v1/me", headers=bearer(secret)), invalid_token=True)


def test_a_deactivated_persons_tokens_stop_working(
    client: FlaskClient, factory: Factory, db_session: Session
) -> None:
    token, secret = factory.access_token()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token.person.active = False
    db_session.flush()
    assert_refused(client.get("/api/v1/me", headers=bearer(secret)), invalid_token=True)


def test_an_unverified_persons_token_does_not_work(client: FlaskClient, factory: Factory) -> None:
    _token, secret = factory.access_token(factory.person(verified=False))
    assert_refused(client.get("/api/v1/me", headers=bearer(secret)), invalid_token=True)


def test_the_scheme_is_not_case_sensitive(client: FlaskClient, factory: Factory) -> None:
    _token, secret = factory.access_token()
    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {secret}"})
    assert response.status_code == 200


def test_a_signed_in_browser_gets_no_access_to_the_api(
    factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    browser = sign_in(factory.person())
    assert browser.get("/account").status_code == 200
    assert_refused(browser.get("/api/v1/me"), invalid_token=False)


def test_every_endpoint_needs_a_token(client: FlaskClient) -> None:
    for method, path in [
        ("GET", "/api/v1/neighbourhoods"),
        ("GET", "/api/v1/buildings"),
        ("GET", "/api/v1/spaces"),
        ("GET", "/api/v1/availability?date=2030-01-07&building=1"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/bookings"),
        ("POST", "/api/v1/bookings"),
        ("GET", "/api/v1/bookings/1"),
        ("PATCH", "/api/v1/bookings/1"),
        ("DELETE", "/api/v1/bookings/1"),
        ("POST", "/api/v1/bookings/1/check-in"),
    ]:
        assert_refused(client.open(path, method=method), invalid_token=False)


def test_the_document_and_its_docs_need_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(
    client: FlaskClient, factory: Factory, db_session: Session
) -> None:
    token, secret = factory.access_token()
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    db_session.expire_all()
    assert token.last_used_at == NOW
    clock[0] = NOW + timedelta(seconds=59)
    client.get("/api/v1/me", headers=bearer(secret))
    db_session.expire_all()
    assert token.last_used_at == NOW
    clock[0] = NOW + timedelta(minutes=1)
    client.get("/api/v1/me", headers=bearer(secret))
    db_session.expire_all()
    assert token.last_used_at == NOW + timedelta(minutes=1)


class TestWithCsrfProtectionOn:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_the_api_needs_no_csrf_token_because_it_never_reads_cookies(
        self, client: FlaskClient, factory: Factory
    ) -> None:
        _token, secret = factory.access_token()
        response = client.post("/api/v1/bookings", json={}, headers=bearer(secret))
        assert response.status_code == 422  # the body's mistakes, not a CSRF refusal
        assert "space_id" in response.json["errors"]
