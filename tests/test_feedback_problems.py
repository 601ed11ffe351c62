"""Reporting a problem with a booked space, and its building's managers marking it fixed: the
booker is told by email and on the booking's page."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Space
from booking.feedback.models import ProblemCategory, ProblemReport, ProblemStatus
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
Mailbox = Callable[[], list[EmailMessage]]
NOW = datetime(2030, 1, 8, 12, tzinfo=UTC)  # Tuesday 8 January 2030, 12pm (UK time = UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 4")


@pytest.fixture
def nurse(factory: Factory, library: Building) -> Person:
    return factory.person("nia@nhs.example", organisation=library.owner, name="Nia Nurse")


@pytest.fixture
def yesterdays(factory: Factory, desk: Space, nurse: Person) -> Booking:
    return factory.booking(
        desk,
        nurse,
        starts_at=datetime(2030, 1, 7, 9, tzinfo=UTC),
        ends_at=datetime(2030, 1, 7, 17, tzinfo=UTC),
    )


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def report(client: FlaskClient, booking: Booking, status: int, **fields: str) -> str:
    response = client.post(f"/bookings/{booking.id}/problem", data=fields)
    assert response.status_code == status, text(response.get_data(as_text=True))
    return text(response.get_data(as_text=True))


def problems(db_session: Session) -> list[ProblemReport]:
    db_session.expire_all()
    return list(db_session.scalars(select(ProblemReport).order_by(ProblemReport.id)))


_days = itertools.count()


def a_problem(factory: Factory, db_session: Session, space: Space, **fields: Any) -> ProblemReport:
    """A problem reported with `space` by someone who booked it, inserted directly."""
    booker = factory.person(organisation=space.building.owner)
    starts_at = datetime(2029, 12, 1, 9, tzinfo=UTC) + timedelta(days=next(_days))
    booking = factory.booking(space, booker, starts_at=starts_at)
    fields.setdefault("category", ProblemCategory.HEATING)
    problem = ProblemReport(
        booking=booking,
        space_id=space.id,
        building_id=space.building_id,
        reported_by=booker,
        created_at=datetime(2030, 1, 7, 10, tzinfo=UTC),
        **fields,
    )
    db_session.add(problem)
    db_session.flush()
    return problem


# Reporting.


def test_the_booker_reports_a_problem_for_the_buildings_managers(
    sign_in: SignIn,
    nurse: Person,
    yesterdays: Booking,
    desk: Space,
    library: Building,
    db_session: Session,
) -> None:
    client = sign_in(nurse)
    form = text(client.get(f"/bookings/{yesterdays.id}/problem").get_data(as_text=True))
    assert "What is the problem with? Wi-Fi Heating or cooling" in form

    response = client.post(
        f"/bookings/{yesterdays.id}/problem",
        data={"category": "wifi", "comment": "  The Wi-Fi dropped every ten minutes.  "},
    )

    assert response.headers["Location"] == f"/bookings/{yesterdays.id}"
    [problem] = problems(db_session)
    assert (problem.booking_id, problem.space_id, problem.building_id) == (
        yesterdays.id,
        desk.id,
        library.id,
    )
    assert problem.category is ProblemCategory.WIFI
    assert problem.comment == "The Wi-Fi dropped every ten minutes."
    assert problem.reported_by_id == nurse.id and problem.created_at == NOW
    assert problem.status is ProblemStatus.OPEN
    audit = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "problem.report"))
    assert [entry.subject_id for entry in audit] == [problem.id]
    page = text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "The managers of Reddish Library will see the problem" in page
    assert "Problems you reported Wi-Fi Open" in page
    assert "The Wi-Fi dropped every ten minutes." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comment": "Cold"}, "Select what the problem is with"),
        ({"category": "plumbing"}, "Select what the problem is with"),
        ({"category": "other", "comment": "   "}, "Describe the problem"),
        (
            {"category": "heating", "comment": "x" * 2001},
            "The description must be 2000 characters or fewer",
        ),
    ],
)
def test_mistakes_in_a_report_are_listed_in_the_error_summary(
    sign_in: SignIn,
    nurse: Person,
    yesterdays: Booking,
    db_session: Session,
    fields: dict[str, str],
    message: str,
) -> None:
    page = report(sign_in(nurse), yesterdays, 422, **fields)

    assert page.startswith("Error: Report a problem")
    assert f"There is a problem {message}" in page
    assert problems(db_session) == []


def test_a_problem_cannot_be_reported_before_the_space_is_used(
    factory: Factory, sign_in: SignIn, nurse: Person, desk: Space, db_session: Session
) -> None:
    tomorrows = factory.booking(desk, nurse, starts_at=datetime(2030, 1, 9, 9, tzinfo=UTC))
    client = sign_in(nurse)

    response = client.post(f"/bookings/{tomorrows.id}/problem", data={"category": "wifi"})

    assert response.headers["Location"] == f"/bookings/{tomorrows.id}"
    assert problems(db_session) == []


def test_someone_elses_booking_has_no_problem_page(
    factory: Factory, sign_in: SignIn, yesterdays: Booking, db_session: Session
) -> None:
    client = sign_in(factory.person())

    assert client.get(f"/bookings/{yesterdays.id}/problem").status_code == 404
    assert (
        client.post(f"/bookings/{yesterdays.id}/problem", data={"category": "wifi"}).status_code
        == 404
    )
    assert problems(db_session) == []


# The managers' list.


def test_managers_see_the_open_problems_of_their_buildings_only(
    factory: Factory, sign_in: SignIn, db_session: Session, desk: Space, library: Building
) -> None:
    ours = a_problem(factory, db_session, desk, comment="Radiator stone cold")
    a_problem(
        factory,
        db_session,
        desk,
        status=ProblemStatus.FIXED,
        fixed_at=NOW,
        comment="Already fixed",
    )
    elsewhere = factory.space(factory.building(name="Hazel Grove Library"), name="Desk 9")
    theirs = a_problem(factory, db_session, elsewhere, comment="Door code wrong")
    manager = factory.building_manager(library)
    client = sign_in(manager)

    words = text(client.get("/estates/problems").get_data(as_text=True))

    assert "1 open problem" in words
    assert "Heating or cooling: Desk 4" in words and "Radiator stone cold" in words
    assert f"by {ours.reported_by.name}" in words
    assert "Already fixed" not in words and "Door code wrong" not in words
    assert client.get(f"/estates/problems/{theirs.id}/fix").status_code == 404
    assert client.post(f"/estates/problems/{theirs.id}/fix", data={"note": "x"}).status_code == 404
    assert client.get(f"/estates/problems?building={elsewhere.building_id}").status_code == 404
    assert problems(db_session)[-1].status is ProblemStatus.OPEN


def test_administrators_see_every_buildings_problems(
    factory: Factory, sign_in: SignIn, db_session: Session, desk: Space
) -> None:
    a_problem(factory, db_session, desk)
    a_problem(factory, db_session, factory.space(factory.building(), name="Desk 9"))

    words = text(sign_in(factory.administrator()).get("/estates/problems").get_data(as_text=True))

    assert "2 open problems" in words


def test_one_buildings_problems_are_listed_from_its_page(
    factory: Factory, sign_in: SignIn, db_session: Session, desk: Space, library: Building
) -> None:
    other = factory.building(name="Hazel Grove Library")
    a_problem(factory, db_session, desk)
    a_problem(factory, db_session, factory.space(other, name="Desk 9"))
    client = sign_in(factory.building_manager(library, other))

    building_page = client.get(f"/estates/buildings/{library.id}").get_data(as_text=True)
    words = text(client.get(f"/estates/problems?building={library.id}").get_data(as_text=True))

    assert f'href="/estates/problems?building={library.id}"' in building_page
    assert "1 open problem" in words and "Desk 4" in words and "Desk 9" not in words


def test_staff_without_buildings_have_no_problems_list(factory: Factory, sign_in: SignIn) -> None:
    assert sign_in(factory.person()).get("/estates/problems").status_code == 403


# Fixing.


def test_marking_a_problem_fixed_tells_the_booker_by_email_and_on_the_booking(
    factory: Factory,
    sign_in: SignIn,
    mailbox: Mailbox,
    nurse: Person,
    yesterdays: Booking,
    library: Building,
    db_session: Session,
) -> None:
    report(sign_in(nurse), yesterdays, 302, category="heating", comment="Radiator cold")
    [problem] = problems(db_session)
    manager = factory.building_manager(library, name="Mo Manager")
    client = sign_in(manager)

    response = client.post(
        f"/estates/problems/{problem.id}/fix", data={"note": "Valve replaced on Wednesday"}
    )

    assert response.headers["Location"] == "/estates/problems"
    [problem] = problems(db_session)
    assert problem.status is ProblemStatus.FIXED
    assert (problem.fixed_at, problem.fixed_by_id) == (NOW, manager.id)
    assert problem.fix_note == "Valve replaced on Wednesday"
    audit = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "problem.fix"))
    assert [(entry.subject_id, entry.actor_id) for entry in audit] == [(problem.id, manager.id)]
    [message] = mailbox()
    assert message["To"] == "nia@nhs.example"
    assert message["Subject"] == "Fixed: the problem you reported with Desk 4"
    body = message.get_body(("plain",)).get_content()
    assert "with Desk 4 at Reddish Library (heating or cooling) has been fixed" in body
    assert "What was done: Valve replaced on Wednesday" in body
    assert f"http://localhost/bookings/{yesterdays.id}" in body
    listed = text(client.get("/estates/problems").get_data(as_text=True))
    assert "There are no open problems." in listed
    booking_page = text(sign_in(nurse).get(f"/bookings/{yesterdays.id}").get_data(as_text=True))
    assert "Heating or cooling Fixed" in booking_page
    assert "Fixed Tuesday 8 January 2030, 12pm (midday): Valve replaced on Wednesday" in (
        booking_page
    )


def test_a_problem_fixed_already_is_not_fixed_twice(
    factory: Factory,
    sign_in: SignIn,
    mailbox: Mailbox,
    db_session: Session,
    desk: Space,
    library: Building,
) -> None:
    problem = a_problem(factory, db_session, desk)
    client = sign_in(factory.building_manager(library))

    client.post(f"/estates/problems/{problem.id}/fix", data={"note": ""})
    again = client.post(f"/estates/problems/{problem.id}/fix", data={"note": "Again"})

    assert again.headers["Location"] == "/estates/problems"
    assert len(mailbox()) == 1
    assert problems(db_session)[0].fix_note == ""


# The API.


@pytest.fixture
def api(client: FlaskClient, factory: Factory, nurse: Person) -> FlaskClient:
    _token, secret = factory.access_token(nurse)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_api_reports_a_problem(
    api: FlaskClient, yesterdays: Booking, db_session: Session
) -> None:
    response = api.post(
        f"/api/v1/bookings/{yesterdays.id}/problems",
        json={"category": "access", "comment": "The side door was locked"},
    )

    assert response.status_code == 201, response.json
    [problem] = problems(db_session)
    assert response.json == {
        "id": problem.id,
        "booking_id": yesterdays.id,
        "category": "access",
        "comment": "The side door was locked",
        "status": "open",
        "reported_at": "2030-01-08T12:00:00+00:00",
        "fixed_at": None,
        "fix_note": "",
    }


def test_the_api_refuses_a_report_it_cannot_take_as_a_problem(
    factory: Factory, api: FlaskClient, yesterdays: Booking, desk: Space, db_session: Session
) -> None:
    someone_elses = factory.booking(desk, starts_at=datetime(2030, 1, 4, 9, tzinfo=UTC))

    vague = api.post(f"/api/v1/bookings/{yesterdays.id}/problems", json={"category": "other"})
    unknown = api.post(f"/api/v1/bookings/{yesterdays.id}/problems", json={"category": "mice"})
    hidden = api.post(f"/api/v1/bookings/{someone_elses.id}/problems", json={"category": "wifi"})

    assert vague.status_code == 422 and vague.mimetype == "application/problem+json"
    assert vague.json["type"].endswith("#problem-feedback-rule")
    assert vague.json["errors"] == {"comment": ["Describe the problem"]}
    assert unknown.status_code == 422 and list(unknown.json["errors"]) == ["category"]
    assert hidden.status_code == 404
    assert problems(db_session) == []
