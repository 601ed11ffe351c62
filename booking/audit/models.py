"""The audit log: who changed what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import Person
from booking.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    """What happened, as `<thing>.<verb>`: `building.create`, `space.deactivate`, `grant.remove`."""
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(300))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Changed fields as `{"field": [old, new]}`; the whole record for a creation."""

    actor: Mapped[Person | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_subject", "subject_type", "subject_id"),
        Index("ix_audit_entry_at", "at"),
    )
