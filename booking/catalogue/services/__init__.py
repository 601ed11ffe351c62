"""The write side of the catalogue: buildings, opening hours, spaces and closures.

The estates pages and the CSV import both go through these functions, so a rule holds however a
change arrives. They check, change, flush and audit; they never commit (the request does).
Permissions are the caller's job: these functions trust that the actor may make the change.
A broken rule raises `CatalogueError`, naming the form field to show it beside.
"""

from booking.catalogue.services.buildings import (
    BuildingDetails,
    Week,
    building_state,
    create_building,
    hours_state,
    normalise_postcode,
    remove_building,
    set_building_active,
    set_opening_hours,
    update_building,
)
from booking.catalogue.services.closures import (
    ClosurePlan,
    add_closure,
    check_closure,
    closure_building,
    place_name,
    remove_closure,
)
from booking.catalogue.services.rules import DAY_NAMES, CatalogueError, Removal, references
from booking.catalogue.services.spaces import (
    CAPACITY_RANGE,
    SpaceDetails,
    create_space,
    remove_space,
    set_space_active,
    update_space,
)

__all__ = [
    "CAPACITY_RANGE",
    "DAY_NAMES",
    "BuildingDetails",
    "CatalogueError",
    "ClosurePlan",
    "Removal",
    "SpaceDetails",
    "Week",
    "add_closure",
    "building_state",
    "check_closure",
    "closure_building",
    "create_building",
    "create_space",
    "hours_state",
    "normalise_postcode",
    "place_name",
    "references",
    "remove_building",
    "remove_closure",
    "remove_space",
    "set_building_active",
    "set_opening_hours",
    "set_space_active",
    "update_building",
    "update_space",
]
