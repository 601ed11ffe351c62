"""Administrators read the audit log: who changed what, and when."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.people import sign_out_everywhere
from booking.accounts.roles import grant_role
from booking.admin.audit_views import describe_changes
from booking.audit.models import AuditEntry
from booking.audit.services import record
from booking.catalogue.models import OrganisationType
from booking.catalogue.organisations import create_organisation, update_organisation
from tests.factories import Factory


@pytest.fixture
def administrator(factory: Factory) -> Person:
    return factory.administrator(name="Ada Admin")


@pytest.fixture
def admin(administrator: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(administrator)


def _summaries(page: str) -> list[str]:
    return re.findall(r'<h2 class="app-card__title">([^<]+)</h2>', page)


def test_changes_are_shown_newest_first_with_who_and_when(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    organisation = create_organisation(
        db_session, administrator, name="Stockport Homes", type=OrganisationType.HOUSING
    )
    update_organisation(
        db_session,
        administrator,
        organisation,
        name="Stockport Homes Group",
        type=OrganisationType.HOUSING,
    )
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    entry.at = datetime(2030, 7, 1, 8, 30, tzinfo=UTC)  # 9:30am in London (summer time)
    db_session.flush()

    page = admin.get("/admin/audit").get_data(as_text=True)
    assert _summaries(page)[:2] == [
        "Changed the organisation Stockport Homes Group",
        "Added the organisation Stockport Homes",
    ]
    assert "Monday 1 July 2030, 9:30am by Ada Admin" in page
    assert "Stockport Homes" in page and "Stockport Homes Group" in page
    assert "→" in page and "What changed" in page


def test_the_log_is_filtered_by_kind_of_thing(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    create_organisation(db_session, administrator, name="Age UK", type=OrganisationType.VCFSE)
    sign_out_everywhere(db_session, administrator, factory.person(name="Lost Phone"))
    db_session.flush()

    people = admin.get("/admin/audit", query_string={"kind": "person"}).get_data(as_text=True)
    assert _summaries(people) == ["Signed Lost Phone out of all devices"]
    organisations = admin.get("/admin/audit", query_string={"kind": "organisation"})
    assert _summaries(organisations.get_data(as_text=True)) == ["Added the organisation Age UK"]
    assert '<option value="person" selected>People and their roles</option>' in people


def test_the_log_is_filtered_by_who_made_the_change(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    other = factory.administrator(name="Bo Admin")
    create_organisation(db_session, administrator, name="Mine", type=OrganisationType.OTHER)
    create_organisation(db_session, other, name="Theirs", type=OrganisationType.OTHER)
    db_session.flush()

    page = admin.get("/admin/audit", query_string={"actor": other.id}).get_data(as_text=True)
    assert _summaries(page) == ["Added the organisation Theirs"]
    assert f'<option value="{other.id}" selected>Bo Admin' in page


def test_nonsense_filters_are_ignored(
    admin: FlaskClient, administrator: Person, db_session: Session
) -> None:
    create_organisation(db_session, administrator, name="Kept", type=OrganisationType.OTHER)
    db_session.flush()
    response = admin.get("/admin/audit", query_string={"actor": "abc", "page": "-3"})
    assert response.status_code == 200
    assert "Added the organisation Kept" in response.get_data(as_text=True)


def test_the_log_is_paginated(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    for n in range(55):
        record(db_session, administrator, "person.sign_out", person, f"Entry {n:02d}")
    db_session.flush()
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert len(_summaries(first)) == 50
    assert "Showing 1 to 50 of 55 changes" in first
    second = admin.get("/admin/audit", query_string={"page": 2}).get_data(as_text=True)
    assert len(_summaries(second)) == 5
    assert admin.get("/admin/audit", query_string={"page": 3}).status_code == 404


def test_every_change_made_through_the_admin_pages_is_recorded(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    person = factory.person(verified=False)
    building = factory.building()
    organisation = factory.organisation(domains=())
    steps = [
        (f"/admin/organisations/{organisation.id}", {"domain": "new.example"}),
        (f"/admin/organisations/{organisation.id}/edit", {"name": "Renamed", "type": "other"}),
        (f"/admin/organisations/{organisation.id}/deactivate", {}),
        (f"/admin/organisations/{organisation.id}/reactivate", {}),
        (f"/admin/people/{person.id}/verify", {}),
        (f"/admin/people/{person.id}/edit", {"name": "New Name", "organisation": organisation.id}),
        (
            f"/admin/people/{person.id}/roles/new",
            {"role": "building_manager", "building": building.id},
        ),
        (f"/admin/people/{person.id}/sign-out", {}),
        (f"/admin/people/{person.id}/deactivate", {}),
        (f"/admin/people/{person.id}/reactivate", {}),
    ]
    for url, data in steps:
        assert admin.post(url, data=data).status_code == 302, url
    actions = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.actor_id == administrator.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "domain.add",
        "organisation.update",
        "organisation.deactivate",
        "organisation.reactivate",
        "person.verify",
        "person.update",
        "grant.add",
        "person.sign_out",
        "person.deactivate",
        "person.reactivate",
    ]


def test_a_creation_lists_the_whole_record_and_an_update_old_and_new(
    factory: Factory, db_session: Session
) -> None:
    creation = AuditEntry(
        action="building.create", changes={"name": "Hub", "organisations": ["A", "B"], "wifi": True}
    )
    update = AuditEntry(
        action="building.update", changes={"name": ["Hub", "Family Hub"], "notes": [None, "x"]}
    )
    assert [(c.field, c.old, c.new) for c in describe_changes(creation)] == [
        ("Name", None, "Hub"),
        ("Organisations", None, "A, B"),
        ("Wifi", None, "Yes"),
    ]
    assert [(c.field, c.old, c.new) for c in describe_changes(update)] == [
        ("Name", "Hub", "Family Hub"),
        ("Notes", "(none)", "x"),
    ]


def test_role_changes_appear_under_people(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    person = factory.person(name="Nia")
    grant_role(db_session, administrator, person, Role.ADMINISTRATOR)
    db_session.flush()
    page = admin.get("/admin/audit", query_string={"kind": "person"}).get_data(as_text=True)
    assert _summaries(page) == ["Nia made an administrator"]
