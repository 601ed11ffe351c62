"""The mail server down while people use the service, then back: every email arrives once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking import db, mail
from booking.mail.models import OutboxMessage, OutboxStatus
from tests.factories import Factory
from tests.mail_helpers import Clock, SmtpServer


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Configured, but not started: the mail server is down until the test brings it up."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer, clock: Clock) -> dict[str, Any]:
    return {**app_config, **smtp_server.config(), "CLOCK": clock}


def outbox(db_session: Session) -> list[OutboxMessage]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_every_email_queued_while_the_server_is_down_arrives_exactly_once_when_it_is_back(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    db_session: Session,
    factory: Factory,
    smtp_server: SmtpServer,
    clock: Clock,
) -> None:
    factory.organisation(domains=("nhs.example",))
    for name in ("ann", "bob", "cat"):
        factory.person(f"{name}@council.example")
        client.post("/forgot-password", data={"email": f"{name}@council.example"})
    for name in ("dee", "eve"):
        client.post(
            "/register",
            data={"name": name, "email": f"{name}@nhs.example", "password": "correct horse 42"},
        )
    with app.test_request_context():
        session = db.session()
        for n in range(5):
            mail.send(session, mail.Message(to=f"p{n}@police.example", subject="Hi", text="Hi"))
        session.commit()

    result = runner.invoke(args=["send-mail"])
    assert result.output == "Sent 0 messages. 10 could not be sent and will be tried again.\n"
    queued = outbox(db_session)
    assert len(queued) == 10
    assert {(m.status, m.attempts) for m in queued} == {(OutboxStatus.PENDING, 1)}
    assert all("ConnectionRefusedError" in m.last_error for m in queued)

    smtp_server.start()
    assert runner.invoke(args=["send-mail"]).output == "Sent 0 messages.\n"  # backing off
    clock.advance(timedelta(minutes=1))
    assert runner.invoke(args=["send-mail"]).output == "Sent 10 messages.\n"
    clock.advance(timedelta(hours=2))
    assert runner.invoke(args=["send-mail"]).output == "Sent 0 messages.\n"

    arrived = Counter(smtp_server.inbox.message_ids())
    assert arrived == Counter({m.message_id: 1 for m in queued})
    recipients = sorted(rcpt for _, rcpts in smtp_server.inbox.envelopes for rcpt in rcpts)
    assert recipients == sorted(m.recipient for m in queued)
    assert {m.status for m in outbox(db_session)} == {OutboxStatus.SENT}


def test_a_server_that_refuses_some_recipients_still_gets_the_message_once(
    app: Flask, runner: FlaskCliRunner, db_session: Session, smtp_server: SmtpServer
) -> None:
    smtp_server.start()
    smtp_server.inbox.refuse = {"gone@police.example"}
    with app.test_request_context():
        session = db.session()
        mail.send(
            session,
            mail.Message(to="ann@police.example, gone@police.example", subject="Hi", text="Hi"),
        )
        session.commit()

    assert runner.invoke(args=["send-mail"]).output == "Sent 1 message.\n"
    [message] = outbox(db_session)
    assert message.status is OutboxStatus.SENT
    assert message.last_error.startswith("gone@police.example refused: 550")
    assert smtp_server.inbox.envelopes == [
        ("bookings@sharedspaces.example", ["ann@police.example"])
    ]
