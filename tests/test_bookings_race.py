"""No double booking, ever: real concurrent clients racing for one space, on both databases.

These tests commit for real (each client has its own connection and transaction), so they
build their own data and empty every table afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.errors import SpaceTaken
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space, SpaceKind
from booking.db import make_engine, sessionmakers
from booking.models import Base
from booking.timezones import local_to_utc
from tests.factories import Factory

CLIENTS = 20
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # a Monday morning
DAY = NOW.date() + timedelta(days=1)  # Tuesday: the building is open 9am to 5pm
InApp = Callable[[Callable[..., None]], Callable[..., None]]


@pytest.fixture
def racing_engine(engine: Engine) -> Iterator[Engine]:
    """An engine with a connection for every client, on the test run's database."""
    racing = make_engine(engine.url.render_as_string(False), pool_size=CLIENTS + 5)
    yield racing
    with racing.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    racing.dispose()


@pytest.fixture
def writes(racing_engine: Engine) -> sessionmaker[Session]:
    return sessionmakers(racing_engine)[1]


@pytest.fixture
def room(writes: sessionmaker[Session]) -> tuple[int, list[int]]:
    """A committed meeting room for 40, and one person for each client."""
    with writes() as session:
        factory = Factory(session)
        space = factory.space(kind=SpaceKind.MEETING_ROOM, capacity=40)
        organisation = space.building.owner
        people = [factory.person(organisation=organisation) for _ in range(CLIENTS)]
        session.commit()
        return space.id, [p.id for p in people]


def race(
    writes: sessionmaker[Session],
    in_app: InApp,
    space_id: int,
    attempts: list[tuple[int, datetime, datetime]],
) -> list[str]:
    """Every attempt at once, each on its own connection; what each one got."""
    barrier = threading.Barrier(len(attempts))  # released together, then each opens its transaction
    outcomes: list[str] = [""] * len(attempts)

    def attempt(index: int, person_id: int, start: datetime, end: datetime) -> None:
        barrier.wait(timeout=60)
        with writes() as session:
            space = session.get(Space, space_id)
            person = session.get(Person, person_id)
            assert space is not None and person is not None
            try:
                services.book(session, person, services.Proposal(space, start, end), now=NOW)
                session.commit()
                outcomes[index] = "booked"
            except SpaceTaken:
                session.rollback()
                outcomes[index] = "taken"

    threads = [
        threading.Thread(target=in_app(attempt), args=(i, *a)) for i, a in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def active_bookings(writes: sessionmaker[Session], space_id: int) -> int:
    with writes() as session:
        return (
            session.scalar(
                select(func.count()).where(
                    Booking.space_id == space_id, Booking.status == BookingStatus.ACTIVE
                )
            )
            or 0
        )


def at(hour: int, minute: int = 0) -> datetime:
    return local_to_utc(DAY, time(hour, minute))


def test_twenty_clients_asking_for_the_same_time_get_one_booking(
    writes: sessionmaker[Session], in_app: InApp, room: tuple[int, list[int]]
) -> None:
    space_id, people = room
    outcomes = race(writes, in_app, space_id, [(p, at(10), at(11)) for p in people])
    assert sorted(outcomes) == ["booked"] + ["taken"] * (CLIENTS - 1)
    assert active_bookings(writes, space_id) == 1


def test_twenty_staggered_overlapping_requests_get_one_booking(
    writes: sessionmaker[Session], in_app: InApp, room: tuple[int, list[int]]
) -> None:
    space_id, people = room
    starts = [at(9, 30), at(9, 45), at(10), at(10, 15), at(10, 30)]
    ends = [at(10, 45), at(11), at(11, 15), at(11, 30)]
    windows = [(start, end) for start in starts for end in ends]  # all share 10:30 to 10:45
    assert len(windows) == CLIENTS
    outcomes = race(
        writes, in_app, space_id, [(p, *w) for p, w in zip(people, windows, strict=True)]
    )
    assert sorted(outcomes) == ["booked"] + ["taken"] * (CLIENTS - 1)
    assert active_bookings(writes, space_id) == 1


def test_back_to_back_bookings_made_at_the_same_moment_both_succeed(
    writes: sessionmaker[Session], in_app: InApp, room: tuple[int, list[int]]
) -> None:
    space_id, people = room
    outcomes = race(
        writes,
        in_app,
        space_id,
        [(people[0], at(9), at(10)), (people[1], at(10), at(11)), (people[2], at(11), at(12))],
    )
    assert outcomes == ["booked", "booked", "booked"]
    assert active_bookings(writes, space_id) == 3
