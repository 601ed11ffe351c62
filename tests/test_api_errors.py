"""Every error from /api is an RFC 9457 problem, and no input gives a 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.api import catalogue
from tests.factories import Factory


@pytest.fixture
def api(client: FlaskClient, factory: Factory) -> FlaskClient:
    _token, secret = factory.access_token()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.json
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status
    return body


def test_an_unknown_api_address_is_a_404_problem(api: FlaskClient) -> None:
    body = problem(api.get("/api/v1/nothing-here"), 404)
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is nothing here. Check the address.",
    }
    problem(api.get("/api/v2/neighbourhoods"), 404)


def test_the_web_pages_keep_their_html_error_pages(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Page not found" in response.text


def test_a_method_a_resource_does_not_allow_is_405_with_allow(api: FlaskClient) -> None:
    response = api.put("/api/v1/neighbourhoods")
    body = problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert body["detail"].startswith("PUT is not allowed here.")


def test_a_body_that_is_not_json_is_415(api: FlaskClient) -> None:
    response = api.post("/api/v1/bookings", data="space_id=1", content_type="text/plain")
    assert problem(response, 415)["detail"].startswith("Send the request body as JSON")


@pytest.mark.parametrize(
    "body",
    [
        "{",
        '{"space_id": 1,}',
        "[" * 100_000 + "]" * 100_000,
        '{"space_id": ' + "9" * 5000 + "}",
        b"\xff\xfe",
    ],
)
def test_a_body_that_cannot_be_read_is_400(api: FlaskClient, body: str | bytes) -> None:
    response = api.post("/api/v1/bookings", data=body, content_type="application/json")
    body_ = problem(response, 400)
    assert body_["errors"] == {"_schema": ["The request body is not valid JSON."]}


def test_a_json_body_that_is_not_an_object_is_422(api: FlaskClient) -> None:
    problem(api.post("/api/v1/bookings", json=[1, 2]), 422)


class TestLimits:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "MAX_CONTENT_LENGTH": 1000}

    def test_a_body_too_large_is_413(self, api: FlaskClient) -> None:
        response = api.post("/api/v1/bookings", json={"title": "x" * 2000})
        problem(response, 413)


class TestOutsideTests:
    """With TESTING off, an unexpected failure is logged and answered as a 500 problem."""

    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "TESTING": False}

    def test_an_unexpected_error_is_a_500_problem(
        self, app: Flask, api: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: Any
    ) -> None:
        def broken(*_args: Any) -> None:
            raise RuntimeError("the database caught fire")

        monkeypatch.setattr(catalogue, "_building_filters", broken)
        body = problem(api.get("/api/v1/buildings"), 500)
        assert body["detail"] == "Sorry, something went wrong on our side. Try again later."
        assert "the database caught fire" not in str(body)
        assert "Unhandled error in the API" in caplog.text
