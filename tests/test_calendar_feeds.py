"""Calendar feeds: what a feed shows, read by ical.js and vobject, and how it is served."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.http import http_date
from werkzeug.test import TestResponse

from booking.accounts.models import Person
from booking.bookings.models import (
    Booking,
    BookingAttendee,
    BookingSeries,
    BookingStatus,
    Frequency,
)
from booking.calendar import feeds
from booking.calendar.models import CalendarFeed
from booking.catalogue.models import Building, Space, SpaceKind
from booking.timezones import local_to_utc
from tests.calendar_parsers import outlook_problems, parse_with_icaljs, parse_with_vobject
from tests.factories import Factory

ALL_DAY = {day: (time(7), time(22)) for day in range(7)}


@dataclass
class Clock:
    now: datetime = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday

    @property
    def today(self) -> date:
        return self.now.date()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {
        **app_config,
        "CLOCK": lambda: clock.now,
        "CALENDAR_UID_DOMAIN": "sharedspaces.example",
    }


EARLIER = datetime(2026, 11, 1, tzinfo=UTC)
"""When the catalogue was last changed: `updated_at` is the real time unless a test sets it."""


@pytest.fixture
def library(factory: Factory, db_session: Session) -> Building:
    building = factory.building(
        name="Reddish Library", address="1 Gorton Road\nReddish", postcode="SK5 6UG", hours=ALL_DAY
    )
    building.updated_at = EARLIER  # after its opening hours, which set it when they change
    db_session.flush()
    return building


@pytest.fixture
def desk(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Desk 4", updated_at=EARLIER)


@pytest.fixture
def room(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Room 2", kind=SpaceKind.MEETING_ROOM, updated_at=EARLIER)


@pytest.fixture
def nurse(factory: Factory, library: Building) -> Person:
    return factory.person("nurse@nhs.example", organisation=library.owner)


@pytest.fixture
def personal(app: Flask, db_session: Session, nurse: Person) -> CalendarFeed:
    return feeds.personal_feed(db_session, nurse)


Book = Callable[..., Booking]


@pytest.fixture
def book(factory: Factory, desk: Space, nurse: Person, clock: Clock) -> Book:
    """A booking `days` from the clock's day, 09:00 to 17:00 London time, changed a day ago."""

    def book(
        days: int = 1,
        space: Space | None = None,
        person: Person | None = None,
        starts: time = time(9),
        **fields: Any,
    ) -> Booking:
        day = clock.today + timedelta(days=days)
        starts_at = local_to_utc(day, starts)
        fields.setdefault("updated_at", clock.now - timedelta(days=1))
        return factory.booking(
            space or desk,
            person or nurse,
            starts_at=starts_at,
            ends_at=local_to_utc(day, time(17)),
            **fields,
        )

    return book


def path(feed: CalendarFeed) -> str:
    return f"/calendar/feeds/{feed.token}.ics"


def fetch(client: FlaskClient, feed: CalendarFeed, **headers: str) -> TestResponse:
    return client.get(path(feed), headers=headers)


def events(client: FlaskClient, feed: CalendarFeed) -> list[dict[str, Any]]:
    """The feed's events as ical.js reads them, after checking vobject reads the same."""
    body = fetch(client, feed).data
    by_icaljs, by_vobject = parse_with_icaljs(body), parse_with_vobject(body)
    assert [(e["uid"], at(e["start"]), at(e["end"])) for e in by_icaljs["events"]] == [
        (e["uid"], at(e["start"]), at(e["end"])) for e in by_vobject["events"]
    ]
    found: list[dict[str, Any]] = by_icaljs["events"]
    return found


def at(moment: dict[str, str]) -> tuple[str, str]:
    """A parsed moment as (UTC, Europe/London wall-clock time)."""
    return moment["utc"], moment["local"]


def uid(booking: Booking) -> str:
    return f"booking-{booking.id}@sharedspaces.example"


def test_a_personal_feed_is_a_published_calendar_of_the_persons_bookings(
    client: FlaskClient, personal: CalendarFeed, book: Book, factory: Factory, desk: Space
) -> None:
    mine = book(days=6)  # Tuesday 1 December 2026, GMT
    book(days=6, space=factory.space(desk.building), person=factory.person())

    response = fetch(client, personal)

    assert outlook_problems(response.data, "PUBLISH") == []
    for parsed in (parse_with_icaljs(response.data), parse_with_vobject(response.data)):
        assert parsed["method"] == "PUBLISH"
        assert parsed["name"] == parsed["x_wr_calname"] == "Shared Spaces — your bookings"
        assert parsed["x_wr_timezone"] == "Europe/London"
        [event] = parsed["events"]
        assert event["uid"] == uid(mine)
        assert event["summary"] == "Desk 4, Reddish Library"
        assert at(event["start"]) == ("2026-12-01T09:00:00Z", "2026-12-01T09:00:00")
        assert at(event["end"]) == ("2026-12-01T17:00:00Z", "2026-12-01T17:00:00")
        assert event["attendees"] == []
        assert event["organizer"] is None
    text = response.data.decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert "ATTENDEE" not in text


def test_a_personal_feed_holds_the_room_bookings_the_person_is_invited_to(
    client: FlaskClient,
    personal: CalendarFeed,
    book: Book,
    factory: Factory,
    room: Space,
    nurse: Person,
) -> None:
    organiser = factory.person()
    meeting = book(days=2, space=room, person=organiser, title="Case review")
    meeting.attendees.append(BookingAttendee(email=nurse.email))
    book(days=3, space=room, person=organiser, title="Not for the nurse", starts=time(8))

    [event] = events(client, personal)

    assert event["uid"] == uid(meeting)
    assert event["summary"] == "Case review — Room 2, Reddish Library"
    assert event["attendees"] == []


def test_the_feed_shows_30_days_back_to_a_year_ahead(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    book(days=-31)
    shown = [book(days=-29), book(days=-30), book(days=0), book(days=364)]
    book(days=367)

    assert {event["uid"] for event in events(client, personal)} == {uid(b) for b in shown}


def test_cancelled_and_no_show_bookings_are_left_out(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    kept = book(days=1)
    book(days=2, status=BookingStatus.CANCELLED)
    book(days=-2, status=BookingStatus.NO_SHOW)

    assert [event["uid"] for event in events(client, personal)] == [uid(kept)]


def test_a_series_is_one_recurring_event_with_exdates_and_overrides(
    client: FlaskClient,
    personal: CalendarFeed,
    db_session: Session,
    factory: Factory,
    room: Space,
    nurse: Person,
) -> None:
    """Tuesdays at 10:00 for 5 weeks: the 3rd cancelled, the 4th moved to 14:00."""
    series = BookingSeries(
        person=nurse,
        space=room,
        title="Drop-in clinic",
        frequency=Frequency.WEEKLY,
        weekdays="1",
        starts_on=date(2026, 12, 1),
        start_time=time(10),
        duration_minutes=60,
        count=5,
    )
    db_session.add(series)
    for week in range(5):
        day = date(2026, 12, 1) + timedelta(weeks=week)
        starts_at = local_to_utc(day, time(14 if week == 3 else 10))
        factory.booking(
            room,
            nurse,
            starts_at=starts_at,
            series=series,
            occurrence_date=day,
            title="Drop-in clinic",
            status=BookingStatus.CANCELLED if week == 2 else BookingStatus.ACTIVE,
        )

    body = fetch(client, personal).data

    assert outlook_problems(body, "PUBLISH") == []
    for parsed in (parse_with_icaljs(body), parse_with_vobject(body)):
        master, override = parsed["events"]
        assert master["uid"] == override["uid"] == f"series-{series.id}@sharedspaces.example"
        assert [at(moment) for moment in master["exdates"]] == [
            ("2026-12-15T10:00:00Z", "2026-12-15T10:00:00")
        ]
        assert [o["start"]["local"] for o in master["occurrences"]] == [
            "2026-12-01T10:00:00",
            "2026-12-08T10:00:00",
            "2026-12-22T14:00:00",
            "2026-12-29T10:00:00",
        ]


def test_the_same_data_gives_the_same_bytes(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    book(days=1)
    book(days=40)

    first, second = fetch(client, personal), fetch(client, personal)

    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_the_feed_is_served_as_an_uncompressed_calendar_to_revalidate(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    book(days=1)

    response = fetch(client, personal, **{"Accept-Encoding": "gzip, deflate, br"})

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert response.headers["ETag"].startswith('"')  # strong, not W/"…"
    assert response.headers["Last-Modified"].endswith(" GMT")
    assert response.headers["Cache-Control"] == "private, max-age=0, must-revalidate, no-transform"


def test_head_answers_with_the_headers_only(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    book(days=1)
    full = fetch(client, personal)

    head = client.head(path(personal))

    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(full.data))


def test_an_unchanged_feed_answers_304_to_either_conditional_header(
    client: FlaskClient, personal: CalendarFeed, book: Book
) -> None:
    book(days=1)
    first = fetch(client, personal)

    by_etag = fetch(client, personal, **{"If-None-Match": first.headers["ETag"]})
    by_date = fetch(client, personal, **{"If-Modified-Since": first.headers["Last-Modified"]})

    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.data == by_date.data == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]


def test_a_cancellation_changes_the_etag_and_the_last_modified(
    client: FlaskClient, personal: CalendarFeed, book: Book, db_session: Session, clock: Clock
) -> None:
    start = clock.now
    booking = book(days=1, updated_at=start - timedelta(days=1))
    book(days=2, updated_at=start - timedelta(days=1))
    first = fetch(client, personal)

    clock.now = start + timedelta(hours=2)
    booking.status = BookingStatus.CANCELLED
    booking.updated_at = start + timedelta(hours=1)
    db_session.flush()
    by_etag = fetch(client, personal, **{"If-None-Match": first.headers["ETag"]})
    by_date = fetch(client, personal, **{"If-Modified-Since": first.headers["Last-Modified"]})

    assert by_etag.status_code == by_date.status_code == 200
    assert by_etag.headers["ETag"] != first.headers["ETag"]
    assert by_etag.headers["Last-Modified"] == http_date(start + timedelta(hours=1))
    assert uid(booking).encode() not in by_etag.data


def test_the_feed_is_modified_at_least_every_midnight_as_its_window_moves(
    client: FlaskClient, personal: CalendarFeed, book: Book, clock: Clock
) -> None:
    book(days=1, updated_at=clock.now - timedelta(days=3))
    first = fetch(client, personal)

    clock.now += timedelta(days=1)
    next_day = fetch(client, personal, **{"If-Modified-Since": first.headers["Last-Modified"]})

    assert next_day.status_code == 200
    assert next_day.headers["Last-Modified"] == http_date(datetime(2026, 11, 26, tzinfo=UTC))


@pytest.mark.parametrize("token", ["no-such-token", "x" * 65, "%2e%2e"])
def test_an_unknown_token_is_a_plain_404(client: FlaskClient, token: str) -> None:
    response = client.get(f"/calendar/feeds/{token}.ics")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.data == b"Not found\n"


def test_a_feed_stops_when_its_persons_account_is_deactivated(
    client: FlaskClient, personal: CalendarFeed, nurse: Person, db_session: Session
) -> None:
    nurse.active = False
    db_session.flush()

    assert fetch(client, personal).status_code == 404


def test_the_first_read_makes_the_feed_and_later_reads_find_it(
    db_session: Session, nurse: Person
) -> None:
    first = feeds.personal_feed(db_session, nurse)

    assert feeds.personal_feed(db_session, nurse) is first
    assert len(first.token) == 43  # 256 bits, URL-safe


def test_when_two_first_reads_each_made_a_feed_both_work_and_the_oldest_is_shown(
    client: FlaskClient, db_session: Session, nurse: Person, clock: Clock
) -> None:
    older = CalendarFeed(token=feeds.new_token(), person=nurse, created_at=clock.now)
    newer = CalendarFeed(
        token=feeds.new_token(), person=nurse, created_at=clock.now + timedelta(seconds=1)
    )
    db_session.add_all([newer, older])
    db_session.flush()

    assert feeds.personal_feed(db_session, nurse) is older
    assert fetch(client, older).status_code == fetch(client, newer).status_code == 200

    feeds.reset_feed(db_session, nurse, older)

    assert fetch(client, older).status_code == fetch(client, newer).status_code == 404


def test_a_building_feed_shows_every_booking_in_the_building_and_a_space_feed_one_space(
    client: FlaskClient,
    db_session: Session,
    factory: Factory,
    library: Building,
    desk: Space,
    room: Space,
    book: Book,
) -> None:
    manager = factory.building_manager(library)
    at_desk = book(days=1, person=factory.person())
    in_room = book(days=1, space=room, person=factory.person())
    book(days=1, space=factory.space(), person=factory.person())  # another building
    found = feeds.building_feeds(db_session, manager, library)
    [room_feed] = [feed for space, feed in found.spaces if space == room]

    assert {e["uid"] for e in events(client, found.building)} == {uid(at_desk), uid(in_room)}
    assert [e["uid"] for e in events(client, room_feed)] == [uid(in_room)]
    named = parse_with_icaljs(fetch(client, room_feed).data)["x_wr_calname"]
    assert named == "Shared Spaces — Room 2 at Reddish Library"


def test_a_building_feed_stops_when_its_holder_stops_managing_the_building(
    client: FlaskClient, db_session: Session, factory: Factory, library: Building, desk: Space
) -> None:
    manager = factory.building_manager(library)
    found = feeds.building_feeds(db_session, manager, library)
    [(_, space_feed)] = found.spaces
    assert fetch(client, found.building).status_code == 200

    manager.grants.clear()
    db_session.flush()

    assert fetch(client, found.building).status_code == 404
    assert fetch(client, space_feed).status_code == 404


def test_only_managers_and_administrators_may_have_a_buildings_feeds(
    db_session: Session, factory: Factory, library: Building
) -> None:
    with pytest.raises(feeds.FeedNotAllowed):
        feeds.building_feeds(db_session, factory.person(), library)
    with pytest.raises(feeds.FeedNotAllowed):
        feeds.building_feeds(db_session, factory.building_manager(factory.building()), library)

    assert feeds.building_feeds(db_session, factory.administrator(), library).building.token
    assert feeds.building_feeds(db_session, factory.building_manager(library), library)


def add_series(
    db_session: Session, factory: Factory, space: Space, person: Person, frequency: Frequency
) -> BookingSeries:
    """Four occurrences from Monday 7 December 2026, daily or weekly."""
    series = BookingSeries(
        person=person,
        space=space,
        title=f"{frequency} meeting",
        frequency=frequency,
        weekdays="0" if frequency is Frequency.WEEKLY else "",
        starts_on=date(2026, 12, 7),
        start_time=time(8),
        duration_minutes=30,
        count=4,
    )
    db_session.add(series)
    step = timedelta(weeks=1) if frequency is Frequency.WEEKLY else timedelta(days=1)
    for n in range(4):
        day = date(2026, 12, 7) + n * step
        factory.booking(
            space,
            person,
            starts_at=local_to_utc(day, time(8)),
            ends_at=local_to_utc(day, time(8, 30)),
            series=series,
            occurrence_date=day,
            title=series.title,
        )
    return series


def test_a_feed_is_read_with_the_same_number_of_queries_however_many_bookings(
    client: FlaskClient,
    db_session: Session,
    factory: Factory,
    library: Building,
    book: Book,
    count_queries: Any,
) -> None:
    manager = factory.building_manager(library)
    feed = feeds.building_feeds(db_session, manager, library).building
    rooms = [factory.space(library, kind=SpaceKind.MEETING_ROOM) for _ in range(3)]
    book(days=1, person=factory.person())
    add_series(db_session, factory, rooms[0], manager, Frequency.WEEKLY)
    with count_queries() as few:
        assert fetch(client, feed).status_code == 200

    for days in range(2, 42):
        book(days=days, person=factory.person(), space=factory.space(library))
    add_series(db_session, factory, rooms[1], manager, Frequency.DAILY)
    add_series(db_session, factory, rooms[2], factory.person(), Frequency.WEEKLY)
    with count_queries() as many:
        assert fetch(client, feed).status_code == 200

    assert len(many) == len(few)
    assert len(few) <= 10
