"""Administrators see mail that could not be sent, and can have it retried or discard it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking import db, mail
from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.mail.models import OutboxMessage, OutboxStatus
from tests.factories import Factory
from tests.mail_helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": clock}


@pytest.fixture
def administrator(factory: Factory) -> Person:
    return factory.administrator(name="Ada Admin")


@pytest.fixture
def admin(administrator: Person, sign_in: Callable[[Person], FlaskClient]) -> FlaskClient:
    return sign_in(administrator)


def message(app: Flask, db_session: Session, to: str, subject: str, **state: Any) -> OutboxMessage:
    """A queued message, then put in `state` (as the sender would have left it)."""
    with app.test_request_context():
        session = db.session()
        queued = mail.send(session, mail.Message(to=to, subject=subject, text="Secret link"))
        session.commit()
    stored = db_session.get(OutboxMessage, queued.id)
    assert stored is not None
    for name, value in state.items():
        setattr(stored, name, value)
    db_session.flush()
    return stored


@pytest.fixture
def outbox(app: Flask, db_session: Session, clock: Clock) -> dict[str, OutboxMessage]:
    later = clock.at + timedelta(minutes=4)
    return {
        "waiting": message(app, db_session, "new@council.example", "Just queued"),
        "retrying": message(
            app,
            db_session,
            "ann@council.example",
            "Reset your password",
            attempts=3,
            last_error="ConnectionRefusedError: [Errno 111] Connection refused",
            next_attempt_at=later,
        ),
        "failed": message(
            app,
            db_session,
            "bob@police.example",
            "Desk 4, Reddish Library",
            status=OutboxStatus.FAILED,
            attempts=10,
            last_error="SMTPDataError: (554, b'Message rejected')",
        ),
        "sent": message(
            app, db_session, "cat@council.example", "Welcome", status=OutboxStatus.SENT
        ),
    }


def cards(page: str) -> list[str]:
    return re.findall(r'<h3 class="app-card__title[^"]*">([^<]+)</h3>', page)


def last_entry(db_session: Session) -> AuditEntry:
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    return entry


def test_the_mail_page_counts_the_outbox_and_lists_stuck_messages_given_up_first(
    admin: FlaskClient, outbox: dict[str, OutboxMessage]
) -> None:
    page = admin.get("/admin/mail").text

    counts = re.findall(
        r'<dt class="govuk-summary-list__key">\s*([^<]+?)\s*</dt>\s*'
        r'<dd class="govuk-summary-list__value">\s*(\d+)\s*</dd>',
        page,
    )
    assert counts[:4] == [
        ("Waiting to be sent", "1"),
        ("Failed, to be tried again", "1"),
        ("Given up", "1"),
        ("Sent", "1"),
    ]
    assert cards(page) == ["Desk 4, Reddish Library", "Reset your password"]
    assert "bob@police.example" in page and "Message rejected" in page
    assert "ann@council.example" in page and "Connection refused" in page
    assert "Monday 7 January 2030, 9:04am" in page  # the next attempt
    assert "Secret link" not in page  # never the content: it can hold reset links


def test_the_mail_page_is_linked_from_the_administration_dashboard(admin: FlaskClient) -> None:
    assert 'href="/admin/mail"' in admin.get("/admin/").text


def test_retry_now_makes_a_given_up_message_due_with_its_attempts_renewed(
    admin: FlaskClient,
    db_session: Session,
    outbox: dict[str, OutboxMessage],
    clock: Clock,
    mailbox: Callable[[], list[Any]],
) -> None:
    failed = outbox["failed"]
    response = admin.post(f"/admin/mail/{failed.id}/retry")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/mail"
    assert (
        "The email to bob@police.example will be sent again now." in admin.get("/admin/mail").text
    )

    db_session.expire_all()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        OutboxStatus.PENDING,
        0,
        clock.at,
    )
    entry = last_entry(db_session)
    assert (entry.action, entry.actor_id, entry.subject_id) == (
        "mail.retry",
        admin_id(db_session),
        failed.id,
    )
    assert entry.changes["status"] == ["failed", "pending"]
    assert entry.changes["attempts"] == [10, 0]
    assert "bob@police.example" in [m["To"] for m in mailbox()]


def test_retry_now_brings_a_backed_off_message_forward(
    admin: FlaskClient, db_session: Session, outbox: dict[str, OutboxMessage], clock: Clock
) -> None:
    retrying = outbox["retrying"]
    admin.post(f"/admin/mail/{retrying.id}/retry")
    db_session.expire_all()
    assert (retrying.status, retrying.attempts, retrying.next_attempt_at) == (
        OutboxStatus.PENDING,
        3,
        clock.at,
    )


def test_a_sent_message_cannot_be_retried_or_discarded(
    admin: FlaskClient, db_session: Session, outbox: dict[str, OutboxMessage]
) -> None:
    sent = outbox["sent"]
    for response in (
        admin.post(f"/admin/mail/{sent.id}/retry"),
        admin.post(f"/admin/mail/{sent.id}/discard"),
    ):
        assert response.status_code == 422
        assert "There is a problem" in response.text
        assert "The email to cat@council.example has already been sent." in response.text
    db_session.expire_all()
    assert sent.status is OutboxStatus.SENT


def test_discarding_asks_first_then_removes_the_message_and_audits_it(
    admin: FlaskClient, db_session: Session, outbox: dict[str, OutboxMessage]
) -> None:
    failed = outbox["failed"]
    failed_id = failed.id
    confirm = admin.get(f"/admin/mail/{failed_id}/discard")
    assert confirm.status_code == 200
    assert "Discard this email?" in confirm.text
    assert "“Desk 4, Reddish Library” to bob@police.example will not be sent." in confirm.text

    response = admin.post(f"/admin/mail/{failed_id}/discard")
    assert response.headers["Location"] == "/admin/mail"
    page = admin.get("/admin/mail").text
    assert "The email to bob@police.example has been discarded." in page
    assert cards(page) == ["Reset your password"]

    db_session.expire_all()
    assert db_session.get(OutboxMessage, failed_id) is None
    entry = last_entry(db_session)
    assert (entry.action, entry.subject_id) == ("mail.discard", failed_id)
    assert entry.summary == "Discarded “Desk 4, Reddish Library” to bob@police.example"
    assert entry.changes["attempts"] == 10
    assert entry.changes["last_error"] == "SMTPDataError: (554, b'Message rejected')"
    assert '<option value="outboxmessage">Mail</option>' in admin.get("/admin/audit").text


def test_a_message_being_sent_right_now_cannot_be_discarded(
    admin: FlaskClient, db_session: Session, outbox: dict[str, OutboxMessage], clock: Clock
) -> None:
    retrying = outbox["retrying"]
    retrying.claimed_until = clock.at + timedelta(minutes=5)
    db_session.flush()
    response = admin.post(f"/admin/mail/{retrying.id}/discard")
    assert response.status_code == 422
    assert "is being sent right now" in response.text
    assert db_session.get(OutboxMessage, retrying.id) is not None


def test_a_message_that_is_not_there_is_not_found(admin: FlaskClient) -> None:
    assert admin.get("/admin/mail/999999/discard").status_code == 404
    assert admin.post("/admin/mail/999999/retry").status_code == 404


def test_an_empty_outbox_says_nothing_is_stuck(admin: FlaskClient) -> None:
    assert (
        "None: every email has gone, or is waiting for its first try."
        in admin.get("/admin/mail").text
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/mail"),
        ("post", "/admin/mail/{id}/retry"),
        ("get", "/admin/mail/{id}/discard"),
        ("post", "/admin/mail/{id}/discard"),
    ],
)
def test_only_administrators_can_use_the_mail_page(
    method: str,
    path: str,
    client: FlaskClient,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    outbox: dict[str, OutboxMessage],
    db_session: Session,
) -> None:
    url = path.format(id=outbox["failed"].id)
    assert getattr(client, method)(url).status_code == 302  # to sign in
    building = factory.building()
    for person in (factory.person(), factory.building_manager(building)):
        assert getattr(sign_in(person), method)(url).status_code == 403
    db_session.expire_all()
    assert outbox["failed"].status is OutboxStatus.FAILED


def admin_id(db_session: Session) -> int:
    person = db_session.scalar(select(Person).where(Person.name == "Ada Admin"))
    assert person is not None
    return person.id
