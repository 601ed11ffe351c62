"""Administrators give and take away roles, and the service always keeps an administrator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role, RoleGrant
from booking.accounts.people import PersonError, add_grant, remove_grant
from booking.audit.models import AuditEntry
from tests.factories import Factory


@pytest.fixture
def administrator(factory: Factory) -> Person:
    return factory.administrator(name="Ada Admin")


@pytest.fixture
def admin(administrator: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(administrator)


def _roles(db_session: Session, person: Person) -> list[tuple[Role, str]]:
    db_session.expire_all()
    return sorted((g.role, g.scope_name) for g in person.grants)


def _last_action(db_session: Session) -> str | None:
    return db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first()


def test_the_role_form_offers_active_buildings_with_their_neighbourhoods(
    admin: FlaskClient, factory: Factory
) -> None:
    marple = factory.neighbourhood(name="Marple")
    factory.building(name="Marple Library", neighbourhood=marple)
    factory.building(name="Old Depot", neighbourhood=marple, active=False)
    person = factory.person()
    page = admin.get(f"/admin/people/{person.id}/roles/new").get_data(as_text=True)
    assert "Marple Library (Marple)" in page
    assert "Old Depot" not in page
    assert 'type="radio"' in page and "Neighbourhood lead" in page


def test_an_administrator_makes_someone_a_building_manager(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    building = factory.building(name="Reddish Family Hub")
    person = factory.person()
    response = admin.post(
        f"/admin/people/{person.id}/roles/new",
        data={"role": "building_manager", "building": building.id, "neighbourhood": ""},
    )
    assert response.status_code == 302
    assert _roles(db_session, person) == [(Role.BUILDING_MANAGER, "Reddish Family Hub")]
    assert _last_action(db_session) == "grant.add"


def test_a_neighbourhood_lead_ignores_a_building_chosen_before_changing_role(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    central = factory.neighbourhood(name="Central")
    person = factory.person()
    response = admin.post(
        f"/admin/people/{person.id}/roles/new",
        data={"role": "neighbourhood_lead", "building": building.id, "neighbourhood": central.id},
    )
    assert response.status_code == 302
    assert _roles(db_session, person) == [(Role.NEIGHBOURHOOD_LEAD, "Central")]


def test_an_administrator_makes_someone_an_administrator(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    person = factory.person()
    response = admin.post(f"/admin/people/{person.id}/roles/new", data={"role": "administrator"})
    assert response.status_code == 302
    assert _roles(db_session, person) == [(Role.ADMINISTRATOR, "Everything")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a role"),
        ({"role": "emperor"}, "Select a role"),
        (
            {"role": "building_manager", "building": ""},
            "Choose the building this person will manage",
        ),
        (
            {"role": "building_manager", "building": "999999"},
            "Choose the building this person will manage",
        ),
        ({"role": "neighbourhood_lead"}, "Choose the neighbourhood this person will lead"),
    ],
)
def test_a_role_without_what_it_needs_is_explained(
    admin: FlaskClient,
    factory: Factory,
    db_session: Session,
    data: dict[str, str],
    message: str,
) -> None:
    person = factory.person()
    response = admin.post(f"/admin/people/{person.id}/roles/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert _roles(db_session, person) == []


def test_a_deactivated_building_gets_no_new_manager(factory: Factory, db_session: Session) -> None:
    building = factory.building(active=False)
    person = factory.person()
    with pytest.raises(PersonError) as refusal:
        add_grant(db_session, None, person, Role.BUILDING_MANAGER, building=building)
    assert refusal.value.field == "building"
    assert person.grants == []


def test_an_administrator_removes_a_role(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    building = factory.building(name="Cheadle Library")
    person = factory.building_manager(building)
    grant = person.grants[0]
    response = admin.post(f"/admin/people/{person.id}/roles/{grant.id}/remove")
    assert response.status_code == 302
    assert _roles(db_session, person) == []
    assert _last_action(db_session) == "grant.remove"


def test_a_role_is_removed_only_from_its_own_person(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    someone = factory.person()
    manager = factory.building_manager(factory.building())
    response = admin.post(f"/admin/people/{someone.id}/roles/{manager.grants[0].id}/remove")
    assert response.status_code == 404
    assert len(_roles(db_session, manager)) == 1


def test_administrators_cannot_remove_their_own_administrator_role(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    factory.administrator()  # another administrator exists: the rule is about oneself
    own = administrator.grants[0]
    page = admin.get(f"/admin/people/{administrator.id}").get_data(as_text=True)
    assert "remove your own administrator role" in page
    response = admin.post(f"/admin/people/{administrator.id}/roles/{own.id}/remove")
    assert response.status_code == 422
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)
    assert _roles(db_session, administrator) == [(Role.ADMINISTRATOR, "Everything")]


def test_administrators_may_remove_their_other_roles(
    admin: FlaskClient, administrator: Person, factory: Factory, db_session: Session
) -> None:
    grant = factory.grant(administrator, Role.BUILDING_MANAGER, building=factory.building())
    response = admin.post(f"/admin/people/{administrator.id}/roles/{grant.id}/remove")
    assert response.status_code == 302
    assert _roles(db_session, administrator) == [(Role.ADMINISTRATOR, "Everything")]


def test_one_administrator_removes_anothers_administrator_role(
    admin: FlaskClient, factory: Factory, db_session: Session
) -> None:
    other = factory.administrator()
    response = admin.post(f"/admin/people/{other.id}/roles/{other.grants[0].id}/remove")
    assert response.status_code == 302
    assert _roles(db_session, other) == []


def test_the_last_administrator_role_is_never_removed(
    factory: Factory, db_session: Session
) -> None:
    only = factory.administrator()
    factory.administrator(active=False)  # a deactivated administrator does not count
    with pytest.raises(PersonError, match="only administrator"):
        remove_grant(db_session, None, only.grants[0])
    assert db_session.scalars(select(RoleGrant).where(RoleGrant.person_id == only.id)).all()
