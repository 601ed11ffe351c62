"""The accessibility statement and the privacy notice: open to everyone, signed in or not."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_the_accessibility_statement_needs_no_sign_in(client: FlaskClient) -> None:
    response = client.get("/accessibility")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Accessibility statement for Shared Spaces" in html
    assert "WCAG 2.2 AA" in html
    assert "Reporting accessibility problems" in html
    assert "Enforcement procedure" in html and "Equality Advisory and Support Service" in html


def test_the_privacy_notice_needs_no_sign_in(client: FlaskClient) -> None:
    response = client.get("/privacy")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ["What we keep", "Why we keep it", "Who can see it", "How long we keep it"]:
        assert heading in html
    assert "Information Commissioner" in html
