"""Releasing the bookings nobody checked in to, from `flask release-no-shows`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.audit.models import AuditEntry
from booking.bookings import checkin, services
from booking.bookings.errors import SpaceTaken
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

NOW = datetime(2030, 1, 8, 10, 45, tzinfo=UTC)  # Tuesday 8 January 2030, 10:45am (UK = UTC)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def desk(factory: Factory) -> Space:
    return factory.space(factory.building(check_in_grace_minutes=30), name="Desk 4")


def at(hour: int, minute: int = 0, day: int = 8) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def test_only_unchecked_bookings_past_their_grace_are_released(
    factory: Factory, desk: Space, db_session: Session
) -> None:
    patient = factory.space(factory.building(check_in_grace_minutes=60))
    due = factory.booking(desk, starts_at=at(10), ends_at=at(12))
    due_short = factory.booking(factory.space(desk.building), starts_at=at(10), ends_at=at(10, 15))
    kept = [
        factory.booking(factory.space(desk.building), starts_at=at(10, 16)),  # grace until 10:46
        factory.booking(patient, starts_at=at(10)),  # this building waits an hour
        factory.booking(factory.space(desk.building), starts_at=at(9), checked_in_at=at(9, 5)),
        factory.booking(
            factory.space(desk.building), starts_at=at(9), status=BookingStatus.CANCELLED
        ),
        factory.booking(factory.space(desk.building), starts_at=at(14)),
        factory.booking(factory.space(desk.building), starts_at=at(9, day=1) - timedelta(days=1)),
    ]

    released = checkin.release_no_shows(db_session, NOW)

    assert released == sorted([due.id, due_short.id])
    db_session.expire_all()
    assert due.status is BookingStatus.NO_SHOW and due.released_at == NOW
    assert due.sequence == 1
    assert [b.status for b in kept] == [
        BookingStatus.ACTIVE,
        BookingStatus.ACTIVE,
        BookingStatus.ACTIVE,
        BookingStatus.CANCELLED,
        BookingStatus.ACTIVE,
        BookingStatus.ACTIVE,
    ]
    [entry] = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booking.release_no_shows")
    )
    assert entry.actor_id is None
    assert entry.summary == "Released 2 bookings nobody checked in to"
    assert entry.changes == {"bookings": sorted([due.id, due_short.id])}


def test_a_released_space_can_be_booked_for_the_rest_of_the_slot(
    factory: Factory, desk: Space, db_session: Session
) -> None:
    factory.booking(desk, starts_at=at(10), ends_at=at(17))
    walk_in = factory.person(organisation=desk.building.owner)
    proposal = services.Proposal(desk, at(11), at(17))
    with pytest.raises(SpaceTaken):
        services.book(db_session, walk_in, proposal, now=NOW)
    checkin.release_no_shows(db_session, NOW)
    assert services.book(db_session, walk_in, proposal, now=NOW).is_active


def test_running_again_releases_nothing_more_and_records_nothing(
    factory: Factory, desk: Space, db_session: Session
) -> None:
    factory.booking(desk, starts_at=at(10))
    assert len(checkin.release_no_shows(db_session, NOW)) == 1
    assert checkin.release_no_shows(db_session, NOW) == []
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booking.release_no_shows")
    )
    assert len(entries.all()) == 1


def test_the_command_says_how_many_it_released(
    runner: FlaskCliRunner, factory: Factory, desk: Space, db_session: Session
) -> None:
    booking = factory.booking(desk, starts_at=at(10))
    result = runner.invoke(args=["release-no-shows"])
    assert result.exit_code == 0, result.output
    assert result.output == "Released 1 booking as no-shows.\n"
    db_session.expire_all()
    assert booking.status is BookingStatus.NO_SHOW
    result = runner.invoke(args=["release-no-shows"])
    assert result.output == "Released 0 bookings as no-shows.\n"


def test_no_shows_are_counted_over_the_last_60_days(
    factory: Factory, desk: Space, db_session: Session
) -> None:
    person = factory.person()
    for days_ago in (1, 30, 59):
        start = NOW - timedelta(days=days_ago)
        factory.booking(desk, person, starts_at=start, status=BookingStatus.NO_SHOW)
    factory.booking(desk, person, starts_at=NOW - timedelta(days=61), status=BookingStatus.NO_SHOW)
    factory.booking(desk, person, starts_at=NOW - timedelta(days=2), checked_in_at=NOW)
    assert checkin.no_show_count(db_session, person, NOW) == 3
    assert checkin.no_show_count(db_session, factory.person(), NOW) == 0


def test_a_booking_checked_in_before_the_release_is_kept(
    factory: Factory, desk: Space, db_session: Session
) -> None:
    booking: Booking = factory.booking(desk, starts_at=at(10))
    checkin.check_in(db_session, booking.person, booking, at(10, 29))
    assert checkin.release_no_shows(db_session, NOW) == []
    assert booking.is_active
