"""Turning rows into buildings and spaces, with an error for each row that is wrong."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.catalogue.csv_import.columns import BUILDING_COLUMNS, LIST_SEPARATOR, SPACE_COLUMNS
from booking.catalogue.csv_import.reader import Row
from booking.catalogue.models import (
    BuildingAccess,
    Facility,
    Neighbourhood,
    Organisation,
    SpaceKind,
)
from booking.catalogue.services import (
    CAPACITY_RANGE,
    DAY_NAMES,
    BuildingDetails,
    CatalogueError,
    SpaceDetails,
    Week,
    normalise_postcode,
)

E = TypeVar("E", bound=enum.Enum)
_HOURS = re.compile(r"^([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})$")


class CellError(ValueError):
    """A cell that cannot be read; the message names its column."""


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


@dataclass(frozen=True)
class BuildingRecord:
    """A building as the file describes it. The file has no description: that is kept."""

    values: dict[str, Any]
    """Every building column, read: the rows of one building must agree on all of them."""

    @property
    def key(self) -> tuple[int, str]:
        return self.values["neighbourhood"].id, self.values["building_name"].casefold()

    def details(self, description: str) -> BuildingDetails:
        v = self.values
        return BuildingDetails(
            name=v["building_name"],
            owner=v["owner_organisation"],
            neighbourhood=v["neighbourhood"],
            address=v["address"],
            postcode=v["postcode"],
            latitude=v["latitude"],
            longitude=v["longitude"],
            description=description,
            arrival_instructions=v["arrival_instructions"],
            facilities=v["facilities"],
            access=v["access"],
            allowed_organisations=tuple(sorted(v["allowed_organisations"], key=lambda o: o.name)),
            opens_on_bank_holidays=v["opens_on_bank_holidays"],
        )

    @property
    def week(self) -> Week:
        return {day: self.values[name] for day, name in enumerate(DAY_NAMES)}


@dataclass(frozen=True)
class SpaceRecord:
    row: int
    details: SpaceDetails
    active: bool


@dataclass
class Group:
    """One building's rows: the first one's number, every row's number, and its spaces."""

    building: BuildingRecord
    rows: list[int]
    spaces: list[SpaceRecord] = field(default_factory=list)


def _text(column: str, value: str, max_length: int = 10_000, required: bool = False) -> str:
    if required and not value:
        raise CellError(f"{column} must not be empty")
    if len(value) > max_length:
        raise CellError(f"{column} must be {max_length} characters or fewer")
    return value


def _yes_no(column: str, value: str) -> bool:
    if value.lower() not in ("yes", "no"):
        raise CellError(f"{column} must be yes or no")
    return value.lower() == "yes"


def _choice(kind: type[E], column: str, value: str) -> E:
    for member in kind:
        if member.value == value.lower():
            return member
    raise CellError(f"{column} must be {' or '.join(str(m.value) for m in kind)}")


def _coordinate(column: str, value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellError(f"{column} must be a number, like 53.4083, or empty")
    return number


def _postcode(column: str, value: str) -> str:
    try:
        return normalise_postcode(value)
    except CatalogueError as error:
        raise CellError(f"{column} must be a UK postcode, like SK1 3XE") from error


def _hours(column: str, value: str) -> tuple[time, time] | None:
    if value.lower() == "closed":
        return None
    match = _HOURS.match(value)
    try:
        if match is None:
            raise ValueError(value)
        hours = [int(part) for part in match.groups()]
        opens, closes = time(hours[0], hours[1]), time(hours[2], hours[3])
    except ValueError as error:
        raise CellError(f"{column} must be opening hours like 09:00-17:00, or closed") from error
    if not opens < closes:
        raise CellError(f"{column}: the closing time must be after the opening time")
    return opens, closes


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _facilities(column: str, value: str) -> frozenset[Facility]:
    chosen = set()
    for item in _items(value):
        try:
            chosen.add(Facility(item.lower()))
        except ValueError as error:
            raise CellError(
                f"{column}: “{item}” is not one of {', '.join(f.value for f in Facility)}"
            ) from error
    return frozenset(chosen)


def _capacity(column: str, value: str) -> int:
    low, high = CAPACITY_RANGE
    if not value.isdigit() or not low <= int(value) <= high:
        raise CellError(f"{column} must be a whole number from {low} to {high}")
    return int(value)


class Parser:
    """Reads rows against the neighbourhoods and organisations in the database."""

    def __init__(self, session: Session) -> None:
        self.neighbourhoods: dict[str, Neighbourhood] = {}
        for n in session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)):
            self.neighbourhoods[n.name.casefold()] = self.neighbourhoods[n.slug.casefold()] = n
        self.organisations = {o.name.casefold(): o for o in session.scalars(select(Organisation))}
        self.building_columns: dict[str, Callable[[str, str], Any]] = {
            "building_name": lambda c, v: _text(c, v, 200, required=True),
            "neighbourhood": self._neighbourhood,
            "owner_organisation": self._organisation,
            "address": lambda c, v: _text(c, v, 1000, required=True),
            "postcode": _postcode,
            "latitude": _coordinate,
            "longitude": _coordinate,
            "access": lambda c, v: _choice(BuildingAccess, c, v),
            "allowed_organisations": lambda c, v: frozenset(
                self._organisation(c, item) for item in _items(v)
            ),
            "opens_on_bank_holidays": _yes_no,
            "facilities": _facilities,
            **dict.fromkeys(DAY_NAMES, _hours),
            "arrival_instructions": _text,
            "building_active": _yes_no,
        }

    def _neighbourhood(self, column: str, value: str) -> Neighbourhood:
        found = self.neighbourhoods.get(value.casefold())
        if found is None:
            names = sorted({n.name for n in self.neighbourhoods.values()})
            raise CellError(f"{column} must be one of {', '.join(names)} (or its short name)")
        return found

    def _organisation(self, column: str, value: str) -> Organisation:
        found = self.organisations.get(value.casefold())
        if found is None:
            raise CellError(f"{column}: there is no organisation called “{value}”")
        return found

    def _building(self, row: Row) -> tuple[BuildingRecord | None, list[str]]:
        values, problems = {}, []
        for column in BUILDING_COLUMNS:
            try:
                values[column] = self.building_columns[column](column, row.cells[column])
            except CellError as error:
                problems.append(str(error))
        if not problems:
            listed = values["access"] is BuildingAccess.LISTED
            if listed and not values["allowed_organisations"]:
                problems.append(
                    "allowed_organisations must name an organisation when access is listed"
                )
            if not listed and values["allowed_organisations"]:
                problems.append("allowed_organisations must be empty when access is all_partners")
        return (None if problems else BuildingRecord(values)), problems

    def _space(self, row: Row) -> tuple[SpaceRecord | None, list[str]]:
        cells = row.cells
        if not cells["space_name"]:
            if any(cells[c] for c in SPACE_COLUMNS):
                return None, ["space_name is empty, so the other space columns must be empty too"]
            return None, []
        readers: dict[str, Callable[[str, str], Any]] = {
            "space_name": lambda c, v: _text(c, v, 120, required=True),
            "space_kind": lambda c, v: _choice(SpaceKind, c, v),
            "capacity": _capacity,
            "equipment": _text,
            "accessible": _yes_no,
            "bookable": _yes_no,
            "space_active": _yes_no,
        }
        values, problems = {}, []
        for column, read in readers.items():
            try:
                values[column] = read(column, cells[column])
            except CellError as error:
                problems.append(str(error))
        if problems:
            return None, problems
        details = SpaceDetails(
            kind=values["space_kind"],
            name=values["space_name"],
            capacity=values["capacity"],
            equipment=values["equipment"],
            accessible=values["accessible"],
            bookable=values["bookable"],
        )
        return SpaceRecord(row.number, details, values["space_active"]), []

    def parse(self, rows: list[Row]) -> tuple[list[Group], list[RowError]]:
        """The file's buildings (in the order they first appear) and its rows' errors."""
        groups: dict[tuple[int, str], Group] = {}
        errors: list[RowError] = []
        spaces_seen: dict[tuple[int, str], dict[str, int]] = {}
        for row in rows:
            if row.problem:
                errors.append(RowError(row.number, row.problem))
                continue
            building, problems = self._building(row)
            space, space_problems = self._space(row)
            errors += [RowError(row.number, p) for p in problems + space_problems]
            if building is None:
                continue
            group = groups.get(building.key)
            if group is None:
                group = groups[building.key] = Group(building, [row.number])
            elif building.values != group.building.values:
                differing = [
                    c for c in BUILDING_COLUMNS if building.values[c] != group.building.values[c]
                ]
                errors.append(
                    RowError(
                        row.number,
                        f"the building's columns differ from row {group.rows[0]}, which is "
                        f"about the same building ({', '.join(differing)})",
                    )
                )
                continue
            else:
                group.rows.append(row.number)
            if space is not None:
                seen = spaces_seen.setdefault(building.key, {})
                name = space.details.name.casefold()
                if name in seen:
                    errors.append(
                        RowError(
                            row.number,
                            f"space “{space.details.name}” is already on row {seen[name]}",
                        )
                    )
                    continue
                seen[name] = row.number
                group.spaces.append(space)
        return list(groups.values()), errors
