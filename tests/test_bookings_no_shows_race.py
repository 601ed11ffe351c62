"""Two no-show releases at the same moment release each booking exactly once, on both databases.

Like tests/test_bookings_race.py, these commit for real (each run has its own connection and
transaction), so they build their own data and empty every table afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings.checkin import release_no_shows
from booking.bookings.models import Booking, BookingStatus
from booking.db import make_engine, sessionmakers
from booking.mail.models import OutboxMessage
from booking.models import Base
from tests.factories import Factory

RUNS = 2
BOOKINGS = 30
NOW = datetime(2030, 1, 8, 10, 45, tzinfo=UTC)


@pytest.fixture
def racing_engine(engine: Engine) -> Iterator[Engine]:
    racing = make_engine(engine.url.render_as_string(False), pool_size=RUNS + 2)
    yield racing
    with racing.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    racing.dispose()


@pytest.fixture
def writes(racing_engine: Engine) -> sessionmaker[Session]:
    return sessionmakers(racing_engine)[1]


@pytest.fixture
def due(writes: sessionmaker[Session]) -> list[int]:
    """Committed bookings nobody checked in to, all past their grace, and one checked in."""
    with writes() as session:
        factory = Factory(session)
        building = factory.building(check_in_grace_minutes=30)
        ids = [
            factory.booking(factory.space(building), starts_at=NOW - timedelta(hours=1)).id
            for _ in range(BOOKINGS)
        ]
        factory.booking(
            factory.space(building), starts_at=NOW - timedelta(hours=1), checked_in_at=NOW
        )
        session.commit()
        return ids


def test_two_releases_at_once_release_each_booking_exactly_once(
    writes: sessionmaker[Session],
    in_app: Callable[[Callable[[int], None]], Callable[[int], None]],
    racing_engine: Engine,
    due: list[int],
) -> None:
    start = threading.Barrier(RUNS)
    both_read = threading.Barrier(RUNS)
    released: list[list[int]] = [[] for _ in range(RUNS)]
    errors: list[BaseException] = []

    if racing_engine.dialect.name == "postgresql":
        # Make the runs overlap as much as they can: both have read the same candidates before
        # either updates. (SQLite runs writing transactions one after the other, so there the
        # second run starts only once the first has committed.)
        @event.listens_for(racing_engine, "before_cursor_execute")
        def wait_for_the_other(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement.lstrip().upper().startswith("UPDATE BOOKING"):
                both_read.wait(timeout=30)

    def run(index: int) -> None:
        start.wait(timeout=30)
        try:
            with writes() as session:
                released[index] = release_no_shows(session, NOW)
                session.commit()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=in_app(run), args=(i,)) for i in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(released[0] + released[1]) == sorted(due)
    assert not set(released[0]) & set(released[1])
    with writes() as session:
        statuses = session.execute(
            select(Booking.status, func.count()).group_by(Booking.status)
        ).all()
        assert dict(statuses) == {BookingStatus.NO_SHOW: BOOKINGS, BookingStatus.ACTIVE: 1}
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "booking.release_no_shows")
        ).all()
        recorded = [booking_id for entry in entries for booking_id in entry.changes["bookings"]]
        assert sorted(recorded) == sorted(due)
        bookers = session.scalars(
            select(Person.email)
            .join(Booking, Booking.person_id == Person.id)
            .where(Booking.id.in_(due))
        ).all()
        told = session.scalars(select(OutboxMessage.recipient)).all()
        assert sorted(told) == sorted(bookers)  # one cancellation each, by the run that released it
