"""Rows that would cancel bookings: refused, so an import never strands a booking.

New hours, deactivating a building or a space, or making a space not bookable would leave
upcoming bookings outside opening hours or in a space nobody can use. The estates pages show
the manager who is affected before cancelling anything; an import cannot, so such a row is an
error that sends the manager to those pages. The checks run on the catalogue as the row has
just changed it (inside the import's savepoint), so the preview and the import agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from booking.bookings.closures import bookings_outside_hours
from booking.bookings.withdrawals import bookings_in
from booking.catalogue.models import Building, Space
from booking.catalogue.services import CatalogueError

SEE_WHO = "where you can see who is affected"


def _bookings(number: int) -> str:
    return "1 booking" if number == 1 else f"{number:,} bookings"


def check_building(
    session: Session,
    building: Building,
    *,
    deactivated: bool,
    hours_changed: bool,
    now: datetime,
) -> None:
    """Refuse the row if deactivating the building or its new hours would cancel bookings."""
    if deactivated:
        hit = len(bookings_in(session, building, now=now))
        if hit:
            raise CatalogueError(
                f"deactivating {building.name} would cancel {_bookings(hit)}; deactivate it "
                f"on the building's page, {SEE_WHO}"
            )
    elif hours_changed:
        hit = len(bookings_outside_hours(session, building, now=now))
        if hit:
            raise CatalogueError(
                f"the new hours of {building.name} would cancel {_bookings(hit)}; change them "
                f"on the building's page, {SEE_WHO}"
            )


def check_space(
    session: Session, space: Space, *, deactivated: bool, unbookable: bool, now: datetime
) -> None:
    """Refuse the row if deactivating the space or making it not bookable would cancel bookings."""
    if not (deactivated or unbookable):
        return
    hit = len(bookings_in(session, space, now=now))
    if not hit:
        return
    place = f"{space.name} in {space.building.name}"
    if deactivated:
        raise CatalogueError(
            f"deactivating {place} would cancel {_bookings(hit)}; deactivate it on the "
            f"space's page, {SEE_WHO}"
        )
    raise CatalogueError(
        f"making {place} not bookable would cancel {_bookings(hit)}; change it on the "
        f"space's page, {SEE_WHO}"
    )
