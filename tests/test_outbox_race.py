"""Several senders at once never send a message twice: real threads, connections and commits.

Like the booking race tests, these commit for real (each sender has its own connection), so
they build their own data and empty every table afterwards.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from booking.db import make_engine, sessionmakers
from booking.mail import outbox
from booking.mail.models import OutboxMessage, OutboxStatus
from booking.mail.sender import Report, SmtpTransport, send_due
from booking.models import Base
from tests.mail_helpers import SmtpServer

SENDERS = 4
MESSAGES = 60


@pytest.fixture
def racing_engine(engine: Engine) -> Iterator[Engine]:
    racing = make_engine(engine.url.render_as_string(False), pool_size=SENDERS + 2)
    yield racing
    with racing.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    racing.dispose()


@pytest.fixture
def writes(racing_engine: Engine) -> sessionmaker[Session]:
    return sessionmakers(racing_engine)[1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def queued(writes: sessionmaker[Session]) -> list[str]:
    """MESSAGES committed messages; their Message-IDs."""
    with writes.begin() as session:
        for n in range(MESSAGES):
            email = EmailMessage()
            email["From"] = "Shared Spaces <bookings@sharedspaces.example>"
            email["To"] = f"person{n}@council.example"
            email["Subject"] = f"Message {n}"
            email.set_content("Hello")
            outbox.queue(session, email)
    with writes() as session:
        return list(session.scalars(select(OutboxMessage.message_id)))


def test_senders_running_at_once_send_every_message_exactly_once(
    writes: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    message_ids = queued(writes)
    barrier = threading.Barrier(SENDERS)
    reports: list[Report] = [Report()] * SENDERS
    errors: list[BaseException] = []

    def sender(index: int) -> None:
        transport = SmtpTransport({**smtp_server.config(), "MAIL_SMTP_STARTTLS": False})
        barrier.wait(timeout=60)
        try:
            reports[index] = send_due(
                writes, transport, clock=lambda: datetime.now(UTC), max_attempts=10
            )
        except BaseException as error:  # reported below, on the test's own thread
            errors.append(error)
        finally:
            transport.close()

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Counter(smtp_server.inbox.message_ids()) == Counter(message_ids)
    assert sum(report.sent for report in reports) == MESSAGES
    assert sum(1 for report in reports if report.sent) > 1  # they really did share the work
    with writes() as session:
        statuses = session.scalars(select(OutboxMessage.status)).all()
    assert Counter(statuses) == {OutboxStatus.SENT: MESSAGES}
