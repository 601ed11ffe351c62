"""Registration from partner domains only, then email verification by a signed, expiring link."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from booking.accounts import tokens
from booking.accounts.models import Person
from booking.accounts.passwords import check_password
from booking.audit.models import AuditEntry
from booking.catalogue.models import Organisation
from tests.factories import Factory

Mailbox = Callable[[], list[EmailMessage]]
NEW_PASSWORD = "a long enough new password"


def link_in(message: EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(/\S+)", text)
    assert match, text
    return match.group(1)


def register(client: FlaskClient, email: str, name: str = "Sam Jones") -> TestResponse:
    return client.post("/register", data={"name": name, "email": email, "password": NEW_PASSWORD})


@pytest.fixture
def nhs(factory: Factory) -> Organisation:
    return factory.organisation(name="Stockport NHS", domains=("nhs.example",))


def test_staff_of_a_partner_organisation_can_register(
    client: FlaskClient, nhs: Organisation, db_session: Session, mailbox: Mailbox
) -> None:
    response = register(client, "Sam.Jones@NHS.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/check-your-email"
    page = client.get("/check-your-email").text
    assert "We have sent an email to <strong>sam.jones@nhs.example</strong>" in page
    person = db_session.scalar(select(Person).where(Person.email == "sam.jones@nhs.example"))
    assert person is not None
    assert person.organisation is nhs
    assert person.name == "Sam Jones"
    assert person.email_verified_at is None
    assert person.password_hash is not None and check_password(person.password_hash, NEW_PASSWORD)
    audit = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.create"))
    assert audit is not None and audit.subject_id == person.id
    [message] = mailbox()
    assert message["To"] == "sam.jones@nhs.example"
    assert message["Subject"] == "Confirm your email address"
    assert link_in(message).startswith("/verify-email/")
    html = message.get_body(("html",)).get_content()
    assert 'href="http://localhost/verify-email/' in html


def test_a_person_from_an_unknown_domain_cannot_register(
    client: FlaskClient, nhs: Organisation, db_session: Session, mailbox: Mailbox
) -> None:
    response = register(client, "sam@gmail.example")
    assert response.status_code == 422
    assert "Only staff of Shared Spaces partner organisations can register" in response.text
    assert "Use your work email address" in response.text
    assert db_session.scalar(select(Person)) is None
    assert mailbox() == []


def test_a_subdomain_of_a_partner_domain_is_not_the_partner(
    client: FlaskClient, nhs: Organisation
) -> None:
    assert register(client, "sam@mail.nhs.example").status_code == 422
    assert register(client, "sam@evilnhs.example").status_code == 422


def test_staff_of_a_deactivated_organisation_cannot_register(
    client: FlaskClient, factory: Factory, db_session: Session
) -> None:
    factory.organisation(domains=("closed.example",), active=False)
    response = register(client, "sam@closed.example")
    assert response.status_code == 422
    assert "Only staff of Shared Spaces partner organisations can register" in response.text
    assert db_session.scalar(select(Person)) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter your full name"),
        ({"email": ""}, "Enter your work email address"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"password": ""}, "Create a password"),
        ({"password": "too short"}, "Password must be 10 characters or more"),
        ({"password": "x" * 257}, "Password must be 256 characters or fewer"),
        ({"password": "Sam@NHS.example"}, "Password must not be your email address"),
        ({"name": "n" * 201}, "Name must be 200 characters or fewer"),
    ],
)
def test_registration_explains_what_to_fix(
    client: FlaskClient,
    nhs: Organisation,
    fields: dict[str, str],
    message: str,
    db_session: Session,
) -> None:
    data = {"name": "Sam Jones", "email": "sam@nhs.example", "password": NEW_PASSWORD, **fields}
    response = client.post("/register", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert "<title>Error: Create an account" in response.text
    assert 'class="govuk-error-summary' in response.text
    assert db_session.scalar(select(Person)) is None


def test_registering_an_existing_address_reveals_nothing_and_changes_nothing(
    client: FlaskClient, nhs: Organisation, factory: Factory, db_session: Session, mailbox: Mailbox
) -> None:
    owner = factory.person("taken@nhs.example", name="Original Name")
    old_hash = owner.password_hash
    new = register(client, "fresh@nhs.example")
    new_page = client.get("/check-your-email").text
    taken = register(client, "Taken@nhs.example", name="Someone Else")
    taken_page = client.get("/check-your-email").text

    assert (new.status_code, new.headers["Location"]) == (
        taken.status_code,
        taken.headers["Location"],
    )
    assert new_page.replace("fresh@", "X@") == taken_page.replace("taken@", "X@")
    db_session.expire_all()
    assert (owner.name, owner.password_hash) == ("Original Name", old_hash)
    assert len(db_session.scalars(select(Person)).all()) == 2
    fresh_mail, owner_mail = mailbox()
    assert fresh_mail["To"] == "fresh@nhs.example"
    assert owner_mail["To"] == "taken@nhs.example"
    assert owner_mail["Subject"] == "You already have a Shared Spaces account"
    text = owner_mail.get_body(("plain",)).get_content()
    assert "http://localhost/sign-in" in text and "http://localhost/forgot-password" in text


def test_the_verification_link_confirms_the_address_and_then_sign_in_works(
    client: FlaskClient, nhs: Organisation, db_session: Session, mailbox: Mailbox
) -> None:
    register(client, "sam@nhs.example")
    assert (
        client.post("/sign-in", data={"email": "sam@nhs.example", "password": NEW_PASSWORD})
    ).status_code == 200  # "confirm your email address first"
    response = client.get(link_in(mailbox()[0]))
    assert response.status_code == 200
    assert "Email address confirmed" in response.text
    assert 'href="/sign-in"' in response.text
    person = db_session.scalar(select(Person).where(Person.email == "sam@nhs.example"))
    assert person is not None and person.email_verified_at is not None
    signed_in = client.post("/sign-in", data={"email": "sam@nhs.example", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/account").status_code == 200


def test_following_the_verification_link_twice_is_harmless(
    client: FlaskClient, nhs: Organisation, mailbox: Mailbox
) -> None:
    register(client, "sam@nhs.example")
    link = link_in(mailbox()[0])
    assert client.get(link).status_code == 200
    assert "Email address confirmed" in client.get(link).text


def test_an_expired_verification_link_offers_a_new_one(
    client: FlaskClient, nhs: Organisation, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client, "sam@nhs.example")
    link = link_in(mailbox()[0])
    sent_at = time.time()
    monkeypatch.setattr(tokens, "now", lambda: sent_at + 71 * 3600)
    assert client.get(link).status_code == 200

    register(client, "other@nhs.example")
    other = link_in(mailbox()[1])
    monkeypatch.setattr(tokens, "now", lambda: sent_at + 71 * 3600 + 72 * 3600 + 60)
    response = client.get(other)
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert 'action="/verify-email/resend"' in response.text


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "X" + token[1:],
        lambda token: token.split(".")[0],
        lambda token: "nonsense",
    ],
)
def test_a_tampered_verification_link_is_refused(
    client: FlaskClient,
    nhs: Organisation,
    mailbox: Mailbox,
    db_session: Session,
    mangle: Callable[[str], str],
) -> None:
    register(client, "sam@nhs.example")
    token = link_in(mailbox()[0]).removeprefix("/verify-email/")
    response = client.get(f"/verify-email/{mangle(token)}")
    assert response.status_code == 400
    assert "This link does not work" in response.text
    person = db_session.scalar(select(Person).where(Person.email == "sam@nhs.example"))
    assert person is not None and person.email_verified_at is None


def test_a_reset_link_is_not_a_verification_link(
    client: FlaskClient, factory: Factory, mailbox: Mailbox, db_session: Session
) -> None:
    person = factory.person("sam@council.example", verified=False)
    client.post("/forgot-password", data={"email": "sam@council.example"})
    token = link_in(mailbox()[0]).removeprefix("/reset-password/")
    assert client.get(f"/verify-email/{token}").status_code == 400
    db_session.expire_all()
    assert person.email_verified_at is None


def test_a_verification_link_dies_with_a_deactivated_account(
    client: FlaskClient, nhs: Organisation, mailbox: Mailbox, db_session: Session
) -> None:
    register(client, "sam@nhs.example")
    person = db_session.scalar(select(Person).where(Person.email == "sam@nhs.example"))
    assert person is not None
    person.active = False
    db_session.flush()
    assert client.get(link_in(mailbox()[0])).status_code == 400


def test_a_new_verification_link_can_be_requested_without_revealing_accounts(
    client: FlaskClient, factory: Factory, mailbox: Mailbox
) -> None:
    factory.person("waiting@council.example", verified=False)
    factory.person("done@council.example")
    pages = {}
    for email in ("waiting@council.example", "done@council.example", "nobody@council.example"):
        response = client.post("/verify-email/resend", data={"email": email})
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/check-your-email",
        )
        pages[email] = client.get("/check-your-email").text.replace(email, "X")
    assert len(set(pages.values())) == 1
    [message] = mailbox()
    assert message["To"] == "waiting@council.example"
    assert "/verify-email/" in link_in(message)


def test_the_resend_form_explains_a_missing_address(client: FlaskClient) -> None:
    assert client.get("/verify-email/resend").status_code == 200
    response = client.post("/verify-email/resend", data={"email": ""})
    assert response.status_code == 422
    assert "Enter your email address" in response.text


def test_check_your_email_without_having_asked_goes_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/check-your-email").headers["Location"] == "/sign-in"


def test_a_registered_person_starts_as_staff_only(
    client: FlaskClient, nhs: Organisation, db_session: Session
) -> None:
    register(client, "sam@nhs.example")
    person = db_session.scalar(select(Person).where(Person.email == "sam@nhs.example"))
    assert person is not None and person.grants == [] and person.active
