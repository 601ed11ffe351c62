"""The demo data: a realistic catalogue and one person for each role, loaded idempotently."""

from __future__ import annotations

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.catalogue.models import Building, BuildingAccess, Neighbourhood, Organisation, Space
from booking.demo import data
from tests.factories import Factory


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_demo_loads_stockport_and_a_person_for_each_role(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-demo", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    assert "admin@council.example" in result.output and "demo-password-1" in result.output

    names = set(db_session.scalars(select(Neighbourhood.name)))
    assert names == {
        "Heatons & Reddish",
        "Bramhall & Cheadle Hulme South",
        "Central",
        "Cheadle",
        "Werneth",
        "Stepping Hill",
        "Marple",
    }
    assert 20 <= _count(db_session, Building) <= 30
    assert 140 <= _count(db_session, Space) <= 180
    assert 8 <= _count(db_session, Organisation) <= 12
    assert all(db_session.scalars(select(Building.is_demo)))
    assert db_session.scalar(select(func.count()).where(Building.access == BuildingAccess.LISTED))

    people = {p.email: p for p in db_session.scalars(select(Person))}
    assert set(people) == {p.email for p in data.PEOPLE}
    assert people["admin@council.example"].is_administrator
    estates = people["estates@council.example"]
    council_buildings = db_session.scalars(
        select(Building.id).join(Building.owner).where(Organisation.name == data.COUNCIL)
    ).all()
    assert estates.managed_building_ids() == set(council_buildings)
    lead = people["lead.central@council.example"]
    assert [(g.role, g.neighbourhood.slug) for g in lead.grants] == [
        (Role.NEIGHBOURHOOD_LEAD, "central")
    ]
    for email in ("nurse@nhs.example", "officer@police.example", "worker@community.example"):
        assert people[email].grants == [] and people[email].is_active


def test_seed_demo_can_run_again_without_duplicating_anything(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    runner.invoke(args=["seed-demo"])
    counts = [_count(db_session, m) for m in (Building, Space, Person, Organisation)]
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "added 0 neighbourhoods, 0 organisations, 0 buildings, 0 spaces and 0 people" in (
        again.output
    )
    assert [_count(db_session, m) for m in (Building, Space, Person, Organisation)] == counts


def test_seed_demo_if_empty_leaves_an_existing_catalogue_alone(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.building()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already has buildings" in result.output
    assert _count(db_session, Person) == 0


def test_demo_sign_ins_prints_the_accounts(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed-demo", "--password", "another-demo-pw"])
    result = runner.invoke(args=["demo-sign-ins"])
    assert "another-demo-pw" in result.output
    for person in data.PEOPLE:
        assert person.email in result.output
