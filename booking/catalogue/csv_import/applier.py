"""Applying a file's buildings and spaces through the catalogue services: all rows or none.

The preview and the import run the same code: the preview inside a savepoint that is always
rolled back, the import inside one that is kept only when no row had an error. So the preview's
counts and errors are exactly what the import will do, rules of the services included, and so
is the refusal of rows that would cancel bookings (`over_bookings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from booking.accounts.models import Person
from booking.catalogue.csv_import import over_bookings
from booking.catalogue.csv_import.parser import Group, Parser, RowError, SpaceRecord
from booking.catalogue.csv_import.reader import UploadError, read_rows
from booking.catalogue.models import Building, Space
from booking.catalogue.services import (
    CatalogueError,
    create_building,
    create_space,
    set_building_active,
    set_opening_hours,
    set_space_active,
    update_building,
    update_space,
)
from booking.permissions import Permission, can
from booking.timezones import now as clock_now


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


@dataclass
class Outcome:
    """What a file does (or did) to the catalogue, or the rows that stop it."""

    buildings_added: list[str] = field(default_factory=list)
    buildings_changed: list[str] = field(default_factory=list)
    spaces_added: int = 0
    spaces_changed: int = 0
    rows_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (
            len(self.buildings_added)
            + len(self.buildings_changed)
            + self.spaces_added
            + self.spaces_changed
        )

    def summary(self, done: bool = False) -> str:
        """ "3 buildings to add, 2 to change, ..." (or "added", "changed" once done)."""
        add, change = ("added", "changed") if done else ("to add", "to change")
        return ", ".join(
            [
                f"{_count(len(self.buildings_added), 'building')} {add}",
                f"{len(self.buildings_changed):,} {change}",
                f"{_count(self.spaces_added, 'space')} {add}",
                f"{self.spaces_changed:,} {change}",
                f"{_count(self.rows_unchanged, 'row')} unchanged",
            ]
        )

    def counts(self) -> dict[str, int]:
        return {
            "buildings_added": len(self.buildings_added),
            "buildings_changed": len(self.buildings_changed),
            "spaces_added": self.spaces_added,
            "spaces_changed": self.spaces_changed,
            "rows_unchanged": self.rows_unchanged,
        }


def _existing(session: Session, groups: list[Group]) -> dict[tuple[int, str], Building]:
    """The buildings the file may be about, keyed like `BuildingRecord.key`, spaces loaded."""
    neighbourhood_ids = {group.building.key[0] for group in groups}
    buildings = session.scalars(
        select(Building)
        .where(Building.neighbourhood_id.in_(neighbourhood_ids))
        .options(
            joinedload(Building.owner),
            joinedload(Building.neighbourhood),
            selectinload(Building.opening_hours),
            selectinload(Building.allowed_organisations),
            selectinload(Building.spaces),
        )
    ).unique()
    return {(b.neighbourhood_id, b.name.casefold()): b for b in buildings}


def _building(
    session: Session, actor: Person, group: Group, building: Building | None, now: datetime
) -> tuple[Building, bool]:
    """The group's building, added or brought up to date, and whether that changed anything."""
    record = group.building
    if building is None:
        if not can(actor, Permission.CREATE_BUILDING):
            raise CatalogueError("you cannot add buildings, so this new building cannot be added")
        building = create_building(session, actor, record.details(description=""))
        set_opening_hours(session, actor, building, record.week)
        set_building_active(session, actor, building, record.values["building_active"])
        return building, True
    if not can(actor, Permission.MANAGE_BUILDING, building):
        raise CatalogueError(
            f"you do not manage {building.name}, so its "
            f"{_count(len(group.rows), 'row')} cannot be imported"
        )
    was_active = building.active
    changes = update_building(session, actor, building, record.details(building.description))
    hours = set_opening_hours(session, actor, building, record.week)
    active = set_building_active(session, actor, building, record.values["building_active"])
    over_bookings.check_building(
        session,
        building,
        deactivated=was_active and not building.active,
        hours_changed=bool(hours) or "opens_on_bank_holidays" in changes,
        now=now,
    )
    return building, bool(changes or hours or active)


def _space(
    session: Session, actor: Person, building: Building, record: SpaceRecord, now: datetime
) -> Literal["added", "changed"] | None:
    """Add or update one space; what that did (None: nothing changed)."""
    name = record.details.name.casefold()
    space: Space | None = next((s for s in building.spaces if s.name.casefold() == name), None)
    if space is None:
        space = create_space(session, actor, building, record.details)
        set_space_active(session, actor, space, record.active)
        return "added"
    was_active, was_bookable = space.active, space.bookable
    changes = update_space(
        session, actor, space, replace(record.details, description=space.description)
    )
    active = set_space_active(session, actor, space, record.active)
    over_bookings.check_space(
        session,
        space,
        deactivated=was_active and not space.active,
        unbookable=was_bookable and not space.bookable and space.active,
        now=now,
    )
    return "changed" if changes or active else None


def _apply(session: Session, actor: Person, groups: list[Group], now: datetime) -> Outcome:
    outcome = Outcome()
    existing = _existing(session, groups)
    for group in groups:
        found = existing.get(group.building.key)
        try:
            building, building_changed = _building(session, actor, group, found, now)
        except CatalogueError as error:
            outcome.errors.append(RowError(group.rows[0], error.message))
            continue
        if building_changed:
            target = outcome.buildings_changed if found else outcome.buildings_added
            target.append(building.name)
        changed_rows = {group.rows[0]} if building_changed else set()
        for space in group.spaces:
            try:
                done = _space(session, actor, building, space, now)
            except CatalogueError as error:
                outcome.errors.append(RowError(space.row, error.message))
                continue
            if done == "added":
                outcome.spaces_added += 1
            elif done == "changed":
                outcome.spaces_changed += 1
            if done is not None:
                changed_rows.add(space.row)
        outcome.rows_unchanged += len(set(group.rows) - changed_rows)
    return outcome


def run(
    session: Session,
    actor: Person,
    text: str,
    max_rows: int,
    *,
    keep: bool,
    now: datetime | None = None,
) -> Outcome:
    """Check the file against the catalogue and, if `keep` and no row is wrong, apply it.

    `now` (default: the app's clock) tells upcoming bookings from past ones. Raises
    `UploadError` when the file as a whole cannot be read.
    """
    rows = read_rows(text, max_rows)
    groups, errors = Parser(session).parse(rows)
    savepoint = session.begin_nested()
    try:
        outcome = _apply(session, actor, groups, now or clock_now())
    except IntegrityError as error:
        savepoint.rollback()
        raise UploadError(
            "Someone changed the same buildings while the file was being checked. Try again"
        ) from error
    outcome.errors = sorted(errors + outcome.errors)
    if keep and not outcome.errors:
        savepoint.commit()
    else:
        savepoint.rollback()
    return outcome
