"""Every account form refuses a POST without the session's CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.factories import PASSWORD, Factory


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client: FlaskClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_sign_in_without_a_token_is_refused(client: FlaskClient, factory: Factory) -> None:
    factory.person("sam@council.example")
    response = client.post("/sign-in", data={"email": "sam@council.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.text
    assert client.get("/account").status_code == 302


def test_sign_in_with_the_token_works(client: FlaskClient, factory: Factory) -> None:
    factory.person("sam@council.example")
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": "sam@council.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_sign_out_without_a_token_is_refused_and_with_it_works(
    client: FlaskClient, factory: Factory
) -> None:
    factory.person("sam@council.example")
    client.post(
        "/sign-in",
        data={
            "email": "sam@council.example",
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/sign-in"),
        },
    )
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200
    token = csrf_token(client, "/account")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/register",
        "/forgot-password",
        "/verify-email/resend",
        "/account/sign-out-everywhere",
        "/account/password",
        "/account/name",
    ],
)
def test_every_other_account_form_needs_the_token(client: FlaskClient, path: str) -> None:
    assert client.post(path, data={"email": "sam@council.example"}).status_code == 400
