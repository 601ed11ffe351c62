"""Estates: adding, changing, deactivating and deleting spaces; history is never lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.catalogue.models import Building, Closure, Space, SpaceKind
from tests.factories import Factory


@pytest.fixture
def building(factory: Factory) -> Building:
    return factory.building(name="Riverside Hub")


@pytest.fixture
def client(
    building: Building, factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> FlaskClient:
    return sign_in(factory.building_manager(building))


def space_form(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "meeting_room",
        "name": "Riverside room",
        "capacity": "8",
        "equipment": "Screen, webcam",
        "bookable": "y",
        **overrides,
    }


def actions(db_session: Session) -> list[str]:
    return list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_manager_adds_a_space(
    client: FlaskClient, building: Building, db_session: Session
) -> None:
    response = client.post(
        f"/estates/buildings/{building.id}/spaces/new", data=space_form(accessible="y")
    )
    assert response.headers["Location"] == f"/estates/buildings/{building.id}"
    space = db_session.scalars(select(Space).where(Space.building_id == building.id)).one()
    assert (space.kind, space.name, space.capacity, space.equipment) == (
        SpaceKind.MEETING_ROOM,
        "Riverside room",
        8,
        "Screen, webcam",
    )
    assert space.accessible and space.bookable and space.active
    assert actions(db_session) == ["space.create"]


def test_a_space_name_is_unique_in_its_building(
    client: FlaskClient, building: Building, factory: Factory
) -> None:
    factory.space(building, name="Riverside room", kind=SpaceKind.MEETING_ROOM)
    response = client.post(
        f"/estates/buildings/{building.id}/spaces/new", data=space_form(name="RIVERSIDE ROOM")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already a space called RIVERSIDE ROOM in Riverside Hub" in page
    assert 'href="#name"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"capacity": "0"}, "Capacity must be a whole number from 1 to 500"),
        ({"capacity": "501"}, "Capacity must be a whole number from 1 to 500"),
        ({"capacity": "lots"}, "Capacity must be a whole number from 1 to 500"),
        ({"capacity": ""}, "Enter how many people the space holds"),
        ({"kind": "desk", "capacity": "2"}, "A desk is for one person: its capacity must be 1"),
        ({"kind": "sofa"}, "Select the type of space"),
        ({"name": ""}, "Enter the space&#39;s name"),
    ],
)
def test_a_space_with_bad_details_is_not_added(
    overrides: dict[str, str],
    message: str,
    client: FlaskClient,
    building: Building,
    db_session: Session,
) -> None:
    response = client.post(
        f"/estates/buildings/{building.id}/spaces/new", data=space_form(**overrides)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.scalars(select(Space).where(Space.building_id == building.id)).first() is None


def test_changing_a_space_records_what_changed(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    space = factory.space(building, name="Desk 1")
    page = client.get(f"/estates/spaces/{space.id}/edit").get_data(as_text=True)
    assert 'value="Desk 1"' in page
    response = client.post(
        f"/estates/spaces/{space.id}/edit",
        data=space_form(kind="desk", name="Desk 1", capacity="1", equipment="Monitor"),
    )
    assert response.status_code == 302
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "space.update"))
    assert entry.changes == {"equipment": ["", "Monitor"]}


def test_a_space_nothing_refers_to_can_be_deleted(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    space_id = factory.space(building).id
    assert "Delete space" in client.get(f"/estates/spaces/{space_id}/delete").get_data(as_text=True)
    client.post(f"/estates/spaces/{space_id}/delete")
    db_session.expire_all()
    assert db_session.get(Space, space_id) is None
    assert actions(db_session) == ["space.delete"]


def test_a_space_with_a_closure_is_deactivated_not_deleted_and_keeps_its_history(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    space = factory.space(building)
    closure = factory.closure(space=space)
    page = client.get(f"/estates/spaces/{space.id}/delete").get_data(as_text=True)
    assert "cannot be deleted because it has closures" in page
    assert "It will be deactivated instead, keeping its history" in page
    client.post(f"/estates/spaces/{space.id}/delete")
    db_session.expire_all()
    assert space.active is False
    assert db_session.get(Closure, closure.id).space_id == space.id  # type: ignore[union-attr]
    assert actions(db_session) == ["space.deactivate"]
    assert "Deactivated" in client.get(f"/estates/buildings/{building.id}").get_data(as_text=True)


def test_a_space_can_be_deactivated_and_reactivated(
    client: FlaskClient, building: Building, factory: Factory, db_session: Session
) -> None:
    space = factory.space(building)
    assert "Deactivate space" in client.get(f"/estates/spaces/{space.id}/deactivate").get_data(
        as_text=True
    )
    client.post(f"/estates/spaces/{space.id}/deactivate")
    db_session.expire_all()
    assert space.active is False
    client.post(f"/estates/spaces/{space.id}/reactivate")
    db_session.expire_all()
    assert space.active is True
    assert actions(db_session) == ["space.deactivate", "space.reactivate"]
