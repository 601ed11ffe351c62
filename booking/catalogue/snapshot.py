"""Spaces kept between requests, for answers that list hundreds of them (API availability).

Reading a neighbourhood's ~460 spaces with their buildings, opening hours and allowed
organisations as ORM objects took most of the time of the API's availability answer. They
change rarely, so `SpaceCache` keeps them, read-only and detached from any session, in each
worker process. Every request still asks the database which spaces it wants, in its order,
with each space's and its building's `updated_at`; a space whose `updated_at`, or whose
building's, differs from the kept one is read again (with its building), so an estates change
is seen by the very next request. Each row is checked on its own, with no catalogue-wide
version number that concurrent transactions could commit out of order.

A building's opening hours and allowed organisations are rows of other tables: changing them
does not UPDATE the building row. `_touch_buildings` (a `before_flush` listener, the one place
that does this) sets the building's `updated_at` whenever they change through the ORM.
Anything that changes them without the ORM must bump `building.updated_at` itself.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import DateTime, Select, event, inspect, select, type_coerce
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from booking.catalogue.models import Building, OpeningHours, Space
from booking.db import utcnow

Versions = tuple[datetime, datetime]
"""A space's `updated_at` and its building's."""


class SpaceCache:
    """Spaces with their buildings, hours and allowed organisations loaded, kept by id."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._kept: dict[int, tuple[Versions, Space]] = {}

    def spaces(self, session: Session, query: Select[Space]) -> list[Space]:
        """The spaces `query` selects (it must join `Space.building`), in its order.

        The objects are shared between requests: read them, never change them or add them to a
        session.
        """
        rows = session.execute(
            query.with_only_columns(
                Space.id,
                # Compared, never shown: read as the driver gives them, not converted to UTC.
                type_coerce(Space.updated_at, DateTime(timezone=True)).label("space_version"),
                type_coerce(Building.updated_at, DateTime(timezone=True)).label("building_version"),
            )
        ).all()
        stale = {
            space_id: (space_version, building_version)
            for space_id, space_version, building_version in rows
            if (kept := self._kept.get(space_id)) is None
            or kept[0] != (space_version, building_version)
        }
        if stale:
            self._read(stale)
        return [kept[1] for space_id, _, _ in rows if (kept := self._kept.get(space_id))]

    def _read(self, versions: dict[int, Versions]) -> None:
        """Read the spaces in a session of their own, closed at once: they leave it detached,
        with everything the availability answer reads already loaded.

        Each is kept with the versions the request saw, which are never newer than what is
        read here: a change committed in between is read again by the next request.
        """
        with self._sessions() as session:
            spaces = session.scalars(
                select(Space)
                .where(Space.id.in_(versions))
                .options(
                    joinedload(Space.building).options(
                        selectinload(Building.opening_hours),
                        selectinload(Building.allowed_organisations),
                    )
                )
            ).all()
        for space in spaces:
            self._kept[space.id] = (versions[space.id], space)


@event.listens_for(Session, "before_flush")
def _touch_buildings(session: Session, _context: Any, _instances: Any) -> None:
    """Set `updated_at` of each building whose opening hours or allowed organisations change."""
    touched: set[Building] = set()
    dirty = session.dirty
    for thing in chain(session.new, dirty, session.deleted):
        if isinstance(thing, OpeningHours):
            if thing in dirty and not session.is_modified(thing):
                continue
            building = thing.building
            if building is None and thing.building_id is not None:
                building = session.get(Building, thing.building_id)
            if building is not None:
                touched.add(building)
        elif isinstance(thing, Building) and thing in dirty:
            state = inspect(thing)
            if (
                state.attrs.opening_hours.history.has_changes()
                or state.attrs.allowed_organisations.history.has_changes()
            ):
                touched.add(thing)
    for building in touched:
        if building not in session.deleted:
            building.updated_at = utcnow()
