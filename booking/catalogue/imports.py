"""Catalogue CSV uploads kept between the preview and the confirmation.

Production runs several machines behind a load balancer, so a validated upload cannot wait on
one machine's disk, and it is too big for the session cookie: it waits in the database, for an
hour at most, until its uploader confirms it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import Person
from booking.catalogue.models import _enum
from booking.db import Base, utcnow


class ImportStatus(enum.StrEnum):
    READY = "ready"
    """Validated and previewed; waiting for its uploader to confirm it."""
    APPLIED = "applied"


class CatalogueImport(Base):
    __tablename__ = "catalogue_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[ImportStatus] = mapped_column(
        _enum(ImportStatus, "import_status"), default=ImportStatus.READY
    )

    uploaded_by: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<CatalogueImport {self.id} {self.status.value}>"
