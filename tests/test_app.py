"""The app as a whole: it starts, protects its pages and sends the security headers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def test_pages_need_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_is_sent_over_https_when_enabled(app: Flask, client: FlaskClient) -> None:
    app.config["HSTS"] = True
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_pages_are_not_cached_but_static_files_are(client: FlaskClient) -> None:
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    static = client.get("/static/app.js")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_health_checks_answer_without_signing_in(client: FlaskClient) -> None:
    assert client.get("/healthz").text == "ok"
    assert client.get("/readyz").text == "ready"
