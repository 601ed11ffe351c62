"""What we write as iCalendar, as other programs read it: ical.js (the parser inside
Thunderbird) and vobject, never the `icalendar` library that wrote it. Plus our lint of what
Outlook is known to need."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import (
    Booking,
    BookingAttendee,
    BookingSeries,
    BookingStatus,
    Frequency,
)
from booking.calendar import ics
from booking.calendar.ics import Method
from booking.catalogue.models import Building, Space, SpaceKind
from booking.timezones import LONDON, local_to_utc
from tests.calendar_parsers import (
    content_lines,
    outlook_problems,
    parse_with_icaljs,
    parse_with_vobject,
    utc,
)
from tests.factories import Factory

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
CLOCK_CHANGES = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
EVERY_DAY = {day: (time(0), time(23, 59)) for day in range(7)}

pytestmark = pytest.mark.usefixtures("app")  # calendars read the app's configuration


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "CALENDAR_UID_DOMAIN": "sharedspaces.example",
        "MAIL_FROM": "Shared Spaces <bookings@sharedspaces.example>",
        "CLOCK": lambda: NOW,
    }


@pytest.fixture
def building(factory: Factory) -> Building:
    return factory.building(
        name="Reddish Library",
        address="1 Gorton Road\nReddish",
        postcode="SK5 6UG",
        arrival_instructions="Ask at the front desk for a visitor badge.",
        hours=EVERY_DAY,
    )


@pytest.fixture
def desk(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Desk 4")


@pytest.fixture
def room(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Room 2", kind=SpaceKind.MEETING_ROOM)


@pytest.fixture
def person(factory: Factory, building: Building) -> Person:
    return factory.person("ada@council.example", name="Ada Lovelace", organisation=building.owner)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a Europe/London wall-clock time (the first, if it happens twice)."""
    return local_to_utc(day, time(hour, minute))


def local(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02}:{minute:02}:00"


def make_series(
    db_session: Session,
    factory: Factory,
    room: Space,
    person: Person,
    days: Sequence[date],
    *,
    booked: Sequence[date] | None = None,
    cancelled: Sequence[date] = (),
    frequency: Frequency = Frequency.WEEKLY,
    weekdays: str = "",
    start: time = time(10),
    minutes: int = 60,
    until: date | None = None,
    title: str = "Team meeting",
) -> BookingSeries:
    """A series over the pattern `days` (COUNT unless `until`), booked on `booked` (default:
    every day), with the `cancelled` ones cancelled."""
    series = BookingSeries(
        person=person,
        space=room,
        title=title,
        frequency=frequency,
        weekdays=weekdays or str(days[0].weekday()),
        starts_on=days[0],
        start_time=start,
        duration_minutes=minutes,
        until=until,
        count=None if until else len(days),
        sequence=2,
    )
    db_session.add(series)
    db_session.flush()
    for day in days if booked is None else booked:
        starts_at = local_to_utc(day, start)
        factory.booking(
            room,
            person,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            series=series,
            occurrence_date=day,
            title=title,
            status=BookingStatus.CANCELLED if day in cancelled else BookingStatus.ACTIVE,
        )
    db_session.refresh(series)
    return series


def _view(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    """What both parsers must agree on: each event's identity, status and times. A
    RECURRENCE-ID is compared as wall-clock time: in the repeated autumn hour the parsers put
    the same one at different instants (and match it with their own expansion of the rule)."""

    def moment(m: dict[str, str] | None) -> tuple[str, str] | None:
        return None if m is None else (m["utc"], m["local"])

    def wall(m: dict[str, str] | None) -> str | None:
        return None if m is None else m["local"]

    return [
        {
            "uid": e["uid"],
            "sequence": e["sequence"],
            "status": e["status"],
            "summary": e["summary"],
            "start": moment(e["start"]),
            "end": moment(e["end"]),
            "recurrence_id": wall(e["recurrence_id"]),
            "exdates": [moment(x) for x in e["exdates"]],
            "occurrences": None
            if e["occurrences"] is None
            else [
                (wall(o["recurrence_id"]), moment(o["start"]), moment(o["end"]), o["summary"])
                for o in e["occurrences"]
            ],
        }
        for e in parsed["events"]
    ]


def read(data: bytes, method: str) -> dict[str, Any]:
    """The calendar as ical.js reads it, after checking vobject reads it the same way, that
    ical.js found every TZID in the calendar itself, and that the Outlook lint passes."""
    icaljs, other = parse_with_icaljs(data), parse_with_vobject(data)
    assert icaljs["method"] == other["method"] == method
    assert _view(icaljs) == _view(other)
    for event in icaljs["events"]:
        assert event["start"]["zone_defined"] and event["end"]["zone_defined"]
    assert outlook_problems(data, method) == []
    return icaljs


def one_event(parsed: dict[str, Any]) -> dict[str, Any]:
    assert len(parsed["events"]) == 1
    event: dict[str, Any] = parsed["events"][0]
    return event


def starts(occurrences: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(o["start"]["local"], o["start"]["utc"]) for o in occurrences]


# One booking, on the days the clocks change.


@pytest.mark.parametrize("day", CLOCK_CHANGES, ids=str)
def test_a_day_booked_when_the_clocks_change_keeps_its_wall_clock_times(
    factory: Factory, desk: Space, person: Person, day: date
) -> None:
    booking = factory.booking(desk, person, starts_at=at(day, 9), ends_at=at(day, 17))

    event = one_event(read(ics.invite_calendar(booking, Method.REQUEST), "REQUEST"))

    assert event["uid"] == f"booking-{booking.id}@sharedspaces.example"
    assert event["sequence"] == 0
    assert event["status"] == "CONFIRMED"
    assert event["summary"] == "Desk 4, Reddish Library"
    assert (event["start"]["local"], event["end"]["local"]) == (local(day, 9), local(day, 17))
    assert (event["start"]["utc"], event["end"]["utc"]) == (utc(at(day, 9)), utc(at(day, 17)))


@pytest.mark.parametrize("day", [date(2026, 10, 25), date(2027, 10, 31)], ids=str)
def test_times_in_the_repeated_autumn_hour_are_written_in_utc(
    factory: Factory, desk: Space, person: Person, day: date
) -> None:
    """01:30 BST to 01:30 GMT. A wall-clock 01:30 that night names two moments, and parsers
    disagree on which (ical.js takes the second), so both ends are written in UTC."""
    first = datetime.combine(day, time(1, 30), tzinfo=LONDON)
    second = first.replace(fold=1)
    booking = factory.booking(desk, person, starts_at=first.astimezone(UTC), ends_at=second)
    data = ics.download_calendar(booking)

    event = one_event(read(data, "PUBLISH"))

    assert event["start"]["utc"] == utc(first) == f"{day.isoformat()}T00:30:00Z"
    assert event["end"]["utc"] == utc(second) == f"{day.isoformat()}T01:30:00Z"
    assert event["start"]["local"] == event["end"]["local"] == local(day, 1, 30)
    assert f"DTSTART:{day:%Y%m%d}T003000Z\r\n".encode() in data
    assert f"DTEND:{day:%Y%m%d}T013000Z\r\n".encode() in data


def test_a_series_date_in_the_repeated_autumn_hour_is_pinned_by_an_override(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    sundays = [date(2026, 10, 18), date(2026, 10, 25), date(2026, 11, 1)]
    series = make_series(db_session, factory, room, person, sundays, start=time(1, 30))

    events = read(ics.series_invite_calendar(series, Method.REQUEST), "REQUEST")["events"]

    master, override = events
    assert override["recurrence_id"]["local"] == local(sundays[1], 1, 30)
    assert starts(master["occurrences"]) == [
        ("2026-10-18T01:30:00", "2026-10-18T00:30:00Z"),
        ("2026-10-25T01:30:00", "2026-10-25T00:30:00Z"),
        ("2026-11-01T01:30:00", "2026-11-01T01:30:00Z"),
    ]


# Invites.


def test_an_invite_is_organised_by_the_service_with_the_booker_and_attendees_invited(
    factory: Factory, room: Space, person: Person
) -> None:
    booking = factory.booking(
        room, person, starts_at=at(date(2026, 4, 14), 10), title="Budget review", sequence=3
    )
    booking.attendees.append(BookingAttendee(email="nurse@nhs.example"))

    event = one_event(read(ics.invite_calendar(booking, Method.REQUEST), "REQUEST"))

    assert event["organizer"] == "mailto:bookings@sharedspaces.example"
    assert event["attendees"] == ["mailto:ada@council.example", "mailto:nurse@nhs.example"]
    assert event["sequence"] == 3
    assert event["summary"] == "Budget review — Room 2, Reddish Library"
    assert event["location"] == "Reddish Library, 1 Gorton Road, Reddish, SK5 6UG"
    assert event["url"] == f"http://localhost/bookings/{booking.id}"
    assert event["description"] == (
        "When you arrive: Ask at the front desk for a visitor badge.\n\n"
        f"See, change or cancel this booking: http://localhost/bookings/{booking.id}"
    )


def test_the_invite_names_the_organiser_and_booker_and_locates_the_building(
    factory: Factory, desk: Space, person: Person
) -> None:
    booking = factory.booking(desk, person, starts_at=at(date(2026, 4, 14), 10))

    data = ics.invite_calendar(booking, Method.REQUEST)

    lines = {line.name: line for line in content_lines(data) if line.component == "VEVENT"}
    assert lines["ORGANIZER"].params["CN"] == "Shared Spaces"
    assert lines["ATTENDEE"].params["CN"] == "Ada Lovelace"
    assert lines["GEO"].value == "53.408;-2.149"


def test_a_building_without_a_position_has_no_geo(
    factory: Factory, building: Building, desk: Space, person: Person
) -> None:
    building.latitude = building.longitude = None
    booking = factory.booking(desk, person, starts_at=at(date(2026, 4, 14), 10))

    data = ics.download_calendar(booking)

    assert b"GEO:" not in data
    assert outlook_problems(data, "PUBLISH") == []


def test_a_cancellation_has_the_same_uid_and_the_sequence_it_is_given(
    factory: Factory, desk: Space, person: Person
) -> None:
    booking = factory.booking(desk, person, starts_at=at(date(2026, 4, 14), 10), sequence=1)
    request = one_event(read(ics.invite_calendar(booking, Method.REQUEST), "REQUEST"))
    booking.sequence = 2

    cancel = one_event(read(ics.invite_calendar(booking, Method.CANCEL), "CANCEL"))

    assert cancel["uid"] == request["uid"]
    assert (request["sequence"], cancel["sequence"]) == (1, 2)
    assert cancel["status"] == "CANCELLED"


def test_a_cancellation_can_go_only_to_the_people_removed_from_the_booking(
    factory: Factory, room: Space, person: Person
) -> None:
    booking = factory.booking(room, person, starts_at=at(date(2026, 4, 14), 10))

    data = ics.invite_calendar(booking, Method.CANCEL, attendees=["Nurse@NHS.example"])

    assert one_event(read(data, "CANCEL"))["attendees"] == ["mailto:nurse@nhs.example"]


def test_the_service_mailbox_is_never_also_an_attendee(
    factory: Factory, room: Space, person: Person
) -> None:
    booking = factory.booking(room, person, starts_at=at(date(2026, 4, 14), 10))
    booking.attendees.append(BookingAttendee(email="bookings@sharedspaces.example"))

    data = ics.invite_calendar(booking, Method.REQUEST)

    assert one_event(read(data, "REQUEST"))["attendees"] == ["mailto:ada@council.example"]


def test_uids_use_the_configured_domain(
    app: Flask, factory: Factory, desk: Space, person: Person
) -> None:
    booking = factory.booking(desk, person)
    app.config["CALENDAR_UID_DOMAIN"] = "bookings.stockport.example"

    assert ics.booking_uid(booking) == f"booking-{booking.id}@bookings.stockport.example"


def test_long_text_is_escaped_and_folded_without_breaking_characters_or_escapes(
    factory: Factory, room: Space
) -> None:
    title = "Café; ünïcödé, back\\slash — " * 6
    booker = factory.person(name='Ada "The Countess" Lovelace')
    booking = factory.booking(room, booker, starts_at=at(date(2026, 4, 14), 10), title=title)

    data = ics.invite_calendar(booking, Method.REQUEST)

    assert [line.decode() for line in data.split(b"\r\n")]  # every line is whole UTF-8
    assert all(not re.search(rb"(?<!\\)(\\\\)*\\$", line) for line in data.split(b"\r\n"))
    event = one_event(read(data, "REQUEST"))
    assert event["summary"] == f"{title} — Room 2, Reddish Library"
    lines = [line for line in content_lines(data) if line.name == "ATTENDEE"]
    assert lines[0].params["CN"] == "Ada 'The Countess' Lovelace"


# Series: one recurring event.


def test_a_weekly_series_across_the_october_change_keeps_10am_local(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    tuesdays = [date(2026, 10, 13), date(2026, 10, 20), date(2026, 10, 27), date(2026, 11, 3)]
    series = make_series(db_session, factory, room, person, tuesdays)

    event = one_event(read(ics.series_invite_calendar(series, Method.REQUEST), "REQUEST"))

    assert event["uid"] == f"series-{series.id}@sharedspaces.example"
    assert event["sequence"] == 2
    assert event["rrule"] == "FREQ=WEEKLY;COUNT=4;BYDAY=TU"
    assert event["exdates"] == []
    assert starts(event["occurrences"]) == [
        ("2026-10-13T10:00:00", "2026-10-13T09:00:00Z"),
        ("2026-10-20T10:00:00", "2026-10-20T09:00:00Z"),
        ("2026-10-27T10:00:00", "2026-10-27T10:00:00Z"),
        ("2026-11-03T10:00:00", "2026-11-03T10:00:00Z"),
    ]
    assert [o["end"]["local"] for o in event["occurrences"]][2] == "2026-10-27T11:00:00"


def test_dates_without_an_active_occurrence_are_excluded(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    """One date was taken when the series was booked, another was cancelled since."""
    mondays = [date(2027, 3, 15) + timedelta(weeks=n) for n in range(4)]
    series = make_series(
        db_session,
        factory,
        room,
        person,
        mondays,
        booked=[mondays[0], mondays[2], mondays[3]],
        cancelled=[mondays[2]],
    )

    event = one_event(read(ics.series_invite_calendar(series, Method.REQUEST), "REQUEST"))

    assert [x["local"] for x in event["exdates"]] == [
        local(mondays[1], 10),
        local(mondays[2], 10),
    ]
    assert [o["start"]["local"] for o in event["occurrences"]] == [
        local(mondays[0], 10),
        local(mondays[3], 10),
    ]


def test_a_moved_occurrence_is_an_override_of_its_planned_start(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    wednesdays = [date(2027, 3, 17) + timedelta(weeks=n) for n in range(3)]
    series = make_series(db_session, factory, room, person, wednesdays)
    moved = series.bookings[2]  # 31 March, after the clocks went forward
    moved.starts_at, moved.ends_at = at(wednesdays[2], 14), at(wednesdays[2], 15, 30)
    moved.space = factory.space(room.building, name="Room 3", kind=SpaceKind.MEETING_ROOM)

    events = read(ics.series_invite_calendar(series, Method.REQUEST), "REQUEST")["events"]

    master, override = events
    assert override["uid"] == master["uid"]
    assert override["sequence"] == master["sequence"] == 2
    assert override["recurrence_id"]["local"] == local(wednesdays[2], 10)
    assert override["summary"] == "Team meeting — Room 3, Reddish Library"
    assert [
        (o["start"]["local"], o["end"]["local"], o["summary"]) for o in master["occurrences"]
    ] == [
        (local(wednesdays[0], 10), local(wednesdays[0], 11), master["summary"]),
        (local(wednesdays[1], 10), local(wednesdays[1], 11), master["summary"]),
        (local(wednesdays[2], 14), local(wednesdays[2], 15, 30), override["summary"]),
    ]


def test_cancelling_one_date_cancels_its_recurrence_id(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    thursdays = [date(2026, 10, 22), date(2026, 10, 29)]
    series = make_series(db_session, factory, room, person, thursdays)
    series.sequence = 3

    data = ics.series_invite_calendar(series, Method.CANCEL, occurrences=[series.bookings[1]])

    event = one_event(read(data, "CANCEL"))
    assert event["uid"] == f"series-{series.id}@sharedspaces.example"
    assert (event["status"], event["sequence"]) == ("CANCELLED", 3)
    assert event["recurrence_id"]["local"] == local(thursdays[1], 10)
    assert event["recurrence_id"]["utc"] == "2026-10-29T10:00:00Z"
    assert event["attendees"] == ["mailto:ada@council.example"]


def test_cancelling_the_whole_series_cancels_its_uid(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    series = make_series(db_session, factory, room, person, [date(2026, 10, 22)])

    event = one_event(read(ics.series_invite_calendar(series, Method.CANCEL), "CANCEL"))

    assert event["status"] == "CANCELLED"
    assert event["recurrence_id"] is None
    assert event["rrule"] == "FREQ=WEEKLY;COUNT=1;BYDAY=TH"


def test_a_series_ending_on_a_date_ends_there(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    days = [date(2027, 3, 22), date(2027, 3, 24), date(2027, 3, 29), date(2027, 3, 31)]
    series = make_series(
        db_session, factory, room, person, days, weekdays="0,2", until=date(2027, 4, 2)
    )
    data = ics.series_invite_calendar(series, Method.REQUEST)

    event = one_event(read(data, "REQUEST"))

    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270402T090000Z;BYDAY=MO,WE\r\n" in data
    assert starts(event["occurrences"]) == [
        ("2027-03-22T10:00:00", "2027-03-22T10:00:00Z"),
        ("2027-03-24T10:00:00", "2027-03-24T10:00:00Z"),
        ("2027-03-29T10:00:00", "2027-03-29T09:00:00Z"),
        ("2027-03-31T10:00:00", "2027-03-31T09:00:00Z"),
    ]


def test_a_daily_series_is_every_day_with_the_days_the_building_is_closed_excluded(
    db_session: Session, factory: Factory, person: Person
) -> None:
    """ "Daily" is every day the building opens (here weekdays): no RRULE says that."""
    room = factory.space(factory.building(), kind=SpaceKind.MEETING_ROOM)
    weekdays = [date(2026, 10, 22), date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 27)]
    series = make_series(
        db_session, factory, room, person, weekdays, frequency=Frequency.DAILY, weekdays=""
    )

    event = one_event(read(ics.series_invite_calendar(series, Method.REQUEST), "REQUEST"))

    assert event["rrule"] == "FREQ=DAILY;UNTIL=20261027T100000Z"
    assert [x["local"][:10] for x in event["exdates"]] == ["2026-10-24", "2026-10-25"]
    assert starts(event["occurrences"]) == [
        ("2026-10-22T10:00:00", "2026-10-22T09:00:00Z"),
        ("2026-10-23T10:00:00", "2026-10-23T09:00:00Z"),
        ("2026-10-26T10:00:00", "2026-10-26T10:00:00Z"),
        ("2026-10-27T10:00:00", "2026-10-27T10:00:00Z"),
    ]


def test_a_date_whose_start_the_clocks_skip_is_excluded(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    """01:30 on 29 March 2026 does not exist, so that Sunday was never booked. The EXDATE is
    the planned wall-clock time with TZID: each parser resolves the missing time its own way,
    but the same way for the rule's date and the EXDATE, so they always match."""
    sundays = [date(2026, 3, 22), date(2026, 3, 29), date(2026, 4, 5)]
    series = make_series(
        db_session,
        factory,
        room,
        person,
        sundays,
        booked=[sundays[0], sundays[2]],
        start=time(1, 30),
    )
    data = ics.series_invite_calendar(series, Method.REQUEST)

    event = one_event(read(data, "REQUEST"))

    assert b"EXDATE;TZID=Europe/London:20260329T013000\r\n" in data
    assert starts(event["occurrences"]) == [
        ("2026-03-22T01:30:00", "2026-03-22T01:30:00Z"),
        ("2026-04-05T01:30:00", "2026-04-05T00:30:00Z"),
    ]


# Downloads and feeds.


def test_add_to_calendar_publishes_one_event_without_people(
    factory: Factory, room: Space, person: Person
) -> None:
    booking = factory.booking(room, person, starts_at=at(date(2026, 4, 14), 10))
    booking.attendees.append(BookingAttendee(email="nurse@nhs.example"))

    data = ics.download_calendar(booking)

    event = one_event(read(data, "PUBLISH"))
    assert event["uid"] == f"booking-{booking.id}@sharedspaces.example"
    assert event["status"] == "CONFIRMED"
    assert (event["organizer"], event["attendees"]) == (None, [])
    assert outlook_problems(data, "PUBLISH", uids=[ics.booking_uid(booking)]) == []


def test_a_series_download_publishes_the_whole_series(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    fridays = [date(2026, 10, 23), date(2026, 10, 30), date(2026, 11, 6)]
    series = make_series(db_session, factory, room, person, fridays, cancelled=[fridays[1]])

    event = one_event(read(ics.series_download_calendar(series), "PUBLISH"))

    assert (event["organizer"], event["attendees"]) == (None, [])
    assert [o["start"]["local"] for o in event["occurrences"]] == [
        local(fridays[0], 10),
        local(fridays[2], 10),
    ]


def feed_of(factory: Factory, desk: Space, person: Person) -> list[Booking]:
    return [
        factory.booking(desk, person, starts_at=at(date(2026, 10, 26), 9)),
        factory.booking(desk, person, starts_at=at(date(2026, 10, 23), 9)),
        factory.booking(
            desk, person, starts_at=at(date(2026, 10, 24), 9), status=BookingStatus.CANCELLED
        ),
    ]


def test_a_feed_is_named_refreshes_hourly_and_leaves_cancelled_bookings_out(
    factory: Factory, desk: Space, person: Person
) -> None:
    bookings = feed_of(factory, desk, person)

    data = ics.feed_calendar("Ada Lovelace's bookings", bookings)

    parsed = read(data, "PUBLISH")
    assert parsed["name"] == parsed["x_wr_calname"] == "Ada Lovelace's bookings"
    assert parsed["x_wr_timezone"] == "Europe/London"
    assert parsed["refresh_interval"] == {"value": "PT1H", "type": "duration"}
    assert parsed["published_ttl"]["value"] == "PT1H"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert [e["uid"] for e in parsed["events"]] == [
        ics.booking_uid(bookings[1]),
        ics.booking_uid(bookings[0]),
    ]
    assert {e["status"] for e in parsed["events"]} == {"CONFIRMED"}


def test_a_feed_is_the_same_bytes_for_the_same_bookings(
    factory: Factory, desk: Space, person: Person
) -> None:
    bookings = feed_of(factory, desk, person)

    first = ics.feed_calendar("Bookings", bookings)

    assert ics.feed_calendar("Bookings", list(reversed(bookings))) == first
    stamps = [line.value for line in content_lines(first) if line.name == "DTSTAMP"]
    assert stamps == [f"{b.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" for b in bookings[1::-1]]


def test_a_feed_writes_a_series_as_one_event_with_its_exclusions_and_overrides(
    db_session: Session, factory: Factory, room: Space, desk: Space, person: Person
) -> None:
    tuesdays = [date(2026, 10, 13) + timedelta(weeks=n) for n in range(4)]
    series = make_series(db_session, factory, room, person, tuesdays, cancelled=[tuesdays[1]])
    moved = series.bookings[3]
    moved.starts_at, moved.ends_at = at(tuesdays[3], 12), at(tuesdays[3], 13)
    single = factory.booking(desk, person, starts_at=at(date(2026, 10, 14), 9))

    data = ics.feed_calendar("Bookings", [*series.bookings, single])

    events = read(data, "PUBLISH")["events"]
    assert [(e["uid"], e["recurrence_id"] is not None) for e in events] == [
        (ics.series_uid(series), False),
        (ics.series_uid(series), True),
        (ics.booking_uid(single), False),
    ]
    assert starts(events[0]["occurrences"]) == [
        ("2026-10-13T10:00:00", "2026-10-13T09:00:00Z"),
        ("2026-10-27T10:00:00", "2026-10-27T10:00:00Z"),
        ("2026-11-03T12:00:00", "2026-11-03T12:00:00Z"),
    ]
    assert ics.feed_calendar("Bookings", [single, *reversed(series.bookings)]) == data


def test_a_feed_can_list_each_occurrence_of_a_series_as_an_event(
    db_session: Session, factory: Factory, room: Space, person: Person
) -> None:
    tuesdays = [date(2026, 10, 13), date(2026, 10, 20)]
    series = make_series(db_session, factory, room, person, tuesdays)

    data = ics.feed_calendar("Bookings", series.bookings, series_overrides=False)

    events = read(data, "PUBLISH")["events"]
    assert [e["uid"] for e in events] == [ics.booking_uid(b) for b in series.bookings]
    assert [e["rrule"] for e in events] == [None, None]


# The VTIMEZONE is ours, in the yearly-rule form.


def test_every_calendar_has_our_yearly_rule_timezone_and_no_other(
    factory: Factory, desk: Space, person: Person
) -> None:
    booking = factory.booking(desk, person, starts_at=at(date(2027, 3, 25), 10))

    data = ics.download_calendar(booking)

    zone = data[data.index(b"BEGIN:VTIMEZONE") : data.index(b"END:VTIMEZONE")].decode()
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert "RDATE" not in zone
    assert zone.split("\r\n")[1:] == [
        "TZID:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "",
    ]
    # The case the library's own timezone got wrong in ical.js: 25 March 2027, before the change.
    assert one_event(read(data, "PUBLISH"))["start"]["utc"] == "2027-03-25T10:00:00Z"


# The Outlook lint: passes what we write, catches what breaks Outlook.


def _library_calendar(method: str, **extra: Any) -> bytes:
    """A calendar made the library's way, with the defects FACTS.md records."""
    calendar = Calendar()
    calendar.add("prodid", "-//Test//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for name, value in extra.items():
        calendar.add(name.replace("_", "-"), value)
    event = Event()
    event.add("uid", "booking-1@sharedspaces.example")
    event.add("sequence", 0)
    event.add("dtstamp", NOW)
    event.add("dtstart", datetime(2027, 3, 25, 10, tzinfo=LONDON))
    event.add("dtend", datetime(2027, 3, 25, 11, tzinfo=LONDON))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _swap(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def swap(data: bytes) -> bytes:
        assert old in data
        return data.replace(old, new)

    return swap


def _drop_timezone(data: bytes) -> bytes:
    return data[: data.index(b"BEGIN:VTIMEZONE")] + data[data.index(b"END:VTIMEZONE\r\n") + 15 :]


def _unfold(data: bytes) -> bytes:
    return data.replace(b"\r\n ", b"")


@pytest.fixture
def invite(factory: Factory, room: Space, person: Person) -> bytes:
    booking = factory.booking(room, person, starts_at=at(date(2026, 4, 14), 10), title="Long " * 20)
    return ics.invite_calendar(booking, Method.REQUEST)


BROKEN: list[tuple[str, Callable[[bytes], bytes], str, str]] = [
    ("bare LF", lambda d: d.replace(b"\r\n", b"\n"), "REQUEST", "without CRLF"),
    ("long line", _unfold, "REQUEST", "octets long"),
    ("no timezone", _drop_timezone, "REQUEST", "no VTIMEZONE"),
    (
        "undefined TZID",
        _swap(b"TZID=Europe/London", b"TZID=GMT"),
        "REQUEST",
        "no VTIMEZONE defines",
    ),
    (
        "local DTSTAMP",
        _swap(b"DTSTAMP:20260301T120000Z", b"DTSTAMP:20260301T120000"),
        "REQUEST",
        "DTSTAMP",
    ),
    ("other METHOD", lambda d: d, "PUBLISH", "METHOD is ['REQUEST'], expected PUBLISH"),
    ("no METHOD", _swap(b"METHOD:REQUEST\r\n", b""), "REQUEST", "METHOD is missing"),
    ("no ORGANIZER", _swap(b"ORGANIZER;", b"X-ORGANIZER;"), "REQUEST", "needs one ORGANIZER"),
    (
        "ORGANIZER attends",
        _swap(b"mailto:ada@council.example", b"mailto:bookings@sharedspaces.example"),
        "REQUEST",
        "also an ATTENDEE",
    ),
    ("no UID", _swap(b"\r\nUID:", b"\r\nX-UID:"), "REQUEST", "no UID"),
    ("no SEQUENCE", _swap(b"SEQUENCE:0\r\n", b""), "REQUEST", "no SEQUENCE"),
    (
        "ATTENDEE in PUBLISH",
        _swap(b"METHOD:REQUEST", b"METHOD:PUBLISH"),
        "PUBLISH",
        "ATTENDEE in a PUBLISH",
    ),
    (
        "monthly RRULE",
        _swap(b"TRANSP:OPAQUE\r\n", b"TRANSP:OPAQUE\r\nRRULE:FREQ=MONTHLY;BYDAY=2TU\r\n"),
        "REQUEST",
        "RRULE FREQ=MONTHLY",
    ),
    (
        "weekly RRULE without BYDAY",
        _swap(b"TRANSP:OPAQUE\r\n", b"TRANSP:OPAQUE\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"),
        "REQUEST",
        "RRULE FREQ=WEEKLY;COUNT=3",
    ),
]


def test_the_lint_passes_what_we_write(invite: bytes) -> None:
    assert outlook_problems(invite, "REQUEST") == []


@pytest.mark.parametrize(
    ("break_it", "method", "problem"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_the_lint_catches_what_outlook_cannot_take(
    invite: bytes, break_it: Callable[[bytes], bytes], method: str, problem: str
) -> None:
    problems = outlook_problems(break_it(invite), method)

    assert any(problem in p for p in problems), problems


def test_the_lint_catches_a_uid_that_is_not_the_one_expected(invite: bytes) -> None:
    problems = outlook_problems(invite, "REQUEST", uids=["booking-2@sharedspaces.example"])

    assert any("UID is not one of" in p for p in problems), problems


def test_the_lint_catches_the_library_defects_we_work_around() -> None:
    """The library's own VTIMEZONE (RDATEs) and its timedelta REFRESH-INTERVAL and TTL."""
    data = _library_calendar(
        "PUBLISH", refresh_interval=timedelta(hours=1), x_published_ttl=timedelta(hours=1)
    )

    problems = outlook_problems(data, "PUBLISH")

    assert "the VTIMEZONE uses RDATE (Outlook misreads it): use yearly RRULEs" in problems
    assert "REFRESH-INTERVAL without VALUE=DURATION" in problems
    assert "X-PUBLISHED-TTL '1:00:00' is not a duration" in problems
