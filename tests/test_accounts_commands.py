"""The account commands: create-user, set-password, deactivate-user, reactivate-user."""

from __future__ import annotations

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.passwords import check_password
from booking.audit.models import AuditEntry
from tests.factories import Factory

PASSWORD = "an operator's password"


def person_called(db_session: Session, email: str) -> Person:
    db_session.expire_all()
    person = db_session.scalar(select(Person).where(Person.email == email))
    assert person is not None
    return person


def people(db_session: Session) -> int:
    return db_session.scalar(select(func.count(Person.id))) or 0


def test_create_user_makes_a_verified_member_of_staff(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="Stockport NHS")
    result = runner.invoke(
        args=[
            "create-user",
            "Nurse@NHS.example",
            "--org",
            "stockport nhs",
            "--role",
            "staff",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created nurse@nhs.example (Nurse, Stockport NHS) as staff." in result.output
    assert "Password" not in result.output
    person = person_called(db_session, "nurse@nhs.example")
    assert person.email_verified_at is not None and person.grants == []
    assert person.password_hash is not None and check_password(person.password_hash, PASSWORD)
    actions = db_session.scalars(select(AuditEntry.action)).all()
    assert "person.create" in actions


def test_create_user_prints_a_generated_password_once(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation()
    result = runner.invoke(
        args=[
            "create-user",
            "admin@council.example",
            "--org",
            str(organisation.id),
            "--role",
            "administrator",
            "--name",
            "Ada Admin",
        ]
    )
    assert result.exit_code == 0, result.output
    password = result.output.rsplit(": ", 1)[1].strip()
    person = person_called(db_session, "admin@council.example")
    assert person.name == "Ada Admin" and person.is_administrator
    assert person.password_hash is not None and check_password(person.password_hash, password)


def test_create_user_makes_a_building_manager_of_named_buildings(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(name="Stockport Council")
    library = factory.building(name="Reddish Library")
    hub = factory.building(name="Marple Family Hub")
    result = runner.invoke(
        args=[
            "create-user",
            "estates@council.example",
            "--org",
            "Stockport Council",
            "--role",
            "building-manager",
            "--building",
            "reddish library",
            "--building",
            str(hub.id),
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "of Reddish Library, Marple Family Hub." in result.output
    person = person_called(db_session, "estates@council.example")
    assert person.organisation_id == organisation.id
    assert person.managed_building_ids() == {library.id, hub.id}


def test_create_user_makes_a_neighbourhood_lead(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="Stockport Council")
    central = factory.neighbourhood(name="Central", slug="central")
    result = runner.invoke(
        args=[
            "create-user",
            "lead@council.example",
            "--org",
            "Stockport Council",
            "--role",
            "neighbourhood-lead",
            "--neighbourhood",
            "central",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    person = person_called(db_session, "lead@council.example")
    assert person.led_neighbourhood_ids() == {central.id}
    assert [g.role for g in person.grants] == [Role.NEIGHBOURHOOD_LEAD]


def test_create_user_refuses_an_existing_email_and_writes_nothing(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    organisation = factory.organisation(name="Stockport Council")
    factory.person("sam@council.example", organisation=organisation)
    before = people(db_session)
    result = runner.invoke(
        args=[
            "create-user",
            "SAM@council.example",
            "--org",
            "Stockport Council",
            "--role",
            "administrator",
        ]
    )
    assert result.exit_code == 1
    assert "There is already an account for sam@council.example" in result.output
    db_session.expire_all()
    assert people(db_session) == before
    assert db_session.scalar(select(AuditEntry)) is None


def test_create_user_writes_nothing_when_a_building_is_unknown(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.organisation(name="Stockport Council")
    result = runner.invoke(
        args=[
            "create-user",
            "estates@council.example",
            "--org",
            "Stockport Council",
            "--role",
            "building-manager",
            "--building",
            "Nowhere House",
        ]
    )
    assert result.exit_code == 1
    assert "No building matches 'Nowhere House'" in result.output
    assert people(db_session) == 0


def test_create_user_explains_every_mistake(runner: FlaskCliRunner, factory: Factory) -> None:
    factory.organisation(name="Stockport Council")
    factory.building(name="Reddish Library")
    for args, message in [
        (["--org", "Nobody"], "No organisation matches 'Nobody'"),
        (
            ["--org", "Stockport Council", "--role", "building-manager"],
            "needs at least one --building",
        ),
        (
            ["--org", "Stockport Council", "--role", "neighbourhood-lead"],
            "needs at least one --neighbourhood",
        ),
        (["--org", "Stockport Council", "--building", "Reddish Library"], "--building goes with"),
        (["--org", "Stockport Council", "--password", "short"], "Password must be 10 characters"),
        (["--org", "Stockport Council", "--role", "boss"], "Invalid value for '--role'"),
    ]:
        if "--role" not in args:
            args = [*args, "--role", "staff"]
        result = runner.invoke(args=["create-user", "new@council.example", *args])
        assert result.exit_code != 0, args
        assert message in result.output, result.output


def test_set_password_changes_it_and_signs_out_everywhere(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.person("sam@council.example")
    result = runner.invoke(args=["set-password", "Sam@council.example", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    person = person_called(db_session, "sam@council.example")
    assert person.password_hash is not None and check_password(person.password_hash, PASSWORD)
    assert person.session_version == 2


def test_set_password_asks_twice_without_showing_it(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.person("sam@council.example")
    result = runner.invoke(
        args=["set-password", "sam@council.example"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    person = person_called(db_session, "sam@council.example")
    assert person.password_hash is not None and check_password(person.password_hash, PASSWORD)


def test_set_password_refuses_a_weak_password_or_an_unknown_person(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.person("sam@council.example")
    weak = runner.invoke(args=["set-password", "sam@council.example", "--password", "short"])
    assert weak.exit_code == 1 and "Password must be 10 characters or more" in weak.output
    assert person_called(db_session, "sam@council.example").session_version == 1
    unknown = runner.invoke(args=["set-password", "nobody@council.example", "--password", PASSWORD])
    assert (
        unknown.exit_code == 1
        and "There is no account for nobody@council.example" in unknown.output
    )


def test_deactivate_and_reactivate_a_person(
    runner: FlaskCliRunner, factory: Factory, db_session: Session
) -> None:
    factory.person("sam@council.example")
    result = runner.invoke(args=["deactivate-user", "sam@council.example"])
    assert result.exit_code == 0, result.output
    person = person_called(db_session, "sam@council.example")
    assert not person.active and person.session_version == 2
    result = runner.invoke(args=["reactivate-user", "sam@council.example"])
    assert result.exit_code == 0, result.output
    assert person_called(db_session, "sam@council.example").active
    assert runner.invoke(args=["deactivate-user", "nobody@council.example"]).exit_code == 1
