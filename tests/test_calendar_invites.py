"""Calendar invites by email: who gets what, when, for every way a booking is made or ends.

Every invite is read as a mail client would (the MIME parts, the `method` parameter, the
attachment) and its calendar by two parsers that share nothing with the library that wrote it
(ical.js, inside Thunderbird, and vobject), which must agree, and by the lint of what Outlook
needs. Times are checked as Europe/London wall-clock times: the dates straddle the end of
British Summer Time on 25 October 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import checkin, closures, recurrence, services
from booking.bookings.errors import SpaceTaken
from booking.bookings.models import Booking, BookingSeries, Frequency
from booking.bookings.recurrence import Choice, Scope, SeriesRequest
from booking.catalogue.models import Building, Space, SpaceKind
from booking.catalogue.services import check_closure
from booking.mail.models import OutboxMessage
from booking.timezones import local_to_utc
from tests.calendar_parsers import outlook_problems, parse_with_icaljs, parse_with_vobject
from tests.factories import Factory

NOW = datetime(2026, 10, 19, 8, tzinfo=UTC)  # Monday 19 October 2026, 9am BST
TUESDAYS = [date(2026, 10, 20), date(2026, 10, 27), date(2026, 11, 3), date(2026, 11, 10)]
"""The first in British Summer Time, the others in GMT."""
DOMAIN = "sharedspaces.example"

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "CLOCK": lambda: NOW,
        "CALENDAR_UID_DOMAIN": DOMAIN,
        "MAIL_FROM": "Shared Spaces <bookings@sharedspaces.example>",
    }


@pytest.fixture
def building(factory: Factory) -> Building:
    return factory.building(
        name="Reddish Library",
        address="1 Gorton Road\nReddish",
        postcode="SK5 6UG",
        arrival_instructions="Ask at the library desk for a visitor badge.",
        hours={weekday: (time(8), time(18)) for weekday in range(5)},
    )


@pytest.fixture
def desk(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Desk 4")


@pytest.fixture
def room(factory: Factory, building: Building) -> Space:
    return factory.space(building, name="Room 2", kind=SpaceKind.MEETING_ROOM, capacity=8)


@pytest.fixture
def ann(factory: Factory) -> Person:
    return factory.person("ann@council.example", name="Ann Booker")


@pytest.fixture
def bob(factory: Factory) -> Person:
    return factory.person("bob@council.example", name="Bob Attendee")


@pytest.fixture
def cat(factory: Factory) -> Person:
    """An attendee with an account who turned invites off."""
    return factory.person("cat@council.example", name="Cat Feed", invites_enabled=False)


VISITOR = "visitor@police.example"
"""An attendee with no account."""


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute))


def local(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).isoformat()


# Reading an invite as a mail client and two calendar programs would.


@dataclass(frozen=True)
class Invite:
    to: str
    subject: str
    method: str
    text: str
    html: str
    events: list[dict[str, Any]]
    """The VEVENTs as ical.js reads them (vobject has read them the same)."""

    @property
    def event(self) -> dict[str, Any]:
        [event] = self.events
        return event


def _view(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    """What both parsers must agree on (RECURRENCE-IDs as wall-clock times)."""

    def moment(m: dict[str, str] | None) -> tuple[str, str] | None:
        return None if m is None else (m["utc"], m["local"])

    return [
        {
            "uid": e["uid"],
            "sequence": e["sequence"],
            "status": e["status"],
            "summary": e["summary"],
            "start": moment(e["start"]),
            "end": moment(e["end"]),
            "recurrence_id": e["recurrence_id"] and e["recurrence_id"]["local"],
            "exdates": [moment(x) for x in e["exdates"]],
            "attendees": sorted(a.lower() for a in e["attendees"]),
            "occurrences": e["occurrences"]
            and [(moment(o["start"]), moment(o["end"]), o["status"]) for o in e["occurrences"]],
        }
        for e in parsed["events"]
    ]


def read_invite(message: EmailMessage) -> Invite:
    """The email's parts, checked against RFC 6047 and each other, and its calendar read."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.iter_parts()
    assert [part.get_content_type() for part in (plain, html, calendar)] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert calendar.get_param("charset") == "utf-8"
    assert calendar["Content-Transfer-Encoding"] == "base64"
    data = calendar.get_payload(decode=True)
    assert isinstance(data, bytes)
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_content() == data
    method = str(calendar.get_param("method"))
    icaljs, vobject = parse_with_icaljs(data), parse_with_vobject(data)
    assert icaljs["method"] == vobject["method"] == method
    assert _view(icaljs) == _view(vobject)
    assert outlook_problems(data, method) == []
    [to] = message["To"].addresses
    return Invite(
        to=to.addr_spec,
        subject=str(message["Subject"]),
        method=method,
        text=plain.get_content(),
        html=html.get_content(),
        events=icaljs["events"],
    )


class Inbox:
    """The invites delivered since the last look."""

    def __init__(self, mailbox: Callable[[], list[EmailMessage]]) -> None:
        self.mailbox = mailbox
        self.seen = 0

    def every(self) -> list[Invite]:
        messages = self.mailbox()
        fresh, self.seen = messages[self.seen :], len(messages)
        return [read_invite(message) for message in fresh]

    def __call__(self) -> dict[str, Invite]:
        """The new invites by recipient, when each has one."""
        invites = self.every()
        by_recipient = {invite.to: invite for invite in invites}
        assert len(by_recipient) == len(invites), [invite.subject for invite in invites]
        return by_recipient


@pytest.fixture
def inbox(mailbox: Callable[[], list[EmailMessage]]) -> Inbox:
    return Inbox(mailbox)


def uid(thing: Booking | BookingSeries) -> str:
    kind = "series" if isinstance(thing, BookingSeries) else "booking"
    return f"{kind}-{thing.id}@{DOMAIN}"


def book(
    session: Session,
    person: Person,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    **fields: Any,
) -> Booking:
    proposal = services.Proposal(space, starts_at, ends_at, **fields)
    return services.book(session, person, proposal, now=NOW)


def meeting(session: Session, ann: Person, room: Space) -> Booking:
    """Ann's Team meeting in Room 2 on Tuesday 20 October, 10am BST, with three attendees."""
    return book(
        session,
        ann,
        room,
        at(TUESDAYS[0], 10),
        at(TUESDAYS[0], 11),
        title="Team meeting",
        attendees=["bob@council.example", "Cat@Council.example", VISITOR],
    )


def weekly(session: Session, ann: Person, room: Space) -> BookingSeries:
    """Ann's Tuesday meeting at 10am, four times, across the clock change, with Bob."""
    request = SeriesRequest(
        room,
        Frequency.WEEKLY,
        TUESDAYS[0],
        time(10),
        60,
        weekdays=(1,),
        count=4,
        title="Team meeting",
        attendees=["bob@council.example"],
    )
    series = recurrence.book_series(session, ann, request, Choice.FREE, NOW, seen_free=TUESDAYS)
    assert series is not None
    return series


def occurrence(series: BookingSeries, day: date) -> Booking:
    [found] = [b for b in series.bookings if b.occurrence_date == day]
    return found


def local_starts(invite: Invite) -> list[str]:
    """The local start of each date of a series the invite leaves in the calendar."""
    [master] = [e for e in invite.events if e["rrule"]]
    return [o["start"]["local"] for o in master["occurrences"] if o["status"] != "CANCELLED"]


# Single bookings.


def test_booking_a_desk_sends_the_booker_one_invite(
    db_session: Session, inbox: Inbox, ann: Person, desk: Space
) -> None:
    booking = book(db_session, ann, desk, at(TUESDAYS[1], 9), at(TUESDAYS[1], 17))

    [invite] = inbox().values()
    assert invite.to == "ann@council.example"
    assert invite.subject == "Booked: Desk 4, Reddish Library, Tue 27 Oct 2026, 9am to 5pm"
    assert invite.method == "REQUEST"
    event = invite.event
    assert (event["uid"], event["sequence"], event["status"]) == (uid(booking), 0, "CONFIRMED")
    assert (event["start"]["local"], event["end"]["local"]) == (
        local(TUESDAYS[1], 9),
        local(TUESDAYS[1], 17),
    )
    assert event["organizer"] == "mailto:bookings@sharedspaces.example"
    assert event["attendees"] == ["mailto:ann@council.example"]
    for body in (invite.text, invite.html):
        assert "Your booking is confirmed." in body
        assert "Tuesday 27 October 2026, 9am to 5pm" in body
        assert "Reddish Library, 1 Gorton Road, Reddish, SK5 6UG" in body
        assert "Ask at the library desk for a visitor badge." in body
        assert f"http://localhost/bookings/{booking.id}" in body
        assert "To turn them off" in body and "http://localhost/account" in body


def test_booking_a_room_invites_the_attendees_except_those_who_turned_invites_off(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, cat: Person, room: Space
) -> None:
    booking = meeting(db_session, ann, room)

    invites = inbox()
    assert sorted(invites) == ["ann@council.example", "bob@council.example", VISITOR]
    what = "Team meeting — Room 2, Reddish Library, Tue 20 Oct 2026, 10am to 11am"
    assert invites["ann@council.example"].subject == f"Booked: {what}"
    assert invites[VISITOR].subject == f"Invitation: {what}"
    for invite in invites.values():
        event = invite.event
        assert (invite.method, event["uid"], event["sequence"]) == ("REQUEST", uid(booking), 0)
        assert event["start"]["local"] == local(TUESDAYS[0], 10)
        assert event["start"]["utc"] == "2026-10-20T09:00:00Z"
        assert sorted(event["attendees"]) == [
            "mailto:ann@council.example",
            "mailto:bob@council.example",
            "mailto:cat@council.example",
            f"mailto:{VISITOR}",
        ]
    bob_reads = invites["bob@council.example"].text
    assert "Ann Booker has booked a room and invited you." in bob_reads
    assert "To turn them off" in bob_reads
    assert f"/bookings/{booking.id}" not in bob_reads  # only the booker manages it
    visitor_reads = invites[VISITOR].text
    assert "You get this email because Ann Booker invited you" in visitor_reads
    assert "To turn them off" not in visitor_reads


@pytest.mark.usefixtures("cat")
def test_a_booker_with_invites_off_gets_nothing_and_the_attendees_still_get_theirs(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    ann.invites_enabled = False
    booking = meeting(db_session, ann, room)
    assert sorted(inbox()) == ["bob@council.example", VISITOR]

    services.cancel(db_session, ann, booking, now=NOW)
    assert sorted(inbox()) == ["bob@council.example", VISITOR]


def test_changing_the_time_sends_the_same_event_with_a_higher_sequence(
    db_session: Session, inbox: Inbox, ann: Person, desk: Space
) -> None:
    booking = book(db_session, ann, desk, at(TUESDAYS[1], 9), at(TUESDAYS[1], 17))
    [booked] = inbox().values()

    proposal = services.Proposal(desk, at(TUESDAYS[1], 13), at(TUESDAYS[1], 17, 30))
    services.change(db_session, ann, booking, proposal, now=NOW)

    [changed] = inbox().values()
    assert changed.subject == "Changed: Desk 4, Reddish Library, Tue 27 Oct 2026, 1pm to 5:30pm"
    assert changed.method == "REQUEST"
    assert changed.event["uid"] == booked.event["uid"] == uid(booking)
    assert changed.event["sequence"] > booked.event["sequence"]
    assert (changed.event["start"]["local"], changed.event["end"]["local"]) == (
        local(TUESDAYS[1], 13),
        local(TUESDAYS[1], 17, 30),
    )
    assert "Your booking has changed." in changed.text


def test_moving_to_another_space_sends_the_new_place_under_the_same_uid(
    factory: Factory, db_session: Session, inbox: Inbox, ann: Person, room: Space
) -> None:
    other = factory.building(name="Edgeley Hub", hours={d: (time(8), time(18)) for d in range(5)})
    hall = factory.space(other, name="Hall", kind=SpaceKind.MEETING_ROOM, capacity=8)
    booking = book(db_session, ann, room, at(TUESDAYS[0], 10), at(TUESDAYS[0], 11))
    [booked] = inbox().values()

    proposal = services.Proposal(hall, at(TUESDAYS[0], 10), at(TUESDAYS[0], 11))
    services.change(db_session, ann, booking, proposal, now=NOW)

    [moved] = inbox().values()
    assert moved.event["uid"] == booked.event["uid"]
    assert moved.event["sequence"] > booked.event["sequence"]
    assert moved.event["summary"] == "Hall, Edgeley Hub"
    assert moved.event["location"].startswith("Edgeley Hub, ")


@pytest.mark.usefixtures("cat")
def test_an_attendee_taken_off_gets_a_cancellation_and_the_others_the_change(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    booking = meeting(db_session, ann, room)
    first = inbox()

    proposal = services.Proposal(
        room, booking.starts_at, booking.ends_at, "Team meeting", ["bob@council.example"]
    )
    services.change(db_session, ann, booking, proposal, now=NOW)

    invites = inbox()
    assert {to: i.method for to, i in invites.items()} == {
        "ann@council.example": "REQUEST",
        "bob@council.example": "REQUEST",
        VISITOR: "CANCEL",  # Cat, also taken off, turned invites off
    }
    dropped = invites[VISITOR]
    assert dropped.event["uid"] == first[VISITOR].event["uid"]
    assert dropped.event["sequence"] > first[VISITOR].event["sequence"]
    assert dropped.event["status"] == "CANCELLED"
    assert dropped.event["attendees"] == ["mailto:cat@council.example", f"mailto:{VISITOR}"]
    assert "Ann Booker has taken you off this booking" in dropped.text
    assert sorted(invites["bob@council.example"].event["attendees"]) == [
        "mailto:ann@council.example",
        "mailto:bob@council.example",
    ]


@pytest.mark.usefixtures("cat")
def test_the_booker_cancelling_sends_everyone_a_cancellation(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    booking = meeting(db_session, ann, room)
    first = inbox()

    services.cancel(db_session, ann, booking, now=NOW)

    invites = inbox()
    assert sorted(invites) == ["ann@council.example", "bob@council.example", VISITOR]
    for to, invite in invites.items():
        assert invite.method == "CANCEL"
        assert invite.subject.startswith("Cancelled: Team meeting — Room 2, Reddish Library")
        assert invite.event["uid"] == first[to].event["uid"]
        assert invite.event["sequence"] > first[to].event["sequence"]
        assert invite.event["status"] == "CANCELLED"
        assert "Reason:" not in invite.text
    assert "Your booking has been cancelled." in invites["ann@council.example"].text
    assert "A booking you are invited to has been cancelled." in invites[VISITOR].text


@pytest.mark.usefixtures("cat")
def test_a_manager_cancelling_tells_everyone_why(
    factory: Factory,
    db_session: Session,
    inbox: Inbox,
    ann: Person,
    bob: Person,
    room: Space,
    building: Building,
) -> None:
    booking = meeting(db_session, ann, room)
    inbox()
    manager = factory.building_manager(building)

    services.cancel(
        db_session, manager, booking, "The room is needed for a vaccine clinic", now=NOW
    )

    invites = inbox()
    assert sorted(invites) == ["ann@council.example", "bob@council.example", VISITOR]
    for invite in invites.values():
        assert invite.method == "CANCEL"
        assert "Reason: The room is needed for a vaccine clinic" in invite.text
        assert "Reason: The room is needed for a vaccine clinic" in invite.html


# Repeating bookings.


def test_booking_a_series_sends_one_invite_of_the_whole_series(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    series = weekly(db_session, ann, room)

    invites = inbox()
    assert sorted(invites) == ["ann@council.example", "bob@council.example"]
    invite = invites["ann@council.example"]
    assert invite.subject == (
        "Booked: Team meeting — Room 2, Reddish Library, repeating from Tue 20 Oct 2026"
    )
    assert invite.method == "REQUEST"
    [master] = invite.events
    assert (master["uid"], master["sequence"]) == (uid(series), 0)
    assert master["rrule"] == "FREQ=WEEKLY;COUNT=4;BYDAY=TU"
    assert local_starts(invite) == [local(day, 10) for day in TUESDAYS]
    assert [o["start"]["utc"] for o in master["occurrences"]] == [
        "2026-10-20T09:00:00Z",  # BST
        "2026-10-27T10:00:00Z",  # GMT: 10am all the same
        "2026-11-03T10:00:00Z",
        "2026-11-10T10:00:00Z",
    ]
    assert "Every Tuesday, 10am to 11am, 4 occurrences" in invite.text


def test_every_change_to_a_series_is_sent_under_its_uid_with_a_rising_sequence(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    series = weekly(db_session, ann, room)
    sent = [inbox()["bob@council.example"]]

    # Changing one date: the series again, with an override for that date.
    moved = occurrence(series, TUESDAYS[1])
    proposal = services.Proposal(
        room, at(TUESDAYS[1], 14), at(TUESDAYS[1], 15), "Team meeting", ["bob@council.example"]
    )
    services.change(db_session, ann, moved, proposal, now=NOW)
    changed = inbox()
    assert sorted(changed) == ["ann@council.example", "bob@council.example"]
    sent.append(changed["bob@council.example"])
    assert sent[-1].method == "REQUEST"
    assert sent[-1].subject.startswith("Changed: Team meeting — Room 2, Reddish Library, Tue 27")
    assert "one date of a repeating booking" in sent[-1].text
    [override] = [e for e in sent[-1].events if e["recurrence_id"]]
    assert override["recurrence_id"]["local"] == local(TUESDAYS[1], 10)
    assert override["start"]["local"] == local(TUESDAYS[1], 14)
    assert local_starts(sent[-1]) == [
        local(TUESDAYS[0], 10),
        local(TUESDAYS[1], 14),
        local(TUESDAYS[2], 10),
        local(TUESDAYS[3], 10),
    ]

    # Cancelling one date: a CANCEL of that date only.
    recurrence.cancel_occurrences(
        db_session, ann, occurrence(series, TUESDAYS[3]), Scope.ONE, now=NOW
    )
    sent.append(inbox()["bob@council.example"])
    assert sent[-1].method == "CANCEL"
    [cancelled] = sent[-1].events
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["recurrence_id"]["local"] == local(TUESDAYS[3], 10)

    # Cancelling this and the following dates: the series again without them.
    recurrence.cancel_occurrences(
        db_session, ann, occurrence(series, TUESDAYS[1]), Scope.FOLLOWING, now=NOW
    )
    sent.append(inbox()["bob@council.example"])
    assert sent[-1].method == "REQUEST"
    assert sent[-1].subject.startswith("Cancelled: Team meeting — Room 2, Reddish Library, 2 dates")
    assert "These dates of a repeating booking you are invited to have been cancelled." in (
        sent[-1].text
    )
    assert local_starts(sent[-1]) == [local(TUESDAYS[0], 10)]

    # Cancelling what is left: the whole series.
    recurrence.cancel_occurrences(
        db_session, ann, occurrence(series, TUESDAYS[0]), Scope.ALL, now=NOW
    )
    sent.append(inbox()["bob@council.example"])
    assert sent[-1].method == "CANCEL"
    [whole] = sent[-1].events
    assert (whole["status"], whole["recurrence_id"], whole["rrule"]) == (
        "CANCELLED",
        None,
        "FREQ=WEEKLY;COUNT=4;BYDAY=TU",
    )

    assert {e["uid"] for invite in sent for e in invite.events} == {uid(series)}
    sequences = [invite.events[0]["sequence"] for invite in sent]
    assert sequences == sorted(set(sequences)), sequences  # strictly rising
    db_session.refresh(series)
    assert series.sequence == sequences[-1]


def test_cancelling_all_dates_of_a_series_from_its_first_cancels_the_whole_series(
    db_session: Session, inbox: Inbox, ann: Person, room: Space
) -> None:
    series = weekly(db_session, ann, room)
    inbox()

    recurrence.cancel_occurrences(
        db_session, ann, occurrence(series, TUESDAYS[0]), Scope.FOLLOWING, now=NOW
    )

    invite = inbox()["ann@council.example"]
    assert invite.method == "CANCEL"
    assert invite.event["recurrence_id"] is None and invite.event["status"] == "CANCELLED"
    assert invite.subject.startswith("Cancelled: Team meeting — Room 2, Reddish Library, 4 dates")


def test_cancelling_the_dates_still_to_come_keeps_those_that_happened_in_calendars(
    db_session: Session, inbox: Inbox, ann: Person, room: Space
) -> None:
    series = weekly(db_session, ann, room)
    inbox()
    later = at(TUESDAYS[1], 12)  # the first two dates are over

    recurrence.cancel_occurrences(
        db_session, ann, occurrence(series, TUESDAYS[0]), Scope.ALL, now=later
    )

    invite = inbox()["ann@council.example"]
    assert invite.method == "REQUEST"
    assert local_starts(invite) == [local(TUESDAYS[0], 10), local(TUESDAYS[1], 10)]


# Estates and the no-show release.


def test_a_closure_sends_each_booking_it_cancels_a_cancellation_with_its_reason(
    factory: Factory,
    db_session: Session,
    inbox: Inbox,
    ann: Person,
    bob: Person,
    building: Building,
    desk: Space,
    room: Space,
) -> None:
    desk_booking = book(db_session, ann, desk, at(TUESDAYS[2], 9), at(TUESDAYS[2], 17))
    series = weekly(db_session, ann, room)
    inbox.every()
    manager = factory.building_manager(building)
    plan = check_closure(
        building, None, (TUESDAYS[2], time(0)), (TUESDAYS[3], time(0)), "Boiler repair"
    )
    hit = {desk_booking.id, occurrence(series, TUESDAYS[2]).id}

    closures.add_closure(db_session, manager, plan, confirmed=hit, now=NOW)

    sent = sorted(inbox.every(), key=lambda invite: (invite.to, invite.subject))
    assert [(invite.to, invite.method, invite.subject) for invite in sent] == [
        (
            "ann@council.example",
            "CANCEL",
            "Cancelled: Desk 4, Reddish Library, Tue 3 Nov 2026, 9am to 5pm",
        ),
        (
            "ann@council.example",
            "CANCEL",
            "Cancelled: Team meeting — Room 2, Reddish Library, Tue 3 Nov 2026, 10am to 11am",
        ),
        (
            "bob@council.example",
            "CANCEL",
            "Cancelled: Team meeting — Room 2, Reddish Library, Tue 3 Nov 2026, 10am to 11am",
        ),
    ]
    for invite in sent:
        assert "Reason: Building closed: Boiler repair" in invite.text
    desk_cancel, series_cancel = sent[0].event, sent[2].event
    assert (desk_cancel["uid"], desk_cancel["recurrence_id"]) == (uid(desk_booking), None)
    assert series_cancel["uid"] == uid(series)
    assert series_cancel["recurrence_id"]["local"] == local(TUESDAYS[2], 10)


@pytest.mark.usefixtures("cat")
def test_a_released_no_show_sends_its_booker_a_cancellation_saying_why(
    db_session: Session, inbox: Inbox, ann: Person, bob: Person, room: Space
) -> None:
    booking = meeting(db_session, ann, room)
    [first] = [i for to, i in inbox().items() if to == "ann@council.example"]

    released = checkin.release_no_shows(db_session, at(TUESDAYS[0], 10, 45))

    assert released == [booking.id]
    [invite] = inbox().values()  # the booker only: the attendees may well have turned up
    assert invite.to == "ann@council.example"
    assert invite.method == "CANCEL"
    assert invite.event["uid"] == first.event["uid"]
    assert invite.event["sequence"] > first.event["sequence"]
    assert (
        "Reason: Nobody checked in within 30 minutes of the start, so the space was released"
        in invite.text
    )


def test_a_released_date_of_a_series_is_cancelled_by_its_recurrence_id(
    db_session: Session, inbox: Inbox, ann: Person, room: Space
) -> None:
    series = weekly(db_session, ann, room)
    booked = inbox()["ann@council.example"]

    checkin.release_no_shows(db_session, at(TUESDAYS[0], 10, 45))

    [invite] = inbox().values()  # the booker only
    assert invite.method == "CANCEL"
    assert invite.event["uid"] == uid(series)
    assert invite.event["recurrence_id"]["local"] == local(TUESDAYS[0], 10)
    assert invite.event["sequence"] > booked.events[0]["sequence"]


# Nothing is sent for what does not happen.


def outbox_size(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_refused_booking_sends_nothing(
    factory: Factory, db_session: Session, ann: Person, desk: Space
) -> None:
    book(db_session, factory.person(), desk, at(TUESDAYS[1], 9), at(TUESDAYS[1], 17))
    before = outbox_size(db_session)

    with pytest.raises(SpaceTaken):
        book(db_session, ann, desk, at(TUESDAYS[1], 10), at(TUESDAYS[1], 11))

    assert outbox_size(db_session) == before


def test_a_booking_rolled_back_after_it_was_made_sends_nothing(
    db_session: Session, ann: Person, desk: Space
) -> None:
    with db_session.begin_nested() as transaction:
        book(db_session, ann, desk, at(TUESDAYS[1], 9), at(TUESDAYS[1], 17))
        assert outbox_size(db_session) == 1
        transaction.rollback()

    assert outbox_size(db_session) == 0


def test_a_request_that_fails_after_booking_sends_nothing(
    app: Flask,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
    ann: Person,
    desk: Space,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The booking page books, then something breaks: the request's transaction rolls back."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("after the booking")

    monkeypatch.setattr("booking.bookings.find_views.flash", broken)
    client = sign_in(ann)
    response = client.post(
        f"/spaces/{desk.id}/book",
        data={"date": "2026-10-27", "start": "09:00", "end": "17:00"},
    )

    assert response.status_code == 500
    assert outbox_size(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(Booking)) == 0


def test_a_booking_made_on_the_page_sends_its_invite(
    sign_in: Callable[[Person], FlaskClient], inbox: Inbox, ann: Person, desk: Space
) -> None:
    response = sign_in(ann).post(
        f"/spaces/{desk.id}/book", data={"date": "2026-10-27", "start": "09:00", "end": "17:00"}
    )

    assert response.status_code == 302
    [invite] = inbox().values()
    assert invite.subject == "Booked: Desk 4, Reddish Library, Tue 27 Oct 2026, 9am to 5pm"
