"""Administrators find people, correct their details, and sign them out or deactivate them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.people import (
    PeopleFilter,
    PersonError,
    deactivate_person,
    search_people,
    update_person,
)
from booking.audit.models import AuditEntry
from tests.factories import Factory


@pytest.fixture
def administrator(factory: Factory) -> Person:
    return factory.administrator(name="Ada Admin")


@pytest.fixture
def admin(administrator: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(administrator)


def signed_in_elsewhere(app: Flask, person: Person) -> FlaskClient:
    """Another browser, signed in as `person`: their own phone, say."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    return client


def _last_entry(db_session: Session) -> AuditEntry:
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    return entry


def _names(page: str) -> list[str]:
    return re.findall(
        r'class="app-card__title"><a class="govuk-link" href="[^"]+">([^<]+)</a>', page
    )


# Finding people


@pytest.fixture
def people(factory: Factory) -> dict[str, Person]:
    nhs = factory.organisation(name="NHS", domains=("nhs.example",))
    police = factory.organisation(name="Police", domains=("police.example",))
    return {
        "nurse": factory.person("nina.nurse@nhs.example", name="Nina Nurse", organisation=nhs),
        "doctor": factory.person(
            "dev.doctor@nhs.example", name="Dev Doctor", organisation=nhs, verified=False
        ),
        "officer": factory.person(
            "olu@police.example", name="Olu Officer", organisation=police, active=False
        ),
        "lead": factory.neighbourhood_lead(
            factory.neighbourhood(),
            name="Lee Lead",
            email="lee@police.example",
            organisation=police,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "nurse"}, ["Nina Nurse"]),
        ({"q": "NINA"}, ["Nina Nurse"]),
        ({"q": "police.EXAMPLE"}, ["Lee Lead", "Olu Officer"]),
        ({"q": "%"}, []),
        ({"role": "neighbourhood_lead"}, ["Lee Lead"]),
        ({"status": "awaiting_verification"}, ["Dev Doctor"]),
        ({"status": "deactivated"}, ["Olu Officer"]),
        ({"status": ["deactivated", "awaiting_verification"]}, []),
        (
            {"role": "nonsense", "organisation": "abc"},
            ["Ada Admin", "Dev Doctor", "Lee Lead", "Nina Nurse", "Olu Officer"],
        ),
    ],
)
def test_people_are_found_by_name_email_role_and_state(
    admin: FlaskClient, people: dict[str, Person], query: dict[str, Any], expected: list[str]
) -> None:
    response = admin.get("/admin/people", query_string=query)
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == expected


def test_people_are_found_by_organisation(admin: FlaskClient, people: dict[str, Person]) -> None:
    nhs = people["nurse"].organisation
    page = admin.get("/admin/people", query_string={"organisation": nhs.id}).get_data(as_text=True)
    assert _names(page) == ["Dev Doctor", "Nina Nurse"]
    assert f'<option value="{nhs.id}" selected>NHS</option>' in page


def test_the_people_list_is_paginated_by_name(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(name="Many")
    for n in range(30):
        factory.person(name=f"Zed {n:02d}", organisation=organisation)
    first = admin.get("/admin/people", query_string={"organisation": organisation.id})
    page = first.get_data(as_text=True)
    assert _names(page) == [f"Zed {n:02d}" for n in range(25)]
    assert "Showing 1 to 25 of 30 people" in page
    assert "govuk-pagination" in page
    assert f"organisation={organisation.id}" in page and "page=2" in page

    second = admin.get(
        "/admin/people", query_string={"organisation": organisation.id, "page": 2}
    ).get_data(as_text=True)
    assert _names(second) == [f"Zed {n:02d}" for n in range(25, 30)]
    assert admin.get("/admin/people", query_string={"page": 9}).status_code == 404
    assert admin.get("/admin/people", query_string={"page": "x"}).status_code == 200


def test_the_people_list_takes_the_same_queries_however_many_people(
    admin: FlaskClient, factory: Factory, count_queries: Callable[[], Any]
) -> None:
    with count_queries() as few:
        assert admin.get("/admin/people").status_code == 200
    building = factory.building()
    for n in range(20):
        person = factory.building_manager(building, name=f"Manager {n}")
        factory.grant(person, Role.NEIGHBOURHOOD_LEAD, neighbourhood=building.neighbourhood)
    with count_queries() as many:
        assert admin.get("/admin/people").status_code == 200
    assert len(many) == len(few)


def test_the_search_service_escapes_wildcards(factory: Factory, db_session: Session) -> None:
    factory.person(name="100% Sam")
    factory.person(name="Sam Other")
    found, total = search_people(db_session, PeopleFilter(text="100%"))
    assert [p.name for p in found] == ["100% Sam"] and total == 1


# A person's page


def test_a_persons_page_shows_their_details_and_roles(admin: FlaskClient, factory: Factory) -> None:
    building = factory.building(name="Marple Library")
    person = factory.building_manager(
        building, name="Bea Manager", email="bea@council.example", verified=False
    )
    page = admin.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "bea@council.example" in page
    assert person.organisation.name in page
    assert "No, awaiting verification" in page
    assert "Never" in page
    assert "Marple Library" in page
    assert "Mark email as verified" in page
    assert "Sign out of all devices" in page
    assert admin.get("/admin/people/999999").status_code == 404


def test_an_administrator_corrects_a_persons_name_and_organisation(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person(name="Jo Bloggs")
    new_home = factory.organisation(name="Age UK")
    response = admin.post(
        f"/admin/people/{person.id}/edit", data={"name": "Jo Blogs", "organisation": new_home.id}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert person.name == "Jo Blogs" and person.organisation is new_home
    entry = _last_entry(db_session)
    assert entry.action == "person.update"
    assert entry.changes["name"] == ["Jo Bloggs", "Jo Blogs"]
    assert entry.changes["organisation"][1] == "Age UK"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "   "}, "Enter the person&#39;s full name"),
        ({"name": "Jo"}, "Select the person&#39;s organisation"),
        ({"name": "Jo", "organisation": "999999"}, "Select the person&#39;s organisation"),
    ],
)
def test_bad_person_details_are_explained(
    admin: FlaskClient,
    factory: Factory,
    db_session: Session,
    data: dict[str, str],
    message: str,
) -> None:
    person = factory.person(name="Jo Bloggs")
    response = admin.post(f"/admin/people/{person.id}/edit", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db_session.expire_all()
    assert person.name == "Jo Bloggs"


def test_nobody_is_moved_into_a_deactivated_organisation(
    factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    closed = factory.organisation(name="Closed", active=False)
    with pytest.raises(PersonError) as refusal:
        update_person(db_session, None, person, name="New name", organisation=closed)
    assert refusal.value.field == "organisation"
    assert person.name != "New name"


def test_an_administrator_verifies_an_email_whose_message_went_astray(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person(verified=False)
    assert admin.post(f"/admin/people/{person.id}/verify").status_code == 302
    db_session.expire_all()
    assert person.email_verified_at is not None
    assert _last_entry(db_session).action == "person.verify"


# Signing out and deactivating


def test_deactivating_a_person_signs_them_out_at_once(
    app: Flask, admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    their_phone = signed_in_elsewhere(app, person)
    assert their_phone.get("/").status_code == 200

    confirmation = admin.get(f"/admin/people/{person.id}/deactivate")
    assert "signed out of all devices" in confirmation.get_data(as_text=True)
    assert admin.post(f"/admin/people/{person.id}/deactivate").status_code == 302

    response = their_phone.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    db_session.expire_all()
    assert not person.active
    assert _last_entry(db_session).action == "person.deactivate"


def test_a_reactivated_person_signs_in_afresh(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person(active=False)
    assert admin.post(f"/admin/people/{person.id}/reactivate").status_code == 302
    db_session.expire_all()
    assert person.active
    assert _last_entry(db_session).action == "person.reactivate"


def test_signing_a_person_out_of_all_devices(
    app: Flask, admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    phone = signed_in_elsewhere(app, person)
    laptop = signed_in_elsewhere(app, person)
    assert admin.post(f"/admin/people/{person.id}/sign-out").status_code == 302
    for device in (phone, laptop):
        assert device.get("/").status_code == 302
    db_session.expire_all()
    assert person.active
    assert _last_entry(db_session).action == "person.sign_out"
    assert signed_in_elsewhere(app, person).get("/").status_code == 200


def test_administrators_cannot_deactivate_themselves(
    admin: FlaskClient, administrator: Person, db_session: Session
) -> None:
    page = admin.get(f"/admin/people/{administrator.id}").get_data(as_text=True)
    assert "You cannot deactivate it" in page
    response = admin.post(f"/admin/people/{administrator.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    db_session.expire_all()
    assert administrator.active
    assert admin.get("/admin/").status_code == 200


def test_the_only_active_administrator_is_never_deactivated(
    factory: Factory, db_session: Session
) -> None:
    only = factory.administrator()
    factory.administrator(active=False)
    with pytest.raises(PersonError, match="only administrator"):
        deactivate_person(db_session, None, only)
    assert only.active
