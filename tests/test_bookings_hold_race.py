"""A booking that waits for an estates change to its building sees that change, on both databases.

The booking service holds the building (`services.hold_building`) and reads the space and the
building again once it has it, so a space or building deactivated by a transaction that
committed while the booking waited is refused, even though the booking had read them before.
These tests commit for real (two connections), so they empty every table afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, text
from sqlalchemy.orm import Session, joinedload, sessionmaker

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.closures import upcoming
from booking.bookings.errors import BookingError
from booking.catalogue.models import Building, Space, SpaceKind
from booking.db import make_engine, sessionmakers
from booking.models import Base
from tests.factories import Factory

NOW = datetime(2030, 1, 7, 8, tzinfo=UTC)  # a Monday morning
TUESDAY_10AM = datetime(2030, 1, 8, 10, tzinfo=UTC)


@pytest.fixture
def own_engine(engine: Engine) -> Iterator[Engine]:
    racing = make_engine(engine.url.render_as_string(False))
    yield racing
    with racing.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    racing.dispose()


@pytest.fixture
def writes(own_engine: Engine) -> sessionmaker[Session]:
    return sessionmakers(own_engine)[1]


@pytest.fixture
def room(writes: sessionmaker[Session]) -> tuple[int, int]:
    """A committed meeting room, and someone who may book it."""
    with writes() as session:
        factory = Factory(session)
        space = factory.space(kind=SpaceKind.MEETING_ROOM)
        person = factory.person(organisation=space.building.owner)
        session.commit()
        return space.id, person.id


def wait_until_blocked(engine: Engine, booking: threading.Thread) -> None:
    """Until the booking waits for a lock (PostgreSQL). SQLite's wait cannot be seen; there the
    booking waits for the write lock before it reads anything.

    Each look is its own transaction: PostgreSQL keeps one snapshot of `pg_stat_activity` for
    the whole of a transaction, so a single transaction would never see the booking start to
    wait if it had not already at the first look.
    """
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    with engine.connect() as connection:
        for _ in range(1200):
            waiting = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            connection.rollback()
            if waiting or not booking.is_alive():
                return
            time.sleep(0.05)
    pytest.fail("the booking never waited for the building")


@pytest.mark.parametrize("deactivated", ["building", "space"])
def test_a_booking_waiting_for_a_deactivation_is_refused_once_it_commits(
    own_engine: Engine,
    writes: sessionmaker[Session],
    in_app: Callable[[Callable[[], None]], Callable[[], None]],
    room: tuple[int, int],
    deactivated: str,
) -> None:
    space_id, person_id = room
    outcome: list[str] = []

    def book() -> None:
        with writes() as session:
            # Read before the building is held (on PostgreSQL: before the deactivation commits).
            space = session.get(Space, space_id, options=[joinedload(Space.building)])
            person = session.get(Person, person_id)
            assert space is not None and person is not None
            proposal = services.Proposal(space, TUESDAY_10AM, TUESDAY_10AM.replace(hour=11))
            try:
                services.book(session, person, proposal, now=NOW)
                session.commit()
                outcome.append("booked")
            except BookingError as error:
                outcome.append(error.message)

    with writes() as estates:
        space = estates.get(Space, space_id)
        assert space is not None
        building = estates.get(Building, space.building_id)
        assert building is not None
        upcoming(estates, building, NOW)  # holds the building, as estates changes do
        booking = threading.Thread(target=in_app(book))
        booking.start()
        wait_until_blocked(own_engine, booking)
        if deactivated == "building":
            building.active = False
        else:
            space.active = False
        estates.commit()
    booking.join(timeout=60)
    assert outcome == [f"{space.name} is no longer available to book"]
