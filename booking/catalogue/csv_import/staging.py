"""Uploads waiting between the preview and the confirmation (see `booking.catalogue.imports`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.services import record
from booking.catalogue.csv_import.applier import Outcome, run
from booking.catalogue.imports import CatalogueImport, ImportStatus

LIFETIME = timedelta(hours=1)
"""How long a previewed upload can still be confirmed."""
KEPT_FOR = timedelta(days=1)
"""How long uploads stay in the table at all; older ones are cleared out by the next upload."""


def stage(
    session: Session, person: Person, filename: str, text: str, now: datetime
) -> CatalogueImport:
    """Keep a checked upload for its uploader to confirm, timed by the same clock as `expired`."""
    session.execute(delete(CatalogueImport).where(CatalogueImport.created_at < now - KEPT_FOR))
    staged = CatalogueImport(
        uploaded_by=person, filename=filename[:255], content=text, created_at=now
    )
    session.add(staged)
    session.flush()
    return staged


def find(session: Session, person: Person, import_id: int) -> CatalogueImport | None:
    """One of the person's own uploads (nobody else's)."""
    return session.scalar(
        select(CatalogueImport).where(
            CatalogueImport.id == import_id, CatalogueImport.uploaded_by_id == person.id
        )
    )


def expired(staged: CatalogueImport, now: datetime) -> bool:
    return staged.created_at < now - LIFETIME


def confirm(
    session: Session, actor: Person, staged: CatalogueImport, max_rows: int
) -> Outcome | None:
    """Apply a staged upload, once: None when it has been applied already.

    The upload is claimed with a conditional update first, so two confirmations racing each
    other apply it once. When rows now have errors (the catalogue changed since the preview)
    nothing is written, and the caller's rollback releases the claim.
    """
    claimed = cast(
        CursorResult[Any],
        session.execute(
            update(CatalogueImport)
            .where(CatalogueImport.id == staged.id, CatalogueImport.status == ImportStatus.READY)
            .values(status=ImportStatus.APPLIED)
        ),
    )
    if claimed.rowcount != 1:
        return None
    outcome = run(session, actor, staged.content, max_rows, keep=True)
    if not outcome.errors:
        record(
            session,
            actor,
            "catalogue.import",
            staged,
            f"Catalogue imported from {staged.filename}: {outcome.summary(done=True)}",
            {"filename": staged.filename, **outcome.counts()},
        )
    return outcome
