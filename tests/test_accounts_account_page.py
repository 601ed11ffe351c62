"""The account page: who you are, your roles, changing your name and password."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.passwords import check_password
from booking.audit.models import AuditEntry
from tests.factories import PASSWORD, Factory

SignIn = Callable[[Person], FlaskClient]
NEW_PASSWORD = "a brand new password"


def audit_actions(db_session: Session, person: Person) -> list[str]:
    return list(
        db_session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "person", AuditEntry.subject_id == person.id)
            .order_by(AuditEntry.id)
        )
    )


def test_the_account_page_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_account_page_shows_who_you_are_and_every_role(
    factory: Factory, sign_in: SignIn
) -> None:
    library = factory.building(name="Reddish Library")
    central = factory.neighbourhood(name="Central")
    organisation = factory.organisation(name="Stockport Council")
    person = factory.building_manager(
        library, name="Sam Jones", email="sam@council.example", organisation=organisation
    )
    factory.grant(person, Role.ADMINISTRATOR)
    factory.grant(person, Role.NEIGHBOURHOOD_LEAD, neighbourhood=central)
    page = sign_in(person).get("/account").text
    assert '<h1 class="govuk-heading-l">Your account</h1>' in page
    for text in (
        "Sam Jones",
        "sam@council.example",
        "Stockport Council",
        "Staff",
        "Administrator",
        "Building manager — Reddish Library",
        "Neighbourhood lead — Central",
        "Sign out everywhere",
    ):
        assert text in page
    assert 'href="/account/name"' in page and 'href="/account/password"' in page


def test_a_person_can_change_their_name(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person(name="Sam Jones")
    client = sign_in(person)
    form = client.get("/account/name").text
    assert 'value="Sam Jones"' in form
    response = client.post("/account/name", data={"name": "  Samantha   Jones "})
    assert response.headers["Location"] == "/account"
    assert "Samantha Jones" in client.get("/account").text
    db_session.expire_all()
    assert person.name == "Samantha Jones"
    assert audit_actions(db_session, person) == ["person.update"]


def test_a_blank_name_is_explained(factory: Factory, sign_in: SignIn) -> None:
    client = sign_in(factory.person())
    response = client.post("/account/name", data={"name": "   "})
    assert response.status_code == 422
    assert "Enter your full name" in response.text


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(
    app: Flask, factory: Factory, db_session: Session
) -> None:
    person = factory.person("sam@council.example")
    here, elsewhere = app.test_client(), app.test_client()
    for browser in (here, elsewhere):
        browser.post("/sign-in", data={"email": "sam@council.example", "password": PASSWORD})
    response = here.post(
        "/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/account"
    assert "Your password has been changed" in here.get("/account").text
    assert elsewhere.get("/account").status_code == 302
    db_session.expire_all()
    assert person.password_hash is not None and check_password(person.password_hash, NEW_PASSWORD)
    assert person.session_version == 2
    assert audit_actions(db_session, person) == ["person.password_change"]


def test_changing_the_password_renews_the_remember_me_cookie(app: Flask, factory: Factory) -> None:
    factory.person("sam@council.example")
    here = app.test_client()
    here.post(
        "/sign-in",
        data={"email": "sam@council.example", "password": PASSWORD, "remember": "y"},
    )
    old = here.get_cookie("remember_token")
    here.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD})
    new = here.get_cookie("remember_token")
    assert old is not None and new is not None and new.value != old.value
    later = app.test_client()
    later.set_cookie("remember_token", new.value, domain="localhost")
    assert later.get("/account").status_code == 200


def test_a_wrong_current_password_changes_nothing(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person()
    client = sign_in(person)
    response = client.post(
        "/account/password", data={"current_password": "not it", "password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert "Your current password is not correct" in response.text
    assert "<title>Error: Change your password" in response.text
    db_session.expire_all()
    assert person.session_version == 1
    assert audit_actions(db_session, person) == []


def test_the_new_password_follows_the_rules(factory: Factory, sign_in: SignIn) -> None:
    client = sign_in(factory.person())
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": "short"}
    )
    assert response.status_code == 422
    assert "Password must be 10 characters or more" in response.text


def test_sign_out_everywhere_is_recorded(
    factory: Factory, sign_in: SignIn, db_session: Session
) -> None:
    person = factory.person()
    sign_in(person).post("/account/sign-out-everywhere")
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.subject_id == person.id)).all()
    assert [(e.action, e.actor_id) for e in entries] == [("person.sign_out", person.id)]
