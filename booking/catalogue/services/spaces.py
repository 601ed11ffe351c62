"""Spaces in a building: desks, meeting rooms and quiet rooms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.services import changes_between, record, snapshot
from booking.catalogue.models import Building, Space, SpaceKind
from booking.catalogue.services.rules import CatalogueError, Removal, references, required, tidy

CAPACITY_RANGE = (1, 500)


@dataclass(frozen=True)
class SpaceDetails:
    kind: SpaceKind
    name: str
    capacity: int
    equipment: str = ""
    description: str = ""
    accessible: bool = False
    bookable: bool = True

    @classmethod
    def of(cls, space: Space) -> SpaceDetails:
        return cls(
            kind=space.kind,
            name=space.name,
            capacity=space.capacity,
            equipment=space.equipment,
            description=space.description,
            accessible=space.accessible,
            bookable=space.bookable,
        )


SPACE_FIELDS = (
    "kind",
    "name",
    "capacity",
    "equipment",
    "description",
    "accessible",
    "bookable",
    "active",
)


def _checked_space(
    session: Session, building: Building, details: SpaceDetails, space: Space | None
) -> SpaceDetails:
    name = required(details.name, "name", "the space's name", 120)
    clash = session.scalar(
        select(
            exists().where(
                Space.building_id == building.id,
                func.lower(Space.name) == func.lower(name),
                Space.id != (space.id if space else -1),
            )
        )
    )
    if clash:
        raise CatalogueError(f"There is already a space called {name} in {building.name}", "name")
    low, high = CAPACITY_RANGE
    if not low <= details.capacity <= high:
        raise CatalogueError(f"Capacity must be a whole number from {low} to {high}", "capacity")
    if details.kind is SpaceKind.DESK and details.capacity != 1:
        raise CatalogueError("A desk is for one person: its capacity must be 1", "capacity")
    return SpaceDetails(
        kind=details.kind,
        name=name,
        capacity=details.capacity,
        equipment=tidy(details.equipment),
        description=tidy(details.description),
        accessible=details.accessible,
        bookable=details.bookable,
    )


def create_space(
    session: Session, actor: Person, building: Building, details: SpaceDetails
) -> Space:
    details = _checked_space(session, building, details, None)
    space = Space(building=building, **vars(details))
    session.add(space)
    session.flush()
    record(
        session,
        actor,
        "space.create",
        space,
        f"{space.name} added to {building.name}",
        {**snapshot(space, SPACE_FIELDS), "building": building.name},
    )
    return space


def update_space(
    session: Session, actor: Person, space: Space, details: SpaceDetails
) -> dict[str, Any]:
    """Change a space; returns what changed (nothing changed, nothing recorded)."""
    details = _checked_space(session, space.building, details, space)
    before = snapshot(space, SPACE_FIELDS)
    for name, value in vars(details).items():
        setattr(space, name, value)
    session.flush()
    changes = changes_between(before, snapshot(space, SPACE_FIELDS))
    if changes:
        record(
            session,
            actor,
            "space.update",
            space,
            f"{space.name} in {space.building.name} changed",
            changes,
        )
    return changes


def set_space_active(session: Session, actor: Person, space: Space, active: bool) -> bool:
    """Deactivate or reactivate a space; returns whether anything changed."""
    if space.active is active:
        return False
    space.active = active
    session.flush()
    verb = "reactivate" if active else "deactivate"
    record(
        session,
        actor,
        f"space.{verb}",
        space,
        f"{space.name} in {space.building.name} {verb}d",
        {"active": [not active, active]},
    )
    return True


def remove_space(session: Session, actor: Person, space: Space) -> Removal:
    """Delete a space nothing refers to; otherwise deactivate it, keeping its history."""
    if references(session, space):
        set_space_active(session, actor, space, False)
        return Removal.DEACTIVATED
    record(
        session,
        actor,
        "space.delete",
        space,
        f"{space.name} deleted from {space.building.name}",
        {**snapshot(space, SPACE_FIELDS), "building": space.building.name},
    )
    space.building.spaces.remove(space)
    session.delete(space)
    session.flush()
    return Removal.DELETED
