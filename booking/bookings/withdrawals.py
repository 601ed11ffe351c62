"""Taking a building or a space out of use over its bookings.

Deactivating a building or a space (directly, or by deleting one that has history), or making a
space no longer bookable, leaves nowhere for its upcoming bookings to happen. As with closures
(`booking.bookings.closures`), those bookings are shown to the manager first
(`ConfirmationNeeded`); once confirmed, the change is saved and they are cancelled, with a reason
the bookers read, in the same transaction. A booking made after the manager looked is never
cancelled unseen: the manager is asked again.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.closures import cancel_bookings, require_confirmed, upcoming
from booking.bookings.models import Booking
from booking.catalogue import services as catalogue
from booking.catalogue.models import Building, Space
from booking.catalogue.services import Removal, SpaceDetails


def withdrawal_reason(place: Building | Space) -> str:
    """What the bookers read: "Reddish Library is no longer available to book"."""
    return f"{place.name} is no longer available to book"


def bookings_in(session: Session, place: Building | Space, *, now: datetime) -> list[Booking]:
    """The active bookings that have not ended in the building (any of its spaces) or space."""
    if isinstance(place, Building):
        return upcoming(session, place, now)
    return upcoming(session, place.building, now, Booking.space_id == place.id)


def bookings_withdrawn(
    session: Session, place: Building | Space, *, now: datetime
) -> list[Booking]:
    """The bookings deactivating `place` would cancel: none if it is already deactivated."""
    return bookings_in(session, place, now=now) if place.active else []


def deactivate_building(
    session: Session,
    actor: Person,
    building: Building,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[bool, list[Booking]]:
    """Deactivate the building and cancel its spaces' bookings; whether it was active."""
    hit = bookings_withdrawn(session, building, now=now)
    require_confirmed(hit, confirmed)
    changed = catalogue.set_building_active(session, actor, building, False)
    return changed, cancel_bookings(session, actor, hit, withdrawal_reason(building), now)


def remove_building(
    session: Session,
    actor: Person,
    building: Building,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[Removal, list[Booking]]:
    """Delete the building, or deactivate it (cancelling its bookings) when it has history.

    A building with bookings has spaces, so it is always deactivated, never deleted.
    """
    hit = bookings_withdrawn(session, building, now=now)
    require_confirmed(hit, confirmed)
    removal = catalogue.remove_building(session, actor, building)
    return removal, cancel_bookings(session, actor, hit, withdrawal_reason(building), now)


def deactivate_space(
    session: Session, actor: Person, space: Space, *, confirmed: Collection[int], now: datetime
) -> tuple[bool, list[Booking]]:
    """Deactivate the space and cancel its bookings; whether it was active."""
    hit = bookings_withdrawn(session, space, now=now)
    require_confirmed(hit, confirmed)
    changed = catalogue.set_space_active(session, actor, space, False)
    return changed, cancel_bookings(session, actor, hit, withdrawal_reason(space), now)


def remove_space(
    session: Session, actor: Person, space: Space, *, confirmed: Collection[int], now: datetime
) -> tuple[Removal, list[Booking]]:
    """Delete the space, or deactivate it (cancelling its bookings) when it has history.

    A space with bookings has history, so it is always deactivated, never deleted.
    """
    hit = bookings_withdrawn(session, space, now=now)
    require_confirmed(hit, confirmed)
    removal = catalogue.remove_space(session, actor, space)
    return removal, cancel_bookings(session, actor, hit, withdrawal_reason(space), now)


def update_space(
    session: Session,
    actor: Person,
    space: Space,
    details: SpaceDetails,
    *,
    confirmed: Collection[int],
    now: datetime,
) -> tuple[dict[str, Any], list[Booking]]:
    """Save the space; making it no longer bookable cancels its bookings once confirmed.

    The change is made in a savepoint, so the catalogue's own errors (a name already used...)
    come before any question about bookings, and nothing is left changed when one is asked.
    """
    withdraws = space.bookable and not details.bookable
    reason = withdrawal_reason(space)  # the name on the confirmation page, even if renamed
    with session.begin_nested():
        changes = catalogue.update_space(session, actor, space, details)
        hit = bookings_withdrawn(session, space, now=now) if withdraws else []
        require_confirmed(hit, confirmed)
        return changes, cancel_bookings(session, actor, hit, reason, now)
