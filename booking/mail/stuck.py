"""Messages that could not be sent: what administrators see of them, and what they can do.

A message is stuck when an attempt to send it has failed: it is waiting to be tried again
(pending, with attempts), or the sender has given up on it (failed). Administrators can have
it tried again now, or discard it. Neither ever shows a message's content: password reset
links are in there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, defer

from booking.accounts.models import Person
from booking.audit.services import changes_between, record, snapshot
from booking.mail.models import OutboxMessage, OutboxStatus

RETRY_FIELDS = ("status", "attempts", "next_attempt_at")


class MailError(ValueError):
    """An action on a message that its state does not allow."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.field: str | None = None


@dataclass(frozen=True)
class Counts:
    waiting: int
    """Pending, never tried yet."""
    retrying: int
    """Pending after at least one failed attempt."""
    failed: int
    sent: int


def counts(session: Session) -> Counts:
    retried = (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.attempts > 0)
    kind = case(
        (retried, "retrying"),
        (OutboxMessage.status == OutboxStatus.PENDING, "waiting"),
        else_=OutboxMessage.status,
    )
    found: dict[str, int] = {
        name: number for name, number in session.execute(select(kind, func.count()).group_by(kind))
    }
    return Counts(
        waiting=found.get("waiting", 0),
        retrying=found.get("retrying", 0),
        failed=found.get(OutboxStatus.FAILED.value, 0),
        sent=found.get(OutboxStatus.SENT.value, 0),
    )


_STUCK = or_(
    OutboxMessage.status == OutboxStatus.FAILED,
    (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.attempts > 0),
)


def stuck_messages(
    session: Session, *, page: int = 1, per_page: int = 50
) -> tuple[list[OutboxMessage], int]:
    """A page of stuck messages, given-up ones first, then by when they were queued."""
    total = session.scalar(select(func.count()).where(_STUCK)) or 0
    messages = session.scalars(
        select(OutboxMessage)
        .where(_STUCK)
        .options(defer(OutboxMessage.content, raiseload=True))
        .order_by(
            (OutboxMessage.status == OutboxStatus.FAILED).desc(),
            OutboxMessage.created_at,
            OutboxMessage.id,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(messages), total


def retry_now(session: Session, actor: Person, message: OutboxMessage, now: datetime) -> None:
    """Make the message due at once; a given-up one gets its full set of attempts again."""
    if message.status is OutboxStatus.SENT:
        raise MailError(f"The email to {message.recipient} has already been sent.")
    before = snapshot(message, RETRY_FIELDS)
    if message.status is OutboxStatus.FAILED:
        message.status = OutboxStatus.PENDING
        message.attempts = 0
    message.next_attempt_at = now
    record(
        session,
        actor,
        "mail.retry",
        message,
        f"Asked for “{message.subject}” to {message.recipient} to be sent again now",
        changes_between(before, snapshot(message, RETRY_FIELDS)),
    )
    session.flush()


def discard(session: Session, actor: Person, message: OutboxMessage, now: datetime) -> None:
    """Take a message that was not sent out of the outbox for good (the audit log keeps who
    it was for, what it was about and why it was stuck)."""
    if message.status is OutboxStatus.SENT:
        raise MailError(f"The email to {message.recipient} has already been sent.")
    if message.claimed_until is not None and message.claimed_until > now:
        raise MailError(
            f"The email to {message.recipient} is being sent right now. "
            "Try again in a few minutes if it is still here."
        )
    record(
        session,
        actor,
        "mail.discard",
        message,
        f"Discarded “{message.subject}” to {message.recipient}",
        snapshot(
            message,
            ("recipient", "subject", "message_id", "status", "attempts", "last_error"),
        ),
    )
    session.delete(message)
    session.flush()
