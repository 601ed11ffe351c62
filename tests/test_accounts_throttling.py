"""Failed sign-ins are throttled per account and per client address (10 in 5 minutes)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD, Factory


def attempt(client: FlaskClient, email: str, password: str, address: str) -> int:
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_an_account_is_locked_for_a_while_after_ten_failed_sign_ins(
    app: Flask, factory: Factory
) -> None:
    factory.person("sam@council.example")
    for n in range(10):
        guess = app.test_client()
        assert attempt(guess, "sam@council.example", "wrong", f"10.0.0.{n}") == 422
    owner = app.test_client()
    response = owner.post(
        "/sign-in",
        data={"email": "SAM@council.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429
    assert "Wait 5 minutes" in response.text
    assert owner.get("/account").status_code == 302


def test_an_unknown_address_is_throttled_like_a_real_one(app: Flask) -> None:
    for n in range(10):
        assert attempt(app.test_client(), "nobody@council.example", "x", f"10.0.0.{n}") == 422
    assert attempt(app.test_client(), "nobody@council.example", "x", "10.0.1.1") == 429


def test_a_client_address_is_throttled_after_ten_failures_across_accounts(
    client: FlaskClient, factory: Factory
) -> None:
    factory.person("other@council.example")
    for n in range(10):
        assert attempt(client, f"guess{n}@council.example", "wrong", "192.0.2.7") == 422
    assert attempt(client, "other@council.example", PASSWORD, "192.0.2.7") == 429
    assert attempt(client, "other@council.example", PASSWORD, "192.0.2.8") == 302


def test_successful_sign_ins_do_not_count(client: FlaskClient, factory: Factory) -> None:
    factory.person("sam@council.example")
    for _ in range(9):
        assert attempt(client, "sam@council.example", "wrong", "192.0.2.7") == 422
    for _ in range(5):
        assert attempt(client, "sam@council.example", PASSWORD, "192.0.2.7") == 302
    assert attempt(client, "sam@council.example", "wrong", "192.0.2.7") == 422
    assert attempt(client, "sam@council.example", PASSWORD, "192.0.2.7") == 429


def test_the_sign_in_page_itself_is_never_throttled(client: FlaskClient) -> None:
    for n in range(10):
        attempt(client, f"guess{n}@council.example", "wrong", "192.0.2.7")
    assert client.get("/sign-in", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


def test_the_limit_comes_from_configuration(app: Flask, client: FlaskClient) -> None:
    app.config["SIGN_IN_LIMIT"] = "2 per 5 minutes"
    assert attempt(client, "sam@council.example", "wrong", "192.0.2.7") == 422
    assert attempt(client, "sam@council.example", "wrong", "192.0.2.7") == 422
    assert attempt(client, "sam@council.example", "wrong", "192.0.2.7") == 429


def test_links_by_email_cannot_flood_one_mailbox(client: FlaskClient, factory: Factory) -> None:
    factory.person("sam@council.example")
    for _ in range(10):
        response = client.post("/forgot-password", data={"email": "sam@council.example"})
        assert response.status_code == 302
    response = client.post("/forgot-password", data={"email": "sam@council.example"})
    assert response.status_code == 429
