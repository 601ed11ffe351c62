"""Borough-scale data for benchmarks: `flask --app booking seed-bench --bookings N`.

3,000 spaces in 400 buildings across the seven neighbourhoods, 20,000 people, and N bookings
(default 1,000,000) spread over the year around today, written by bulk inserts (COPY on
PostgreSQL). The bookings respect every rule the database enforces — no overlaps in a space, one
desk per person at a time — so the constraints stay on while loading.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.accounts.passwords import hash_password
from booking.bookings.models import Booking
from booking.catalogue.models import (
    Building,
    Neighbourhood,
    OpeningHours,
    Organisation,
    OrganisationType,
    Space,
    SpaceKind,
)
from booking.demo.seed import seed_demo
from booking.timezones import local_to_utc, today

BUILDINGS = 400
SPACES_PER_BUILDING = 7.5
PEOPLE = 20_000
DAYS_BEFORE, DAYS_AFTER = 300, 65
"""The year of bookings: mostly history (for reports), some future (for searches)."""
BENCH_DOMAIN = "bench.example"
CHUNK = 20_000

COLUMNS = (
    "space_id",
    "person_id",
    "starts_at",
    "ends_at",
    "is_desk",
    "status",
    "title",
    "sequence",
    "checked_in_at",
    "cancelled_at",
    "cancellation_reason",
    "released_at",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class BenchResult:
    buildings: int
    spaces: int
    people: int
    bookings: int


def seed_bench(
    session: Session, bookings: int, *, people: int = PEOPLE, seed: int = 2026
) -> BenchResult:
    """Load the bench catalogue, `people` people and `bookings` bookings (and the demo data).

    People must outnumber a day's bookings (about bookings / 260 open days), so that nobody is
    given two desks at once.
    """
    rng = random.Random(seed)
    seed_demo(session, "bench-password")
    organisations = list(session.scalars(select(Organisation).order_by(Organisation.id)))
    bench_org = _bench_organisation(session)
    neighbourhoods = list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.id)))
    spaces = _buildings_and_spaces(session, rng, neighbourhoods, organisations)
    person_ids = _people(session, bench_org, people)
    written = _bookings(session, rng, spaces, person_ids, bookings)
    return BenchResult(BUILDINGS, len(spaces), len(person_ids), written)


def _bench_organisation(session: Session) -> Organisation:
    organisation = Organisation(name="Bench Partners", type=OrganisationType.OTHER)
    session.add(organisation)
    session.flush()
    return organisation


def _buildings_and_spaces(
    session: Session,
    rng: random.Random,
    neighbourhoods: list[Neighbourhood],
    organisations: list[Organisation],
) -> list[tuple[int, bool]]:
    """(space id, is desk) for every bench space."""
    centre = {
        n.id: (53.41 + rng.uniform(-0.04, 0.04), -2.15 + rng.uniform(-0.08, 0.08))
        for n in neighbourhoods
    }
    for number in range(BUILDINGS):
        hood = neighbourhoods[number % len(neighbourhoods)]
        lat, lon = centre[hood.id]
        building = Building(
            name=f"Bench building {number + 1}",
            neighbourhood=hood,
            owner=organisations[number % len(organisations)],
            address=f"{number + 1} Bench Street, Stockport",
            postcode="SK1 1AA",
            latitude=Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}"),
            longitude=Decimal(f"{lon + rng.uniform(-0.03, 0.03):.6f}"),
            is_demo=True,
            has_wifi=True,
            has_step_free=rng.random() < 0.7,
            has_refreshments=rng.random() < 0.6,
            opening_hours=[
                OpeningHours(weekday=d, opens=time(8), closes=time(18)) for d in range(5)
            ],
        )
        count = 7 if number % 2 else 8
        for index in range(count):
            desk = index < count - 2
            building.spaces.append(
                Space(
                    kind=SpaceKind.DESK
                    if desk
                    else (SpaceKind.MEETING_ROOM if index == count - 2 else SpaceKind.QUIET_ROOM),
                    name=f"Desk {index + 1}" if desk else f"Room {index + 1}",
                    capacity=1 if desk else 10,
                    accessible=True,
                )
            )
        session.add(building)
    session.flush()
    rows = session.execute(
        select(Space.id, Space.kind)
        .join(Building)
        .where(Building.name.like("Bench building %"))
        .order_by(Space.id)
    )
    return [(space_id, kind is SpaceKind.DESK) for space_id, kind in rows]


def _people(session: Session, organisation: Organisation, count: int) -> list[int]:
    password_hash = hash_password("bench-password")
    now = datetime.now(UTC)
    session.execute(
        insert(Person),
        [
            {
                "email": f"person{n}@{BENCH_DOMAIN}",
                "name": f"Bench person {n}",
                "organisation_id": organisation.id,
                "password_hash": password_hash,
                "email_verified_at": now,
                "active": True,
                "session_version": 1,
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    return list(
        session.scalars(
            select(Person.id).where(Person.email.like(f"%@{BENCH_DOMAIN}")).order_by(Person.id)
        )
    )


def _slots(day: date) -> dict[str, list[tuple[datetime, datetime]]]:
    """A day's bookable shapes in UTC: desk half and whole days, room hours."""

    def at(hour: int) -> datetime:
        return local_to_utc(day, time(hour))

    return {
        "desk": [(at(8), at(13)), (at(13), at(18)), (at(8), at(18))],
        "room": [(at(h), at(h + 1)) for h in range(8, 18)],
    }


def _rows(
    rng: random.Random, spaces: list[tuple[int, bool]], people: list[int], wanted: int
) -> Iterator[tuple[object, ...]]:
    start_day = today() - timedelta(days=DAYS_BEFORE)
    days = [start_day + timedelta(days=n) for n in range(DAYS_BEFORE + DAYS_AFTER)]
    open_days = [d for d in days if d.weekday() < 5]
    per_day = wanted / len(open_days)
    now = datetime.now(UTC)
    written = 0
    person_cursor = 0
    for day_index, day in enumerate(open_days):
        slots = _slots(day)
        target = round(per_day * (day_index + 1)) - written
        desks_today = set()
        for space_id, is_desk in rng.sample(spaces, len(spaces)):
            if target <= 0:
                break
            if is_desk:
                if space_id in desks_today:
                    continue
                desks_today.add(space_id)
                choice = rng.randrange(4)
                picks = (
                    [slots["desk"][2]]
                    if choice == 0
                    else (
                        [slots["desk"][0], slots["desk"][1]]
                        if choice == 1
                        else [slots["desk"][choice - 2]]
                    )
                )
            else:
                hours = sorted(rng.sample(range(10), k=min(target, rng.randint(1, 4))))
                picks = [slots["room"][h] for h in hours]
            for starts_at, ends_at in picks[:target]:
                person = people[person_cursor % len(people)]
                person_cursor += 1
                yield _row(rng, space_id, person, starts_at, ends_at, is_desk, now)
                written += 1
                target -= 1


def _row(
    rng: random.Random,
    space_id: int,
    person_id: int,
    starts_at: datetime,
    ends_at: datetime,
    is_desk: bool,
    now: datetime,
) -> tuple[object, ...]:
    result = outcome(rng, starts_at, now, cancelled=0.08, no_show=0.05)
    return (
        space_id,
        person_id,
        starts_at,
        ends_at,
        is_desk,
        result.status,
        "" if is_desk else "Team meeting",
        0,
        result.checked_in_at,
        result.cancelled_at,
        result.cancellation_reason,
        result.released_at,
        result.created_at,
        result.updated_at,
    )


@dataclass(frozen=True)
class Outcome:
    """What became of a generated booking: the columns besides its space, person and times."""

    status: str
    created_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancellation_reason: str = ""
    released_at: datetime | None = None


def outcome(
    rng: random.Random,
    starts_at: datetime,
    now: datetime,
    *,
    cancelled: float,
    no_show: float,
    grace: timedelta = timedelta(minutes=30),
) -> Outcome:
    """Made up to two weeks ahead (never after `now`); then a share `cancelled` is cancelled
    before it starts, and of those that have started a share `no_show` is released after the
    `grace` period and the rest are checked in within 20 minutes of the start.
    """
    created = min(starts_at - timedelta(hours=rng.randint(1, 24 * 14)), now)
    roll = rng.random()
    if roll < cancelled:
        cancelled_at = created + (min(starts_at, now) - created) / 2
        return Outcome("cancelled", created, cancelled_at, None, cancelled_at, "Plans changed")
    if starts_at >= now:
        return Outcome("active", created, created)
    if roll < cancelled + no_show:
        released = starts_at + grace
        return Outcome("no_show", created, released, released_at=released)
    checked_in = starts_at + timedelta(minutes=rng.randint(0, 20))
    return Outcome("active", created, checked_in, checked_in)


def _bookings(
    session: Session,
    rng: random.Random,
    spaces: list[tuple[int, bool]],
    people: list[int],
    wanted: int,
) -> int:
    rows = _rows(rng, spaces, people, wanted)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_postgresql(connection, rows)
    written = 0
    while chunk := [dict(zip(COLUMNS, row, strict=True)) for row in islice(rows, CHUNK)]:
        session.execute(insert(Booking), chunk)
        written += len(chunk)
    return written


def _copy_postgresql(connection: object, rows: Iterator[tuple[object, ...]]) -> int:
    raw = connection.connection.driver_connection  # type: ignore[attr-defined]
    written = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY booking ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def bench_data_exists(session: Session) -> bool:
    return bool(
        session.scalar(
            select(func.count()).select_from(Building).where(Building.name == "Bench building 1")
        )
    )
