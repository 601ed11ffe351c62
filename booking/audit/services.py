"""Recording changes in the audit log. Services call `record` in the same transaction as the change."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from booking.accounts.models import Person
from booking.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field's value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(thing: object, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, to compare with after a change."""
    return {name: _plain(getattr(thing, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """`{"field": [old, new]}` for every field whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    session: Session,
    actor: Person | None,
    action: str,
    subject: object,
    summary: str,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        subject_type=type(subject).__name__.lower(),
        subject_id=getattr(subject, "id", None),
        summary=summary[:300],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    session.add(entry)
    return entry


def recent_entries(
    session: Session,
    *,
    page: int = 1,
    per_page: int = 50,
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor_id: int | None = None,
) -> tuple[list[AuditEntry], int]:
    """A page of the log, newest first, with the total number of matching entries."""
    query = select(AuditEntry)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = session.scalars(
        query.options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(entries), total
