"""Administrators keep the organisations and the email domains their staff register from."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.catalogue.models import (
    BuildingAccess,
    Organisation,
    OrganisationDomain,
    OrganisationType,
)
from booking.catalogue.organisations import (
    OrganisationError,
    add_domain,
    create_organisation,
    delete_organisation,
    is_referenced,
    normalise_domain,
    update_organisation,
)
from tests.factories import Factory


@pytest.fixture
def admin(factory: Factory, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(factory.administrator())


def _actions(db_session: Session) -> list[str]:
    return list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# Organisations


def test_an_administrator_adds_an_organisation(admin: FlaskClient, db_session: Session) -> None:
    response = admin.post(
        "/admin/organisations/new", data={"name": "  Age UK   Stockport ", "type": "vcfse"}
    )
    assert response.status_code == 302
    organisation = db_session.scalars(
        select(Organisation).where(Organisation.name == "Age UK Stockport")
    ).one()
    assert organisation.type is OrganisationType.VCFSE
    assert organisation.active
    assert response.headers["Location"].endswith(f"/admin/organisations/{organisation.id}")
    assert _actions(db_session)[-1] == "organisation.create"


def test_the_type_is_offered_as_labelled_radios(admin: FlaskClient) -> None:
    page = admin.get("/admin/organisations/new").get_data(as_text=True)
    assert 'type="radio"' in page
    assert "Voluntary, community, faith or social enterprise" in page


def test_an_organisation_name_is_unique_whatever_its_case(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="Stockport Council")
    response = admin.post(
        "/admin/organisations/new", data={"name": "stockport council", "type": "council"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert "There is already an organisation called Stockport Council" in page
    assert "<title>Error: " in page
    assert (
        db_session.scalar(select(Organisation).where(Organisation.name == "stockport council"))
        is None
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "type": "council"}, "Enter the organisation&#39;s name"),
        ({"name": "Health"}, "Select the type of organisation"),
        ({"name": "Health", "type": "pirates"}, "Select the type of organisation"),
        ({"name": "x" * 201, "type": "health"}, "must be 200 characters or fewer"),
    ],
)
def test_bad_organisation_details_are_explained(
    admin: FlaskClient, data: dict[str, str], message: str
) -> None:
    response = admin.post("/admin/organisations/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_administrator_renames_an_organisation_and_the_change_is_audited(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(name="NHS Stockport", type=OrganisationType.HEALTH)
    response = admin.post(
        f"/admin/organisations/{organisation.id}/edit",
        data={"name": "Stockport NHS Foundation Trust", "type": "health"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert organisation.name == "Stockport NHS Foundation Trust"
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "organisation.update"
    assert entry.changes == {"name": ["NHS Stockport", "Stockport NHS Foundation Trust"]}


def test_keeping_an_organisation_name_is_not_a_clash(factory: Factory, db_session: Session) -> None:
    organisation = factory.organisation(name="Life Leisure")
    update_organisation(
        db_session, None, organisation, name="Life Leisure", type=OrganisationType.LEISURE
    )
    assert organisation.type is OrganisationType.LEISURE


def test_renaming_to_another_organisations_name_is_refused(
    factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="Stockport Homes")
    organisation = factory.organisation(name="Housing partner")
    with pytest.raises(OrganisationError) as refusal:
        update_organisation(
            db_session, None, organisation, name="STOCKPORT HOMES", type=OrganisationType.HOUSING
        )
    assert refusal.value.field == "name"
    assert organisation.name == "Housing partner"


def test_the_organisation_list_shows_types_domains_and_people(
    admin: FlaskClient, factory: Factory
) -> None:
    organisation = factory.organisation(
        name="Greater Manchester Police",
        type=OrganisationType.POLICE,
        domains=("gmp.police.uk", "police.example"),
    )
    factory.person(organisation=organisation)
    factory.person(organisation=organisation)
    page = admin.get("/admin/organisations").get_data(as_text=True)
    assert "Greater Manchester Police" in page
    assert "Police · 2 people" in page
    assert "gmp.police.uk, police.example" in page


def test_deactivating_an_organisation_keeps_its_people(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation()
    person = factory.person(organisation=organisation)
    assert admin.post(f"/admin/organisations/{organisation.id}/deactivate").status_code == 302
    db_session.expire_all()
    assert not organisation.active
    assert person.active and person.organisation is organisation
    assert "Reactivate organisation" in admin.get(
        f"/admin/organisations/{organisation.id}"
    ).get_data(as_text=True)

    assert admin.post(f"/admin/organisations/{organisation.id}/reactivate").status_code == 302
    db_session.expire_all()
    assert organisation.active
    assert _actions(db_session)[-2:] == ["organisation.deactivate", "organisation.reactivate"]


# Email domains


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("nhs.net", "nhs.net"),
        ("@NHS.net", "nhs.net"),
        ("  Stockport.GOV.uk ", "stockport.gov.uk"),
        ("age-uk.org.uk.", "age-uk.org.uk"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_a_domain_is_stored_in_lower_case_without_its_at(raw: str, domain: str) -> None:
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "nhs",
        "https://nhs.net",
        "nhs.net/staff",
        "nhs .net",
        "sam@nhs.net",
        "-nhs.net",
        "nhs..net",
        "192.168.1.1",
        "nhs_trust.net",
        "bücher.example",
        "a" * 64 + ".example",
    ],
)
def test_a_domain_that_does_not_look_real_is_refused(raw: str) -> None:
    with pytest.raises(OrganisationError) as refusal:
        normalise_domain(raw)
    assert refusal.value.field == "domain"


def test_an_administrator_adds_a_domain(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(domains=())
    response = admin.post(
        f"/admin/organisations/{organisation.id}", data={"domain": "@Pennine.example"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert [d.domain for d in organisation.domains] == ["pennine.example"]
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "domain.add"
    assert entry.subject_type == "organisation" and entry.subject_id == organisation.id


def test_a_domain_belongs_to_one_organisation_only(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="NHS Stockport", domains=("nhs.example",))
    other = factory.organisation(name="Pennine Care", domains=())
    response = admin.post(f"/admin/organisations/{other.id}", data={"domain": "NHS.example"})
    assert response.status_code == 422
    assert "nhs.example already belongs to NHS Stockport" in response.get_data(as_text=True)
    db_session.expire_all()
    assert other.domains == []


def test_adding_a_domain_twice_is_explained(factory: Factory, db_session: Session) -> None:
    organisation = factory.organisation(name="Marple Men's Shed", domains=("shed.example",))
    with pytest.raises(OrganisationError, match="Marple Men's Shed already has the domain"):
        add_domain(db_session, None, organisation, "shed.example")


def test_a_bad_domain_is_explained_beside_the_field(admin: FlaskClient, factory: Factory) -> None:
    organisation = factory.organisation()
    response = admin.post(
        f"/admin/organisations/{organisation.id}", data={"domain": "http://nhs.net/"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#domain"' in page
    assert "Enter only the part of the email address after the @" in page


def test_removing_a_domain_asks_first_then_removes_it(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(domains=("old.example", "new.example"))
    old = next(d for d in organisation.domains if d.domain == "old.example")
    url = f"/admin/organisations/{organisation.id}/domains/{old.id}/remove"
    confirmation = admin.get(url)
    assert confirmation.status_code == 200
    assert "Remove old.example?" in confirmation.get_data(as_text=True)

    assert admin.post(url).status_code == 302
    db_session.expire_all()
    assert [d.domain for d in organisation.domains] == ["new.example"]
    assert _actions(db_session)[-1] == "domain.remove"


def test_a_domain_is_removed_only_through_its_own_organisation(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation()
    other = factory.organisation(domains=("theirs.example",))
    url = f"/admin/organisations/{organisation.id}/domains/{other.domains[0].id}/remove"
    assert admin.post(url).status_code == 404
    assert db_session.scalar(
        select(OrganisationDomain).where(OrganisationDomain.domain == "theirs.example")
    )


# Deleting


def test_an_organisation_nothing_refers_to_can_be_deleted(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(name="Typo Ltd", domains=("typo.example",))
    organisation_id = organisation.id
    assert admin.get(f"/admin/organisations/{organisation_id}/delete").status_code == 200
    response = admin.post(f"/admin/organisations/{organisation_id}/delete")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Organisation, organisation_id) is None
    assert (
        db_session.scalar(
            select(OrganisationDomain).where(OrganisationDomain.domain == "typo.example")
        )
        is None
    )
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "organisation.delete"
    assert entry.subject_id == organisation_id
    assert entry.changes["domains"] == ["typo.example", None]


@pytest.mark.parametrize("referrer", ["a person", "a building it owns", "a building's access list"])
def test_an_organisation_anything_refers_to_is_only_deactivated(
    referrer: str, admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation()
    if referrer == "a person":
        factory.person(organisation=organisation)
    elif referrer == "a building it owns":
        factory.building(owner=organisation)
    else:
        factory.building(access=BuildingAccess.LISTED, allowed_organisations=[organisation])
    assert is_referenced(db_session, organisation)

    page = admin.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "Delete organisation" not in page
    assert "cannot be deleted, only deactivated" in page
    explanation = admin.get(f"/admin/organisations/{organisation.id}/delete")
    assert "You cannot delete" in explanation.get_data(as_text=True)

    response = admin.post(f"/admin/organisations/{organisation.id}/delete")
    assert response.status_code == 422
    assert "Deactivate it instead" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Organisation, organisation.id) is not None
    assert "organisation.delete" not in _actions(db_session)


def test_the_service_refuses_to_delete_a_referenced_organisation(
    factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation()
    factory.person(organisation=organisation)
    with pytest.raises(OrganisationError, match="Deactivate it instead"):
        delete_organisation(db_session, None, organisation)


def test_a_new_organisation_refers_to_nothing(db_session: Session) -> None:
    organisation = create_organisation(
        db_session, None, name="Brand new", type=OrganisationType.OTHER
    )
    add_domain(db_session, None, organisation, "brand-new.example")
    assert not is_referenced(db_session, organisation)
