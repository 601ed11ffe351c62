"""The demo data: a realistic catalogue and one person for each role, loaded idempotently."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from booking.accounts.models import Person, Role
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Building, BuildingAccess, Neighbourhood, Organisation, Space
from booking.demo import data
from booking.feedback.models import ProblemReport, SpaceRating
from booking.timezones import now, today
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

    people = {
        p.email: p
        for p in db_session.scalars(select(Person).where(Person.password_hash.is_not(None)))
    }
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
    assert _count(db_session, Booking) == 0


def test_demo_sign_ins_prints_the_accounts(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed-demo", "--password", "another-demo-pw"])
    result = runner.invoke(args=["demo-sign-ins"])
    assert "another-demo-pw" in result.output
    for person in data.PEOPLE:
        assert person.email in result.output


def test_seed_demo_loads_a_booking_history_by_colleagues_who_cannot_sign_in(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    colleagues = db_session.scalars(select(Person).where(Person.password_hash.is_(None))).all()
    assert 50 <= len(colleagues) <= 70
    starts = db_session.scalars(select(Booking.starts_at)).all()
    assert min(starts) < now() - timedelta(weeks=7) and max(starts) > now() + timedelta(weeks=1)
    statuses = set(db_session.scalars(select(Booking.status).distinct()))
    assert statuses == {BookingStatus.ACTIVE, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}
    assert not db_session.scalar(
        select(func.count()).where(Booking.starts_at > now(), Booking.checked_in_at.is_not(None))
    )
    assert _count(db_session, SpaceRating) > 0
    problems = db_session.scalars(select(ProblemReport)).all()
    assert len(problems) == 2 and all(p.is_open and p.created_at <= now() for p in problems)


def test_seed_demo_bookings_keep_every_rule_the_database_enforces(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    runner.invoke(args=["seed-demo"])

    other = aliased(Booking)
    overlapping = (
        select(func.count())
        .select_from(Booking)
        .join(
            other,
            (other.id != Booking.id)
            & (other.starts_at < Booking.ends_at)
            & (Booking.starts_at < other.ends_at),
        )
        .where(Booking.status == BookingStatus.ACTIVE, other.status == BookingStatus.ACTIVE)
    )
    assert db_session.scalar(overlapping.where(other.space_id == Booking.space_id)) == 0
    same_person_at_two_desks = overlapping.where(
        other.person_id == Booking.person_id, Booking.is_desk, other.is_desk
    )
    assert db_session.scalar(same_person_at_two_desks) == 0


def test_seed_demo_adds_no_bookings_the_second_time(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    runner.invoke(args=["seed-demo"])
    counts = [_count(db_session, m) for m in (Booking, Person)]

    again = runner.invoke(args=["seed-demo"])

    assert "added 0 bookings" in again.output
    assert [_count(db_session, m) for m in (Booking, Person)] == counts


def test_the_demo_usage_report_for_last_week_is_not_all_zeros(
    runner: FlaskCliRunner, db_session: Session, sign_in: Callable[[Person], FlaskClient]
) -> None:
    runner.invoke(args=["seed-demo"])
    admin = db_session.scalar(select(Person).where(Person.email == "admin@council.example"))
    assert admin is not None

    last_week = today() - timedelta(days=7)
    response = sign_in(admin).get("/reports/", query_string={"period": "week", "date": last_week})

    html = response.get_data(as_text=True)
    utilisation = re.search(r"(\d+)% of available hours booked", html)
    assert utilisation is not None and int(utilisation.group(1)) > 0


def test_the_demo_nurse_has_an_upcoming_desk_in_reddish(
    runner: FlaskCliRunner, db_session: Session, sign_in: Callable[[Person], FlaskClient]
) -> None:
    runner.invoke(args=["seed-demo"])
    nurse = db_session.scalar(select(Person).where(Person.email == "nurse@nhs.example"))
    assert nurse is not None

    html = sign_in(nurse).get("/bookings").get_data(as_text=True)

    upcoming = html.split(">Upcoming<", 1)[1].split(">Past and cancelled<", 1)[0]
    assert "Reddish" in upcoming
