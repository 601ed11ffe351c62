"""The book page shows each broken booking rule beside the field it is about, with status 422,
and saves nothing; UK clock changes are handled the one documented way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import BankHoliday, Building, Space, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
EVERY_DAY = {day: (time(0), time(23, 45)) for day in range(7)}


@dataclass
class Clock:
    now: datetime = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: clock.now}


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 1")


@pytest.fixture
def room(factory: Factory, library: Building) -> Space:
    return factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room", capacity=3)


@pytest.fixture
def signed_in(factory: Factory, sign_in: SignIn) -> FlaskClient:
    return sign_in(factory.person())


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def refused(
    signed_in: FlaskClient, space: Space, db_session: Session, **form: str
) -> tuple[str, str]:
    """Post the book form, which must be refused: (the page, as words; the page's HTML)."""
    response = signed_in.post(f"/spaces/{space.id}/book", data={"date": "2026-03-03", **form})
    html = response.get_data(as_text=True)
    assert response.status_code == 422, text(html)
    assert "There is a problem" in html and "<title>Error: Book" in html
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Booking)) == 0
    return text(html), html


def beside(html: str, field: str) -> str:
    """The error message shown beside `field` (GOV.UK's `<id>-error`)."""
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match is not None, f"no error beside {field}"
    return text(match[1]).removeprefix("Error: ")


def test_a_start_in_the_past_is_refused_beside_the_start(
    signed_in: FlaskClient, desk: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, desk, db_session, date="2026-03-02", start="06:00", end="07:00")

    assert beside(html, "start") == "The start time has already passed"


def test_beyond_the_advance_window_is_refused(
    signed_in: FlaskClient, desk: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, desk, db_session, date="2026-03-31", start="10:00", end="12:00")

    assert beside(html, "start") == "You can book desks in Reddish Library up to 28 days ahead"


def test_dates_far_away_are_refused_beside_the_date(
    signed_in: FlaskClient, desk: Space, db_session: Session
) -> None:
    for far in ("9999-12-31", "0001-01-01", "2026-03-01"):
        _, html = refused(signed_in, desk, db_session, date=far, preset="day")

        assert beside(html, "date") == "The date must be today or in the next 2 years"


def test_rooms_off_the_quarter_hour_are_refused(
    signed_in: FlaskClient, room: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, room, db_session, start="10:10", length="60", title="Catch-up")

    assert beside(html, "start") == (
        "Rooms are booked on the quarter hour, for example 9:00, 9:15 or 9:30"
    )


def test_rooms_longer_than_the_building_allows_are_refused_beside_the_length(
    signed_in: FlaskClient, room: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, room, db_session, start="09:00", length="540", title="Away day")

    assert beside(html, "length") == "You can book a room for up to 8 hours"


def test_a_length_that_is_no_length_is_refused(
    signed_in: FlaskClient, room: Space, db_session: Session
) -> None:
    for length in ("0", "-60", "99999999999999", "an hour"):
        _, html = refused(signed_in, room, db_session, start="09:00", length=length, title="x")

        assert beside(html, "length") == "Choose how long you need the room for"


def test_a_day_the_building_is_closed_is_refused(
    signed_in: FlaskClient, desk: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, desk, db_session, date="2026-03-07", start="10:00", end="12:00")

    assert beside(html, "date") == "Reddish Library is closed on Saturday 7 March 2026"


def test_a_bank_holiday_is_refused_with_its_name(
    signed_in: FlaskClient, desk: Space, db_session: Session, clock: Clock
) -> None:
    clock.now = datetime(2026, 4, 1, 8, tzinfo=UTC)
    db_session.add(BankHoliday(day=date(2026, 4, 6), title="Easter Monday"))
    db_session.flush()

    _, html = refused(signed_in, desk, db_session, date="2026-04-06", start="10:00", end="12:00")

    assert (
        beside(html, "date") == "Reddish Library is closed on Monday 6 April 2026 (Easter Monday)"
    )


def test_times_outside_the_opening_hours_are_refused(
    signed_in: FlaskClient, desk: Space, db_session: Session
) -> None:
    _, html = refused(signed_in, desk, db_session, start="16:00", end="18:00")

    assert beside(html, "end") == "Reddish Library is open 9am to 5pm on Tuesday 3 March 2026"


def test_a_closure_is_refused_with_its_reason(
    signed_in: FlaskClient, factory: Factory, desk: Space, library: Building, db_session: Session
) -> None:
    factory.closure(
        building=library,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
        reason="Fire drill",
    )

    _, html = refused(signed_in, desk, db_session, preset="morning")

    assert beside(html, "preset") == (
        "Reddish Library is closed from Tuesday 3 March 2026, 9am to "
        "Tuesday 3 March 2026, 12pm (midday): Fire drill"
    )


def test_more_people_than_the_room_holds_are_refused_beside_the_invitations(
    signed_in: FlaskClient, room: Space, db_session: Session
) -> None:
    _, html = refused(
        signed_in,
        room,
        db_session,
        start="10:00",
        length="60",
        title="Case review",
        attendees="a@one.example, b@two.example, c@three.example",
    )

    assert beside(html, "attendees") == (
        "Board room holds up to 3 people: you have invited 3 as well as yourself"
    )


def test_an_invitation_that_is_not_an_email_address_is_refused(
    signed_in: FlaskClient, room: Space, db_session: Session
) -> None:
    _, html = refused(
        signed_in,
        room,
        db_session,
        start="10:00",
        length="60",
        title="Case review",
        attendees="bob",
    )

    assert beside(html, "attendees") == "bob is not an email address"


def test_a_second_desk_at_the_same_time_is_refused_at_the_top(
    factory: Factory,
    sign_in: SignIn,
    library: Building,
    desk: Space,
    db_session: Session,
) -> None:
    nurse = factory.person()
    factory.booking(
        factory.space(library, name="Desk 2"),
        nurse,
        starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 17, tzinfo=UTC),
    )

    response = sign_in(nurse).post(
        f"/spaces/{desk.id}/book", data={"date": "2026-03-03", "preset": "morning"}
    )

    assert response.status_code == 422
    summary = re.search(r'class="govuk-error-summary".*?</div>\s*</div>', response.text, re.S)
    assert summary is not None
    assert "You already have a desk booked for some of that time." in text(summary[0])


def test_a_time_the_clocks_skip_is_refused(
    factory: Factory, signed_in: FlaskClient, clock: Clock, db_session: Session
) -> None:
    clock.now = datetime(2026, 3, 27, 8, tzinfo=UTC)
    desk = factory.space(factory.building(hours=EVERY_DAY))

    _, html = refused(signed_in, desk, db_session, date="2026-03-29", start="01:30", end="03:00")

    assert beside(html, "start") == (
        "01:30 on 29 March 2026 does not exist in the UK: the clocks go forward an hour that night."
    )


def test_a_time_that_happens_twice_means_the_first_one_in_summer_time(
    factory: Factory, signed_in: FlaskClient, clock: Clock, db_session: Session
) -> None:
    clock.now = datetime(2026, 10, 23, 8, tzinfo=UTC)
    room = factory.space(factory.building(hours=EVERY_DAY), kind=SpaceKind.MEETING_ROOM)

    response = signed_in.post(
        f"/spaces/{room.id}/book",
        data={"date": "2026-10-25", "start": "01:30", "length": "60", "title": "Night shift"},
    )

    assert response.status_code == 302, response.text
    db_session.expire_all()
    booking = db_session.scalars(select(Booking)).one()
    assert booking.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert booking.ends_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT
