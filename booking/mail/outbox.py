"""The outbox's rules: queueing a message, and how senders take turns with it.

A sender claims a few due messages in a short transaction (PostgreSQL's `FOR UPDATE SKIP
LOCKED` keeps two senders off the same rows; on SQLite the writing session's `BEGIN IMMEDIATE`
runs claims one after the other), by setting `claimed_until` a lease ahead. It delivers them
outside any transaction, then records each outcome in another short one. A sender that dies
holding a claim loses nothing: the claim runs out and another sender picks the message up.

Delivery is at least once, not exactly once: a sender that dies after the mail server took a
message but before it recorded that, or one that stalls past its lease, sends the message a
second time. Both copies carry the same Message-ID, which mail clients use to drop the repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from booking.audit.services import record
from booking.mail.models import OutboxMessage, OutboxStatus
from booking.timezones import now as clock_now

CLAIM_LEASE = timedelta(minutes=10)
"""How long a claim holds: far longer than a batch can take (10 messages, 30 s SMTP timeout)."""
BATCH_SIZE = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
WIRE_POLICY = policy.default.clone(linesep="\r\n")
"""Messages are kept as they go over SMTP: CRLF line endings, non-ASCII headers encoded."""


def queue(session: Session, email: EmailMessage) -> OutboxMessage:
    """Add `email` to the outbox in `session`'s transaction; due at once.

    Its Date and Message-ID are fixed now (if the caller has not set them), so that a message
    sent a second time after a crash is recognisably the same message.
    """
    recipients = [
        address.addr_spec
        for name in ("To", "Cc")
        for header in email.get_all(name, [])
        for address in header.addresses
    ]
    if not recipients:
        raise ValueError("a message needs at least one address in To or Cc")
    now = clock_now()
    if "Date" not in email:
        email["Date"] = format_datetime(now)
    if "Message-ID" not in email:
        domain = email["From"].addresses[0].domain or "localhost"
        email["Message-ID"] = make_msgid(domain=domain)
    message = OutboxMessage(
        recipient=_shortened(", ".join(recipients), 254),
        subject=_shortened(str(email["Subject"] or ""), 300),
        message_id=str(email["Message-ID"]),
        content=email.as_bytes(policy=WIRE_POLICY),
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        last_error="",
    )
    session.add(message)
    session.flush()
    return message


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class Claim:
    """A message a sender holds until `claimed_until`, with what it needs to deliver it."""

    id: int
    recipient: str
    subject: str
    content: bytes
    attempts: int
    claimed_until: datetime


def claim_due(session: Session, now: datetime, limit: int = BATCH_SIZE) -> list[Claim]:
    """Claim up to `limit` messages that are due and that no other sender holds."""
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.content,
            OutboxMessage.attempts,
        )
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return []
    until = now + CLAIM_LEASE
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([row.id for row in rows]))
        .values(claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return [
        Claim(row.id, row.recipient, row.subject, row.content, row.attempts, until) for row in rows
    ]


def mark_sent(session: Session, claim: Claim, now: datetime, note: str = "") -> bool:
    """Record that the mail server accepted the message; False if it was already settled.

    Recorded even if the claim has run out meanwhile: the message went, whoever holds it now.
    `note` keeps what the server said about recipients it refused while accepting others.
    """
    settled = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, last_error=note)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return settled is not None


def record_failure(
    session: Session, claim: Claim, error: str, now: datetime, max_attempts: int
) -> OutboxStatus | None:
    """Count a failed attempt: try again after a back-off, or give up after `max_attempts`.

    Returns the message's new status, or None if the claim has passed to another sender
    (whose outcome counts instead).
    """
    message = session.get(OutboxMessage, claim.id, with_for_update=True)
    if (
        message is None
        or message.status is not OutboxStatus.PENDING
        or message.claimed_until != claim.claimed_until
    ):
        return None
    message.attempts = claim.attempts + 1
    message.last_error = error
    message.claimed_until = None
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.FAILED
        record(
            session,
            None,
            "mail.give_up",
            message,
            f"Gave up sending “{message.subject}” to {message.recipient} "
            f"after {message.attempts} attempts",
            {"last_error": error},
        )
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
    session.flush()
    return message.status


def release(session: Session, claims: list[Claim]) -> None:
    """Hand back claims a stopping sender did not get to, so they need not wait for the lease."""
    for claim in claims:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.claimed_until == claim.claimed_until,
            )
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def retry_delay(attempts: int) -> timedelta:
    """The wait after `attempts` failures: 1, 2, 4, 8 … minutes, never more than an hour."""
    doublings = min(attempts - 1, 16)  # far past the longest wait: no need to count further
    return min(FIRST_RETRY * int(2**doublings), LONGEST_RETRY)
