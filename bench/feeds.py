"""`make bench` (also `python -m bench.feeds`): a building's calendar feed of 2,000 events.

The building has 20 desks, each booked 09:00 to 17:00 on 99 days from 20 days ago (1,980
single events), and 10 meeting rooms, each with a weekly series of 10 occurrences of which one
has moved (10 recurring events with an override each): 2,000 VEVENTs from 2,080 bookings.
Target: the feed built in under 200 ms. Two timings, each over BENCH_FEED_REQUESTS runs after
one warm-up:

- the whole request, `GET /calendar/feeds/<token>.ics` through the Flask test client (finding
  the feed, the queries, the calendar, the ETag), on SQLite and on PostgreSQL;
- `feed_calendar` alone, on bookings already loaded: the iCalendar writing.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from flask import Flask

from bench.__main__ import percentiles, postgres_database, sqlite_database
from booking import create_app, db, migrate
from booking.accounts.models import Person, Role, RoleGrant
from booking.bookings.models import Booking, BookingSeries, Frequency
from booking.calendar import feeds
from booking.calendar.ics import feed_calendar
from booking.catalogue.models import (
    Building,
    Neighbourhood,
    Organisation,
    OrganisationType,
    Space,
    SpaceKind,
)
from booking.timezones import local_to_utc, now, today

REQUESTS = int(os.environ.get("BENCH_FEED_REQUESTS", "50"))
DESKS, DAYS, ROOMS, OCCURRENCES = 20, 99, 10, 10


def seed(app: Flask) -> str:
    """The building, its bookings and its manager; the path of the manager's building feed."""
    with app.app_context(), db.transaction() as session:
        council = Organisation(name="Stockport Council", type=OrganisationType.COUNCIL)
        building = Building(
            name="Reddish Library",
            owner=council,
            neighbourhood=Neighbourhood(slug="heatons-reddish", name="Heatons & Reddish"),
            address="1 Gorton Road\nReddish",
            postcode="SK5 6UG",
            arrival_instructions="Ask at the front desk for a visitor pass.",
        )
        people = [
            Person(
                email=f"person{n}@council.example",
                name=f"Person {n}",
                organisation=council,
                email_verified_at=datetime.now(UTC),
            )
            for n in range(DESKS)
        ]
        manager = people[0]
        manager.grants.append(RoleGrant(role=Role.BUILDING_MANAGER, building=building))
        first_day = today() - timedelta(days=20)
        for n in range(DESKS):
            desk = Space(building=building, kind=SpaceKind.DESK, name=f"Desk {n + 1}")
            for offset in range(DAYS):
                day = first_day + timedelta(days=offset)
                session.add(_booking(desk, people[n], day, clock_time(9), clock_time(17)))
        for n in range(ROOMS):
            room = Space(building=building, kind=SpaceKind.MEETING_ROOM, name=f"Room {n + 1}")
            session.add(_series(room, people[n], today() + timedelta(days=7 - today().weekday())))
        session.flush()
        return (
            f"/calendar/feeds/{feeds.building_feeds(session, manager, building).building.token}.ics"
        )


def _booking(
    space: Space, person: Person, day: date, starts: clock_time, ends: clock_time, **fields: object
) -> Booking:
    return Booking(
        space=space,
        person=person,
        starts_at=local_to_utc(day, starts),
        ends_at=local_to_utc(day, ends),
        is_desk=space.kind is SpaceKind.DESK,
        **fields,
    )


def _series(room: Space, person: Person, monday: date) -> BookingSeries:
    """Mondays at 10:00 for an hour; the 5th moved to 14:00."""
    series = BookingSeries(
        person=person,
        space=room,
        title="Team meeting",
        frequency=Frequency.WEEKLY,
        weekdays="0",
        starts_on=monday,
        start_time=clock_time(10),
        duration_minutes=60,
        count=OCCURRENCES,
    )
    for week in range(OCCURRENCES):
        day = monday + timedelta(weeks=week)
        starts = clock_time(14) if week == 4 else clock_time(10)
        ends = clock_time(starts.hour + 1)
        series.bookings.append(
            _booking(room, person, day, starts, ends, title="Team meeting", occurrence_date=day)
        )
    return series


def timed(run: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time tells the work apart from waiting
    for a core on a busy machine; on PostgreSQL it leaves out the server's share)."""
    run()  # warm up
    wall, cpu = [], []
    for _ in range(REQUESTS):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def report(label: str, samples: tuple[list[float], list[float]]) -> None:
    wall, cpu = samples
    print(
        f"  {label:<22} {percentiles(wall)}   fastest {min(wall) * 1000:6.1f} ms   "
        f"CPU {percentiles(cpu)}"
    )


def bench(name: str, url: str) -> None:
    with tempfile.TemporaryDirectory() as instance:
        os.environ["INSTANCE_PATH"] = instance
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "BASE_URL": "https://sharedspaces.example"})
        path = seed(app)
        client = app.test_client()
        client.get(path)
        # As gunicorn.conf.py does in each worker: collections skip what the loaded app holds.
        gc.collect()
        gc.freeze()

        def whole_request() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            assert response.data.count(b"BEGIN:VEVENT") == DESKS * DAYS + 2 * ROOMS

        request_samples = timed(whole_request)
        with app.app_context():
            session = db.session()
            token = path.removeprefix("/calendar/feeds/").removesuffix(".ics")
            feed = feeds.feed_by_token(session, token)
            assert feed is not None
            bookings = feeds.feed_bookings(session, feed, now())
            name_ = feeds.feed_name(feed)
            writing_samples = timed(lambda: feed_calendar(name_, bookings))
            db.close_session()
        size = len(client.get(path).data)
        print(f"\n{name}, a building feed of {DESKS * DAYS + 2 * ROOMS} events ({size:,} bytes):")
        report("the whole request", request_samples)
        report("feed_calendar alone", writing_samples)


def main() -> None:
    with sqlite_database() as url:
        bench("SQLite", url)
    with postgres_database() as maybe_url:
        if maybe_url:
            bench("PostgreSQL", maybe_url)


if __name__ == "__main__":
    main()
