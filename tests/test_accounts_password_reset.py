"""Password reset: an emailed, signed link that expires and works once, revealing nothing."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts import tokens
from booking.accounts.passwords import check_password
from booking.audit.models import AuditEntry
from tests.factories import PASSWORD, Factory

Mailbox = Callable[[], list[EmailMessage]]
NEW_PASSWORD = "a brand new password"


def reset_link(client: FlaskClient, mailbox: Mailbox, email: str) -> str:
    client.post("/forgot-password", data={"email": email})
    text = mailbox()[-1].get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(/reset-password/\S+)", text)
    assert match, text
    return match.group(1)


def test_forgot_password_says_the_same_whether_or_not_there_is_an_account(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("sam@council.example")
    factory.person("gone@council.example", active=False)
    pages = {}
    for email in ("sam@council.example", "nobody@council.example", "gone@council.example"):
        response = client.post("/forgot-password", data={"email": email})
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/check-your-email",
        )
        page = client.get("/check-your-email").text
        assert "If there is a Shared Spaces account for" in page
        pages[email] = page.replace(email, "X")
    assert len(set(pages.values())) == 1
    [message] = mailbox()
    assert message["To"] == "sam@council.example"
    assert message["Subject"] == "Reset your password"
    assert "/reset-password/" in message.get_body(("html",)).get_content()


def test_the_forgot_password_form_explains_a_bad_address(client: FlaskClient) -> None:
    assert client.get("/forgot-password").status_code == 200
    response = client.post("/forgot-password", data={"email": "not-an-address"})
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in response.text


def test_a_reset_link_sets_a_new_password_and_signs_out_everywhere(
    app: Flask, factory: Factory, db_session: Session, mailbox: Mailbox
) -> None:
    person = factory.person("sam@council.example")
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": "sam@council.example", "password": PASSWORD})
    assert elsewhere.get("/account").status_code == 200

    client = app.test_client()
    link = reset_link(client, mailbox, "sam@council.example")
    page = client.get(link)
    assert page.status_code == 200 and "sam@council.example" in page.text
    assert 'autocomplete="new-password"' in page.text
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in client.get("/sign-in").text

    db_session.expire_all()
    assert person.password_hash is not None and check_password(person.password_hash, NEW_PASSWORD)
    assert person.session_version == 2
    assert elsewhere.get("/account").status_code == 302
    entry = db_session.scalar(
        select(AuditEntry).where(AuditEntry.action == "person.password_reset")
    )
    assert entry is not None and entry.subject_id == person.id
    signed_in = client.post(
        "/sign-in", data={"email": "sam@council.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_reset_link_works_only_once(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302
    again = client.get(link)
    assert again.status_code == 400
    assert "This link has already been used" in again.text
    assert 'action="/forgot-password"' in again.text
    assert client.post(link, data={"password": "yet another password"}).status_code == 400


def test_using_one_reset_link_kills_the_others(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("sam@council.example")
    first = reset_link(client, mailbox, "sam@council.example")
    second = reset_link(client, mailbox, "sam@council.example")
    assert client.post(second, data={"password": NEW_PASSWORD}).status_code == 302
    assert client.get(first).status_code == 400


def test_signing_out_everywhere_kills_outstanding_reset_links(
    client: FlaskClient,
    factory: Factory,
    mailbox: Mailbox,
    sign_in: Callable[..., FlaskClient],
) -> None:
    person = factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    sign_in(person).post("/account/sign-out-everywhere")
    assert client.get(link).status_code == 400


def test_a_reset_link_expires(
    client: FlaskClient, factory: Factory, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    sent_at = time.time()
    monkeypatch.setattr(tokens, "now", lambda: sent_at + 59 * 60)
    assert client.get(link).status_code == 200
    monkeypatch.setattr(tokens, "now", lambda: sent_at + 61 * 60)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 400


def test_a_tampered_reset_link_is_refused(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400
    assert "This link does not work" in response.text


def test_a_reset_link_dies_when_the_person_is_deactivated(
    client: FlaskClient, factory: Factory, mailbox: Mailbox, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    person.active = False
    db_session.flush()
    assert client.get(link).status_code == 400


def test_resetting_the_password_also_confirms_the_email_address(
    client: FlaskClient, factory: Factory, mailbox: Mailbox, db_session: Session
) -> None:
    person = factory.person("sam@council.example", verified=False)
    link = reset_link(client, mailbox, "sam@council.example")
    client.post(link, data={"password": NEW_PASSWORD})
    db_session.expire_all()
    assert person.email_verified_at is not None


def test_the_new_password_must_follow_the_rules(
    client: FlaskClient, factory: Factory, mailbox: Mailbox, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    link = reset_link(client, mailbox, "sam@council.example")
    for password, message in [
        ("", "Enter a new password"),
        ("short", "Password must be 10 characters or more"),
        ("SAM@council.example", "Password must not be your email address"),
    ]:
        response = client.post(link, data={"password": password})
        assert response.status_code == 422
        assert message in response.text
    db_session.expire_all()
    assert person.session_version == 1
    assert client.get(link).status_code == 200
