"""Signing in and out: one generic error, verified accounts only, remember me, revocation."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.accounts.views import safe_next
from booking.audit.models import AuditEntry
from tests.factories import PASSWORD, Factory

Mailbox = Callable[[], list[EmailMessage]]


def sign_in_form(
    client: FlaskClient, email: str, password: str = PASSWORD, **extra: str
) -> tuple[int, str, str]:
    """POST the sign-in form: (status, Location header, page text)."""
    query = f"?next={extra.pop('next')}" if "next" in extra else ""
    response = client.post(f"/sign-in{query}", data={"email": email, "password": password, **extra})
    return response.status_code, response.headers.get("Location", ""), response.text


def test_the_sign_in_page_has_the_fields_and_a_show_password_button(client: FlaskClient) -> None:
    page = client.get("/sign-in").text
    assert 'name="email"' in page and 'autocomplete="username"' in page
    assert 'data-module="govuk-password-input"' in page
    assert "Remember me on this device" in page
    assert "Forgotten your password?" in page


def test_a_verified_person_signs_in_and_lands_on_the_neighbourhoods(
    client: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    status, location, _ = sign_in_form(client, " Sam@Council.Example ")
    assert (status, location) == (302, "/")
    assert client.get("/account").status_code == 200
    db_session.expire_all()
    assert person.last_signed_in_at is not None


def test_the_session_cookie_has_a_bounded_lifetime(client: FlaskClient, factory: Factory) -> None:
    factory.person("sam@council.example")
    response = client.post("/sign-in", data={"email": "sam@council.example", "password": PASSWORD})
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "Expires=" in session_cookie and "HttpOnly" in session_cookie


def without_csrf_tokens(page: str) -> str:
    """The page without its CSRF tokens, which carry a timestamp."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_a_wrong_password_and_an_unknown_email_get_the_same_page(
    client: FlaskClient, factory: Factory
) -> None:
    factory.person("sam@council.example")
    known = sign_in_form(client, "sam@council.example", "not the password")
    unknown = sign_in_form(client, "nobody@council.example", "not the password")
    assert known[0] == unknown[0] == 422
    assert "Enter a correct email address and password" in known[2]
    assert without_csrf_tokens(known[2]).replace("sam@", "X@") == without_csrf_tokens(
        unknown[2]
    ).replace("nobody@", "X@")
    assert "<title>Error: Sign in" in known[2]


def test_a_deactivated_person_gets_the_generic_error(client: FlaskClient, factory: Factory) -> None:
    factory.person("gone@council.example", active=False)
    status, _, page = sign_in_form(client, "gone@council.example")
    assert status == 422
    assert "Enter a correct email address and password" in page
    assert client.get("/account").status_code == 302


def test_a_person_without_a_password_cannot_sign_in(client: FlaskClient, factory: Factory) -> None:
    factory.person("new@council.example", password=None)
    status, _, _ = sign_in_form(client, "new@council.example", "")
    assert status == 422
    status, _, _ = sign_in_form(client, "new@council.example", "anything at all")
    assert status == 422


def test_an_unverified_person_is_asked_to_confirm_and_sent_a_new_link(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("new@council.example", verified=False)
    status, _, page = sign_in_form(client, "new@council.example")
    assert status == 200
    assert "You need to confirm your email address before you can sign in" in page
    assert client.get("/account").status_code == 302
    [message] = mailbox()
    assert message["To"] == "new@council.example"
    assert "http://localhost/verify-email/" in message.get_body(("plain",)).get_content()


def test_an_unverified_person_with_a_wrong_password_learns_nothing(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("new@council.example", verified=False)
    status, _, page = sign_in_form(client, "new@council.example", "not the password")
    assert status == 422
    assert "Enter a correct email address and password" in page
    assert mailbox() == []


def test_an_old_password_hash_is_upgraded_at_sign_in(
    app: Flask, client: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    app.config["PASSWORD_HASHING"] = "owasp"
    old_hash = person.password_hash
    sign_in_form(client, "sam@council.example")
    db_session.expire_all()
    assert person.password_hash != old_hash
    assert person.password_hash is not None and "m=19456" in person.password_hash


def test_remember_me_sets_a_long_lived_cookie_that_signs_in_a_new_browser(
    app: Flask, factory: Factory
) -> None:
    factory.person("sam@council.example")
    first = app.test_client()
    without = first.post("/sign-in", data={"email": "sam@council.example", "password": PASSWORD})
    assert not any(c.startswith("remember_token=") for c in without.headers.getlist("Set-Cookie"))
    first.post(
        "/sign-in",
        data={"email": "sam@council.example", "password": PASSWORD, "remember": "y"},
    )
    cookie = first.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    later = app.test_client()
    later.set_cookie("remember_token", cookie.value, domain="localhost")
    assert later.get("/account").status_code == 200


@pytest.mark.parametrize(
    "target",
    ["/account", "/account?tab=1", "/buildings/3", "/a/b%2F%2Fc"],
)
def test_safe_next_keeps_paths_inside_the_app(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "//evil.example/account",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "http://evil.example",
        "https://evil.example/account",
        "HTTP://evil.example",
        "javascript:alert(1)",
        "data:text/html,hi",
        "evil.example",
        "account",
        " /account",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/account\x00",
        "\x01/account",
        "/account\u2028",
        "///evil.example",
        "/" * 3000,
    ],
)
def test_safe_next_refuses_anything_that_could_leave_the_app(target: str | None) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_in_never_redirects_outside_the_app(
    client: FlaskClient, factory: Factory, target: str
) -> None:
    factory.person("sam@council.example")
    status, location, _ = sign_in_form(client, "sam@council.example", next=target)
    assert (status, location) == (302, "/")


def test_sign_in_returns_to_the_page_that_asked_for_it(
    client: FlaskClient, factory: Factory
) -> None:
    factory.person("sam@council.example")
    asked = client.get("/account")
    assert asked.status_code == 302 and "next=%2Faccount" in asked.headers["Location"]
    response = client.post(
        asked.headers["Location"], data={"email": "sam@council.example", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"


def test_a_signed_in_person_visiting_sign_in_goes_to_the_start(
    factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    client = sign_in(factory.person())
    assert client.get("/sign-in").headers["Location"] == "/"


def test_sign_out_ends_the_session_and_forgets_the_device(
    client: FlaskClient, factory: Factory
) -> None:
    factory.person("sam@council.example")
    client.post(
        "/sign-in",
        data={"email": "sam@council.example", "password": PASSWORD, "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert client.get_cookie("remember_token") is None
    assert client.get("/account").status_code == 302
    assert "You have signed out" in client.get("/sign-in").text


def test_sign_out_everywhere_ends_every_session_and_remembered_device(
    app: Flask, factory: Factory, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    phone, laptop = app.test_client(), app.test_client()
    for browser in (phone, laptop):
        browser.post(
            "/sign-in",
            data={"email": "sam@council.example", "password": PASSWORD, "remember": "y"},
        )
        assert browser.get("/account").status_code == 200
    remembered = laptop.get_cookie("remember_token")
    assert remembered is not None

    response = phone.post("/account/sign-out-everywhere")
    assert response.headers["Location"] == "/sign-in"

    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered.value, domain="localhost")
    assert fresh.get("/account").status_code == 302
    db_session.expire_all()
    assert person.session_version == 2
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.subject_id == person.id))
    assert entry is not None and entry.actor_id == person.id
    # Signing in again works as before.
    status, _, _ = sign_in_form(phone, "sam@council.example")
    assert status == 302 and phone.get("/account").status_code == 200


def test_a_session_from_before_a_version_bump_is_refused(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    person = factory.person()
    client = sign_in(person)
    assert client.get("/account").status_code == 200
    person.session_version += 1
    db_session.flush()
    assert client.get("/account").status_code == 302


def test_sign_out_everywhere_needs_a_signed_in_person(client: FlaskClient) -> None:
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
