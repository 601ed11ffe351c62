"""The one CSV format for importing and exporting the catalogue, cell by cell.

One row per space, the building's columns repeated on each of its spaces' rows; a building with
no spaces is one row with the space columns empty. docs/CSV.md describes it for estates teams.
"""

from __future__ import annotations

import re

from booking.catalogue.models import Building, Facility, Space
from booking.catalogue.services import DAY_NAMES, hours_state

BUILDING_COLUMNS: tuple[str, ...] = (
    "building_name",
    "neighbourhood",
    "owner_organisation",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "access",
    "allowed_organisations",
    "opens_on_bank_holidays",
    "facilities",
    *DAY_NAMES,
    "arrival_instructions",
    "building_active",
)
SPACE_COLUMNS: tuple[str, ...] = (
    "space_name",
    "space_kind",
    "capacity",
    "equipment",
    "accessible",
    "bookable",
    "space_active",
)
COLUMNS = BUILDING_COLUMNS + SPACE_COLUMNS
LIST_SEPARATOR = ";"

COLUMN_HELP = {
    "building_name": "The building's name. With the neighbourhood, it says which building the "
    "row is about: a name not yet in that neighbourhood adds a building",
    "neighbourhood": "The neighbourhood's name or short name, like Central or heatons-reddish",
    "owner_organisation": "The name of the organisation that owns the building",
    "address": "The address, without the postcode",
    "postcode": "A UK postcode, like SK1 3XE",
    "latitude": "A number, like 53.4083, or empty (give both latitude and longitude, or neither)",
    "longitude": "A number, like -2.1494, or empty",
    "access": "all_partners (staff of every partner can book) or listed (only the owner's staff "
    "and the organisations in allowed_organisations)",
    "allowed_organisations": "Organisation names separated by semicolons; empty when access "
    "is all_partners",
    "opens_on_bank_holidays": "yes or no",
    "facilities": f"Any of {', '.join(f.value for f in Facility)}, separated by semicolons",
    "monday": "Opening hours like 09:00-17:00 (24-hour clock, UK time), or closed. The same for "
    "tuesday to sunday",
    "arrival_instructions": "What to do on arrival, or empty",
    "building_active": "yes, or no to take the building and its spaces out of the catalogue",
    "space_name": "The space's name in its building; empty on a row for a building with no "
    "spaces (then leave every space column empty)",
    "space_kind": "desk, meeting_room or quiet_room",
    "capacity": "A whole number from 1 to 500 (a desk's is 1)",
    "equipment": "For example, screen, webcam, whiteboard, or empty",
    "accessible": "yes or no",
    "bookable": "yes or no",
    "space_active": "yes, or no to take the space out of the catalogue",
}
"""What to put in each column, for the import page (docs/CSV.md says the same at length)."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def guard(value: str) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection).

    Text starting with = + - @ (or a tab or carriage return) gets a leading single quote;
    plain numbers such as a negative longitude are left alone, as they cannot be formulas.
    """
    if value.startswith(_FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """The cell's text with `guard`'s quote taken off again."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def building_cells(building: Building) -> list[str]:
    """The building's columns, in `BUILDING_COLUMNS` order."""
    hours = hours_state(building)
    return [
        building.name,
        building.neighbourhood.name,
        building.owner.name,
        building.address,
        building.postcode,
        "" if building.latitude is None else f"{building.latitude:f}",
        "" if building.longitude is None else f"{building.longitude:f}",
        building.access.value,
        LIST_SEPARATOR.join(o.name for o in building.allowed_organisations),
        yes_no(building.opens_on_bank_holidays),
        LIST_SEPARATOR.join(f.value for f in building.facilities()),
        *(hours[day] for day in DAY_NAMES),
        building.arrival_instructions,
        yes_no(building.active),
    ]


def space_cells(space: Space | None) -> list[str]:
    """The space's columns, in `SPACE_COLUMNS` order; empty for a building without spaces."""
    if space is None:
        return [""] * len(SPACE_COLUMNS)
    return [
        space.name,
        space.kind.value,
        str(space.capacity),
        space.equipment,
        yes_no(space.accessible),
        yes_no(space.bookable),
        yes_no(space.active),
    ]
