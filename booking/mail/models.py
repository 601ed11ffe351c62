"""The outbox: every message is written here in the transaction that causes it.

A booking never exists without its invite, and a rolled-back booking never sends one: the
message row commits or rolls back with the booking. `flask send-mail` delivers what is due.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from booking.catalogue.models import _enum
from booking.db import Base, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    """Waiting to be sent (again, after `next_attempt_at`, if an attempt failed)."""
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last retry; shown to administrators."""


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    """The Message-ID header, fixed when queued: a message re-sent after a crash is the same."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    """The whole RFC 5322 message, as it will be sent."""
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    """A sender working on the message holds it until then; another sender leaves it alone."""
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "ix_outbox_message_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )
