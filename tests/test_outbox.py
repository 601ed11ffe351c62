"""The outbox's sender: delivers once, retries with back-off, gives up, and survives crashes."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking import db, mail
from booking.audit.models import AuditEntry
from booking.mail import outbox
from booking.mail.commands import Watcher
from booking.mail.models import OutboxMessage, OutboxStatus
from booking.mail.sender import Report, deliver_due, send_due
from tests.mail_helpers import Clock, free_port


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": clock}


def queue(app: Flask, *recipients: str) -> list[int]:
    """Queue a message to each recipient, committed as a request would."""
    with app.test_request_context():
        session = db.session()
        ids = [
            mail.send(session, mail.Message(to=to, subject=f"For {to}", text="Hello")).id
            for to in recipients
        ]
        session.commit()
    return ids


def stored(db_session: Session, message_id: int) -> OutboxMessage:
    db_session.expire_all()
    message = db_session.get(OutboxMessage, message_id)
    assert message is not None
    return message


def written(app: Flask) -> list[Path]:
    return sorted(Path(app.config["MAIL_DIRECTORY"]).glob("*.eml"))


def test_send_mail_delivers_what_is_due_once_and_marks_it_sent(
    app: Flask, runner: FlaskCliRunner, db_session: Session, clock: Clock
) -> None:
    first, second = queue(app, "ann@council.example", "bob@council.example")

    assert runner.invoke(args=["send-mail"]).output == "Sent 2 messages.\n"
    assert runner.invoke(args=["send-mail"]).output == "Sent 0 messages.\n"

    files = written(app)
    assert [path.read_bytes() for path in files] == [
        stored(db_session, first).content,
        stored(db_session, second).content,
    ]
    for message_id in (first, second):
        message = stored(db_session, message_id)
        assert message.status is OutboxStatus.SENT
        assert message.sent_at == clock.at and message.claimed_until is None


def test_mail_queued_in_a_cli_command_waits_for_its_commit(app: Flask, db_session: Session) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        mail.send(session, mail.Message(to="ann@council.example", subject="No", text="No"))
        raise RuntimeError("the command failed")
    assert db_session.scalars(select(OutboxMessage)).all() == []


# Failures, back-off and giving up


@pytest.fixture
def mail_server_down(app: Flask) -> None:
    """SMTP settings pointing at a port nobody listens on: every attempt is refused."""
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=free_port(), MAIL_SMTP_STARTTLS=False
    )


@pytest.mark.usefixtures("mail_server_down")
def test_a_failed_message_is_tried_again_after_1_2_4_minutes_and_so_on_up_to_an_hour(
    app: Flask, db_session: Session, clock: Clock
) -> None:
    app.config["MAIL_MAX_ATTEMPTS"] = 10
    [message_id] = queue(app, "ann@council.example")
    start = clock.at
    waits = []
    for attempt in range(1, 10):
        assert deliver_due() == Report(retrying=1)
        message = stored(db_session, message_id)
        assert message.attempts == attempt and message.status is OutboxStatus.PENDING
        assert "ConnectionRefusedError" in message.last_error
        waits.append(message.next_attempt_at - clock.at)
        clock.at = message.next_attempt_at - timedelta(seconds=1)
        assert deliver_due() == Report()  # not yet
        clock.advance(timedelta(seconds=1))
    assert [wait // timedelta(minutes=1) for wait in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert clock.at - start == sum(waits, timedelta())

    assert deliver_due() == Report(given_up=1)  # the tenth attempt is the last
    message = stored(db_session, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 10)
    clock.advance(timedelta(days=1))
    assert deliver_due() == Report()
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.give_up")).one()
    assert entry.actor is None and entry.subject_id == message_id
    assert (
        entry.summary
        == "Gave up sending “For ann@council.example” to ann@council.example after 10 attempts"
    )


@pytest.mark.usefixtures("mail_server_down")
def test_send_mail_reports_messages_it_could_not_send(
    app: Flask, runner: FlaskCliRunner, clock: Clock
) -> None:
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    queue(app, "ann@council.example", "bob@council.example")
    result = runner.invoke(args=["send-mail"])
    assert result.output == "Sent 0 messages. 2 could not be sent and will be tried again.\n"
    clock.advance(timedelta(minutes=1))
    result = runner.invoke(args=["send-mail"])
    assert result.output == "Sent 0 messages. 2 could not be sent and were given up.\n"


def test_retry_delays_double_from_a_minute_and_stop_at_an_hour() -> None:
    delays = [outbox.retry_delay(attempts) for attempts in (1, 2, 3, 6, 7, 8, 50)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 32, 60, 60, 60)]


# Crashes and stopping


def test_a_crashed_senders_claim_runs_out_and_another_sender_delivers_the_message(
    app: Flask, db_session: Session, clock: Clock
) -> None:
    [message_id] = queue(app, "ann@council.example")
    with app.extensions["booking.write_sessions"].begin() as session:
        [claim] = outbox.claim_due(session, clock())
    # ... and the sender that claimed it dies without a word.

    assert deliver_due() == Report()
    clock.advance(outbox.CLAIM_LEASE - timedelta(seconds=1))
    assert deliver_due() == Report()
    clock.advance(timedelta(seconds=1))
    assert deliver_due() == Report(sent=1)

    assert len(written(app)) == 1
    assert stored(db_session, message_id).status is OutboxStatus.SENT
    assert claim.id == message_id


def test_a_sender_asked_to_stop_hands_back_the_messages_it_has_not_tried(
    app: Flask, db_session: Session, clock: Clock
) -> None:
    ids = queue(app, "ann@council.example", "bob@council.example", "cat@council.example")
    delivered: list[str] = []

    class StopAfterOne:
        def deliver(self, claim: outbox.Claim) -> str:
            delivered.append(claim.recipient)
            return ""

        def close(self) -> None:
            return None

    report = send_due(
        app.extensions["booking.write_sessions"],
        StopAfterOne(),
        clock=clock,
        max_attempts=10,
        should_stop=lambda: len(delivered) == 1,
    )

    assert report == Report(sent=1) and delivered == ["ann@council.example"]
    assert [stored(db_session, i).claimed_until for i in ids[1:]] == [None, None]
    assert deliver_due() == Report(sent=2)  # at once: nothing waits for the lease


def test_the_watch_loop_stops_when_asked_even_in_a_long_sleep() -> None:
    watcher = Watcher()
    passes: list[int] = []
    threading.Timer(0.1, watcher.stop).start()
    started = time.monotonic()
    watcher.run(lambda: passes.append(1), interval=60)
    assert passes == [1] and time.monotonic() - started < 5


def test_the_watch_loop_carries_on_after_a_failed_pass(caplog: pytest.LogCaptureFixture) -> None:
    watcher = Watcher()
    passes: list[int] = []

    def one_pass() -> None:
        passes.append(1)
        if len(passes) == 1:
            raise ConnectionError("database restarting")
        watcher.stop()

    watcher.run(one_pass, interval=0.01)
    assert len(passes) == 2
    assert "Sending mail failed" in caplog.text and "database restarting" in caplog.text


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_stop_the_watch_loop_and_the_handlers_are_put_back(
    number: signal.Signals,
) -> None:
    before = signal.getsignal(number)
    watcher = Watcher()
    passes: list[int] = []

    def one_pass() -> None:
        passes.append(1)
        signal.raise_signal(number)

    with watcher.stopped_by_signals():
        watcher.run(one_pass, interval=0.01)
    assert passes == [1] and watcher.stopping
    assert signal.getsignal(number) == before


def test_send_mail_watch_sends_as_mail_comes_and_stops_on_sigterm(
    app: Flask, runner: FlaskCliRunner, db_session: Session
) -> None:
    queue(app, "ann@council.example")
    default = signal.getsignal(signal.SIGTERM)

    def terminate_once_watching() -> None:
        deadline = time.monotonic() + 60
        while signal.getsignal(signal.SIGTERM) == default and time.monotonic() < deadline:
            time.sleep(0.01)
        while not written(app) and time.monotonic() < deadline:
            time.sleep(0.01)
        if signal.getsignal(signal.SIGTERM) != default:
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_watching)
    killer.start()
    result = runner.invoke(args=["send-mail", "--watch", "--interval", "0.1"])
    killer.join()

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Looking for mail to send every 0.1 seconds; Ctrl-C stops.",
        "Sent 1 message.",
        "Stopped sending mail.",
    ]
    assert len(written(app)) == 1
    assert signal.getsignal(signal.SIGTERM) == default


def test_mail_built_by_a_caller_must_not_reuse_a_message_id(app: Flask) -> None:
    email = EmailMessage()
    email["To"] = "ann@council.example"
    email["Message-ID"] = "<fixed@sharedspaces.example>"
    email.set_content("Hello")
    with app.test_request_context():
        session = db.session()
        mail.send_email(session, email)
        with pytest.raises(IntegrityError):
            mail.send_email(session, email)
        session.rollback()


def test_the_mailbox_fixture_runs_the_sender(
    app: Flask, mailbox: Callable[[], list[EmailMessage]]
) -> None:
    queue(app, "ann@council.example")
    [message] = mailbox()
    assert message["To"] == "ann@council.example"
