"""A repeating booking racing a single booking for one of its dates: all of the series or none.

Real transactions on their own connections (like tests/test_bookings_race.py), so the database's
own refusal is what stops the series: on PostgreSQL the series' check cannot see the other
booking (not yet committed) and its insert waits on the exclusion constraint until the other
commits; on SQLite `BEGIN IMMEDIATE` makes the series wait, and its check then sees the booking.
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from booking.accounts.models import Person
from booking.bookings import recurrence, services
from booking.bookings.errors import SpaceTaken
from booking.bookings.models import Booking, BookingSeries, Frequency
from booking.bookings.recurrence import Choice, SeriesChanged, SeriesRequest
from booking.catalogue.models import Space, SpaceKind
from booking.db import make_engine, sessionmakers
from booking.models import Base
from tests.factories import Factory

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)
MONDAYS = [date(2026, 5, 4), date(2026, 5, 11), date(2026, 5, 18), date(2026, 5, 25)]


@pytest.fixture
def writes(engine: Engine) -> Iterator[sessionmaker[Session]]:
    racing = make_engine(engine.url.render_as_string(False))
    yield sessionmakers(racing)[1]
    with racing.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    racing.dispose()


@pytest.fixture
def ids(writes: sessionmaker[Session]) -> tuple[int, int, int]:
    """A committed meeting room, an organiser and someone else."""
    with writes() as session:
        factory = Factory(session)
        room = factory.space(kind=SpaceKind.MEETING_ROOM, name="Riverside room")
        organiser = factory.person(organisation=room.building.owner)
        other = factory.person(organisation=room.building.owner)
        session.commit()
        return room.id, organiser.id, other.id


def wait_until_blocked(session: Session, series: threading.Thread) -> None:
    """Until the series' connection waits for a lock (PostgreSQL only), or it has finished.

    Each look is its own transaction: PostgreSQL keeps one snapshot of `pg_stat_activity` for
    the whole of a transaction.
    """
    while series.is_alive():
        waiting = session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        )
        session.rollback()
        if waiting:
            return
        clock.sleep(0.01)


def test_a_booking_committed_while_a_series_is_being_booked_stops_the_whole_series(
    writes: sessionmaker[Session],
    in_app: Callable[[Callable[[], None]], Callable[[], None]],
    ids: tuple[int, int, int],
    engine: Engine,
) -> None:
    room_id, organiser_id, other_id = ids
    outcome: list[BaseException | BookingSeries | None] = []

    with writes() as other_session:
        room, other = other_session.get(Space, room_id), other_session.get(Person, other_id)
        assert room is not None and other is not None
        starts_at = datetime(2026, 5, 18, 9, tzinfo=UTC)  # the third Monday, 10am BST
        services.book(
            other_session,
            other,
            services.Proposal(room, starts_at, starts_at.replace(hour=10)),
            now=NOW,
        )

        def book_the_series() -> None:
            with writes() as session:
                space, person = session.get(Space, room_id), session.get(Person, organiser_id)
                assert space is not None and person is not None
                request = SeriesRequest(
                    space, Frequency.WEEKLY, MONDAYS[0], time(10), 60, (0,), count=4
                )
                try:
                    outcome.append(
                        recurrence.book_series(
                            session, person, request, Choice.FREE, NOW, seen_free=MONDAYS
                        )
                    )
                    session.commit()
                except BaseException as error:  # reported by the assertions below
                    session.rollback()
                    outcome.append(error)

        series = threading.Thread(target=in_app(book_the_series))
        series.start()
        if engine.dialect.name == "postgresql":
            with writes() as watcher:
                wait_until_blocked(watcher, series)
        else:
            clock.sleep(0.2)  # the series is waiting for SQLite's write lock
        other_session.commit()
        series.join(timeout=60)

    [result] = outcome
    assert isinstance(result, SeriesChanged), repr(result)
    [taken] = [o for o in result.preview.occurrences if not o.is_free]
    assert taken.day == MONDAYS[2]
    if engine.dialect.name == "postgresql":
        assert isinstance(result.__cause__, SpaceTaken)
        assert isinstance(result.__cause__.__cause__, IntegrityError)
    with writes() as session:
        assert session.scalar(select(func.count()).select_from(BookingSeries)) == 0
        assert session.scalar(select(func.count()).select_from(Booking)) == 1
