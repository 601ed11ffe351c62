"""Invites through a real mail server on loopback, read back the way a mail client reads them.

Bookings are made, changed and cancelled through the API (each request commits its own
transaction, invites included); `flask send-mail` hands the outbox to an aiosmtpd server, and
the test parses the bytes the server received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from booking.accounts.models import Person
from booking.catalogue.models import Space
from tests.calendar_parsers import outlook_problems, parse_with_icaljs, parse_with_vobject
from tests.factories import Factory
from tests.mail_helpers import Clock, SmtpServer

NOW = datetime(2026, 10, 19, 8, tzinfo=UTC)  # Monday 19 October 2026, 9am BST


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Configured but not started: each test brings it up when it wants it."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer, clock: Clock) -> dict[str, Any]:
    return {
        **app_config,
        **smtp_server.config(),
        "CLOCK": clock,
        "CALENDAR_UID_DOMAIN": "sharedspaces.example",
    }


@pytest.fixture
def ann(factory: Factory) -> Person:
    return factory.person("ann@council.example", name="Ann Booker")


@pytest.fixture
def desk(factory: Factory) -> Space:
    building = factory.building(
        name="Reddish Library", hours={day: (time(8), time(18)) for day in range(5)}
    )
    return factory.space(building, name="Desk 4")


@pytest.fixture
def api(client: FlaskClient, factory: Factory, ann: Person) -> FlaskClient:
    _token, secret = factory.access_token(ann)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def book(api: FlaskClient, desk: Space, day: str) -> int:
    response = api.post(
        "/api/v1/bookings",
        json={"space_id": desk.id, "start": f"{day}T09:00", "end": f"{day}T17:00"},
    )
    assert response.status_code == 201, response.json
    booking_id: int = response.json["id"]
    return booking_id


def calendar_of(message: EmailMessage) -> tuple[str, bytes]:
    """What a mail client finds: the METHOD of the text/calendar alternative and the calendar
    (checked to be the same bytes as the invite.ics attachment)."""
    parts = {part.get_content_type(): part for part in message.walk()}
    assert list(parts) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    calendar, attachment = parts["text/calendar"], parts["application/ics"]
    assert attachment.get_filename() == "invite.ics"
    text = calendar.get_content()
    assert isinstance(text, str)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF, and only CRLF
    data = text.encode("utf-8")
    assert attachment.get_content() == data
    return str(calendar.get_param("method")), data


def test_the_invite_the_change_and_the_cancellation_arrive_as_calendar_programs_need_them(
    api: FlaskClient, runner: FlaskCliRunner, smtp_server: SmtpServer, desk: Space
) -> None:
    smtp_server.start()
    booking_id = book(api, desk, "2026-10-27")
    change = api.patch(
        f"/api/v1/bookings/{booking_id}",
        json={"start": "2026-10-27T10:00", "end": "2026-10-27T12:00"},
    )
    assert change.status_code == 200
    assert api.delete(f"/api/v1/bookings/{booking_id}").status_code == 200

    assert runner.invoke(args=["send-mail"]).output == "Sent 3 messages.\n"

    assert [rcpts for _, rcpts in smtp_server.inbox.envelopes] == [["ann@council.example"]] * 3
    received = [
        message_from_bytes(raw, policy=policy.default) for raw in smtp_server.inbox.received
    ]
    # A long subject is folded before its first word ("Subject:" CRLF SP "Changed: …"), which
    # unfolds to the usual "Subject: Changed: …"; Python's parser keeps that space.
    subjects = [str(message["Subject"]).lstrip() for message in received]
    assert subjects == [
        "Booked: Desk 4, Reddish Library, Tue 27 Oct 2026, 9am to 5pm",
        "Changed: Desk 4, Reddish Library, Tue 27 Oct 2026, 10am to 12pm (midday)",
        "Cancelled: Desk 4, Reddish Library, Tue 27 Oct 2026, 10am to 12pm (midday)",
    ]
    seen = []
    for message, method in zip(received, ["REQUEST", "REQUEST", "CANCEL"], strict=True):
        assert isinstance(message, EmailMessage)
        found, data = calendar_of(message)
        assert found == method
        assert outlook_problems(data, method) == []
        [event] = parse_with_icaljs(data)["events"]
        [same] = parse_with_vobject(data)["events"]
        assert (event["uid"], event["sequence"], event["start"]["utc"]) == (
            same["uid"],
            same["sequence"],
            same["start"]["utc"],
        )
        seen.append((event["uid"], event["sequence"], event["status"], event["start"]["local"]))
    uid = f"booking-{booking_id}@sharedspaces.example"
    assert seen == [
        (uid, 0, "CONFIRMED", "2026-10-27T09:00:00"),
        (uid, 1, "CONFIRMED", "2026-10-27T10:00:00"),
        (uid, 2, "CANCELLED", "2026-10-27T10:00:00"),
    ]


def test_invites_made_while_the_mail_server_is_down_each_arrive_once_when_it_is_back(
    api: FlaskClient,
    runner: FlaskCliRunner,
    smtp_server: SmtpServer,
    clock: Clock,
    desk: Space,
) -> None:
    days = ["2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23"]
    for day in days:
        book(api, desk, day)

    down = runner.invoke(args=["send-mail"]).output
    assert down == "Sent 0 messages. 4 could not be sent and will be tried again.\n"
    smtp_server.start()
    clock.advance(timedelta(minutes=1))
    assert runner.invoke(args=["send-mail"]).output == "Sent 4 messages.\n"
    clock.advance(timedelta(hours=2))
    assert runner.invoke(args=["send-mail"]).output == "Sent 0 messages.\n"

    arrived = Counter(smtp_server.inbox.message_ids())
    assert len(arrived) == 4 and set(arrived.values()) == {1}
    starts = sorted(
        parse_with_icaljs(calendar_of(message)[1])["events"][0]["start"]["local"]
        for message in smtp_server.inbox.messages
    )
    assert starts == [f"{day}T09:00:00" for day in days]
