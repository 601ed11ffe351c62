"""Calendar feeds: unguessable URLs that calendar programs subscribe to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import Person
from booking.catalogue.models import Building, Space
from booking.db import Base, utcnow


class CalendarFeed(Base):
    """A feed of one person's bookings, or of a building's or a space's (for its managers).

    The token (at least 128 bits, URL-safe) is the only secret in the feed's URL; resetting a
    feed revokes the old token at once and makes a new one.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    """Whose feed it is (for a building or space feed: the manager who holds it)."""
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()
    building: Mapped[Building | None] = relationship()
    space: Mapped[Space | None] = relationship()

    __table_args__ = (
        CheckConstraint("building_id IS NULL OR space_id IS NULL", name="one_subject"),
    )
