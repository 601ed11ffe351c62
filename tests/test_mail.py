"""The one mail path: written to the outbox with the change that causes it, sent by send-mail.

By SMTP when a server is configured (a real one on loopback here), .eml files otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking import db, mail
from booking.mail.models import OutboxMessage, OutboxStatus
from tests.factories import Factory
from tests.mail_helpers import SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:
    return {**app_config, **smtp_server.config()}


def outbox_count(db_session: Session) -> int:
    return db_session.scalar(select(func.count(OutboxMessage.id))) or 0


def test_mail_goes_by_smtp_when_send_mail_runs(
    client: FlaskClient,
    runner: FlaskCliRunner,
    factory: Factory,
    smtp_server: SmtpServer,
    mailbox: Callable[[], list[EmailMessage]],
) -> None:
    factory.person("sam@council.example")
    client.post("/forgot-password", data={"email": "sam@council.example"})
    assert smtp_server.inbox.messages == []  # queued, not sent inline

    result = runner.invoke(args=["send-mail"])

    assert result.output == "Sent 1 message.\n"
    [message] = smtp_server.inbox.messages
    assert message["To"] == "sam@council.example"
    assert message["Subject"] == "Reset your password"
    assert message["From"] == "Shared Spaces <bookings@sharedspaces.example>"
    assert message.is_multipart()
    assert smtp_server.inbox.envelopes == [
        ("bookings@sharedspaces.example", ["sam@council.example"])
    ]
    assert mailbox() == []  # nothing written to the mail directory
    assert runner.invoke(args=["send-mail"]).output == "Sent 0 messages.\n"
    assert len(smtp_server.inbox.messages) == 1


def test_a_message_is_written_only_if_the_transaction_commits(
    app: Flask, db_session: Session, smtp_server: SmtpServer, runner: FlaskCliRunner
) -> None:
    message = mail.Message(to="sam@council.example", subject="Hello", text="Hello")
    with app.test_request_context():
        session = db.session()
        mail.send(session, message)
        session.rollback()
        assert outbox_count(db_session) == 0
        queued = mail.send(session, message)
        session.commit()

    db_session.expire_all()
    stored = db_session.get(OutboxMessage, queued.id)
    assert stored is not None
    assert (stored.recipient, stored.subject, stored.status) == (
        "sam@council.example",
        "Hello",
        OutboxStatus.PENDING,
    )
    assert stored.message_id.endswith("@sharedspaces.example>")
    assert f"Message-ID: {stored.message_id}\r\n".encode() in stored.content

    runner.invoke(args=["send-mail"])
    [received] = smtp_server.inbox.received
    assert received == stored.content  # byte for byte, as queued
    db_session.expire_all()
    assert stored.status is OutboxStatus.SENT and stored.sent_at is not None


def test_a_request_that_fails_after_queueing_mail_sends_nothing(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    @app.post("/queue-then-<int:status>")
    def queue_then(status: int) -> tuple[str, int]:
        mail.send(db.session(), mail.Message(to="sam@council.example", subject="Hi", text="Hi"))
        return "", status

    assert client.post("/queue-then-422").status_code == 422
    assert outbox_count(db_session) == 0
    assert client.post("/queue-then-200").status_code == 200
    assert outbox_count(db_session) == 1


def invite(to: str) -> EmailMessage:
    """A message shaped like a calendar invite: mixed > alternative (text, HTML, calendar)."""
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    email = EmailMessage()
    email["To"] = to
    email["Subject"] = "Desk 4, Reddish Library"
    email.set_content("Your booking")
    email.add_alternative("<p>Your booking</p>", subtype="html")
    email.add_alternative(calendar, subtype="calendar", params={"method": "REQUEST"})
    email.make_mixed()
    email.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
    return email


def test_a_message_built_by_the_caller_keeps_its_structure(
    app: Flask, db_session: Session, smtp_server: SmtpServer, runner: FlaskCliRunner
) -> None:
    with app.test_request_context():
        session = db.session()
        mail.send_email(session, invite("sam@council.example"))
        session.commit()
    runner.invoke(args=["send-mail"])

    [message] = smtp_server.inbox.messages
    assert message["From"] == "Shared Spaces <bookings@sharedspaces.example>"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert attachment["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_content() == b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_a_message_needs_someone_to_go_to(app: Flask) -> None:
    email = EmailMessage()
    email["Subject"] = "To nobody"
    email.set_content("Hello")
    with app.test_request_context(), pytest.raises(ValueError, match="at least one address"):
        mail.send_email(db.session(), email)
