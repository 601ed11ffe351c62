"""Buildings: their details, weekly opening hours, deactivation and deletion."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.roles import grant_role
from booking.audit.services import changes_between, record, snapshot
from booking.catalogue.models import (
    Building,
    BuildingAccess,
    Facility,
    Neighbourhood,
    OpeningHours,
    Organisation,
)
from booking.catalogue.services.rules import (
    DAY_NAMES,
    CatalogueError,
    Removal,
    references,
    required,
    tidy,
)

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
COORDINATE_PLACES = Decimal("0.000001")
SIMPLE_FIELDS = (
    "name",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "description",
    "arrival_instructions",
    "access",
    "opens_on_bank_holidays",
)
"""The details that are plain values on both `BuildingDetails` and `Building`."""

Week = Mapping[int, tuple[time, time] | None]
"""Opening hours by weekday (0 = Monday): (opens, closes), or None when closed all day."""


@dataclass(frozen=True)
class BuildingDetails:
    """Everything an estates manager sets on a building (apart from hours and active)."""

    name: str
    owner: Organisation
    neighbourhood: Neighbourhood
    address: str
    postcode: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    description: str = ""
    arrival_instructions: str = ""
    facilities: frozenset[Facility] = frozenset()
    access: BuildingAccess = BuildingAccess.ALL_PARTNERS
    allowed_organisations: tuple[Organisation, ...] = ()
    opens_on_bank_holidays: bool = False

    @classmethod
    def of(cls, building: Building) -> BuildingDetails:
        return cls(
            name=building.name,
            owner=building.owner,
            neighbourhood=building.neighbourhood,
            address=building.address,
            postcode=building.postcode,
            latitude=building.latitude,
            longitude=building.longitude,
            description=building.description,
            arrival_instructions=building.arrival_instructions,
            facilities=frozenset(building.facilities()),
            access=building.access,
            allowed_organisations=tuple(building.allowed_organisations),
            opens_on_bank_holidays=building.opens_on_bank_holidays,
        )


def normalise_postcode(value: str) -> str:
    """A UK postcode in capitals with one space before the last three characters: "SK1 3XE"."""
    compact = re.sub(r"\s+", "", value).upper()
    if not compact:
        raise CatalogueError("Enter the building's postcode", "postcode")
    if not POSTCODE.match(compact):
        raise CatalogueError("Enter a real postcode, like SK1 3XE", "postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def _coordinates(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        missing = "latitude" if latitude is None else "longitude"
        raise CatalogueError("Enter both latitude and longitude, or neither", missing)
    if not latitude.is_finite() or not Decimal(-90) <= latitude <= Decimal(90):
        raise CatalogueError("Latitude must be between -90 and 90", "latitude")
    if not longitude.is_finite() or not Decimal(-180) <= longitude <= Decimal(180):
        raise CatalogueError("Longitude must be between -180 and 180", "longitude")
    return latitude.quantize(COORDINATE_PLACES), longitude.quantize(COORDINATE_PLACES)


def _checked_building(
    session: Session, details: BuildingDetails, building: Building | None
) -> BuildingDetails:
    name = required(details.name, "name", "the building's name", 200)
    clash = session.scalar(
        select(
            exists().where(
                Building.neighbourhood_id == details.neighbourhood.id,
                func.lower(Building.name) == func.lower(name),
                Building.id != (building.id if building else -1),
            )
        )
    )
    if clash:
        raise CatalogueError(
            f"There is already a building called {name} in {details.neighbourhood.name}", "name"
        )
    if not details.owner.active and (building is None or building.owner is not details.owner):
        raise CatalogueError(f"{details.owner.name} is no longer a partner organisation", "owner")
    allowed = tuple(details.allowed_organisations)
    if details.access is BuildingAccess.LISTED and not allowed:
        raise CatalogueError(
            "Choose at least one organisation whose staff can book here", "allowed_organisations"
        )
    latitude, longitude = _coordinates(details.latitude, details.longitude)
    return BuildingDetails(
        name=name,
        owner=details.owner,
        neighbourhood=details.neighbourhood,
        address=required(details.address, "address", "the building's address", 1000),
        postcode=normalise_postcode(details.postcode),
        latitude=latitude,
        longitude=longitude,
        description=tidy(details.description),
        arrival_instructions=tidy(details.arrival_instructions),
        facilities=details.facilities,
        access=details.access,
        allowed_organisations=allowed if details.access is BuildingAccess.LISTED else (),
        opens_on_bank_holidays=details.opens_on_bank_holidays,
    )


def _set_building(building: Building, details: BuildingDetails) -> None:
    for name in ("owner", "neighbourhood", *SIMPLE_FIELDS):
        setattr(building, name, getattr(details, name))
    for facility in Facility:
        setattr(building, facility.column, facility in details.facilities)
    building.allowed_organisations = sorted(
        set(details.allowed_organisations), key=lambda o: o.name
    )


def building_state(building: Building) -> dict[str, Any]:
    """The building as the audit log records it."""
    return {
        **snapshot(building, (*SIMPLE_FIELDS, "active")),
        "owner": building.owner.name,
        "neighbourhood": building.neighbourhood.name,
        "facilities": [f.value for f in building.facilities()],
        "allowed_organisations": [o.name for o in building.allowed_organisations],
    }


def create_building(session: Session, actor: Person, details: BuildingDetails) -> Building:
    """Add a building; a creator who is not an administrator becomes its building manager."""
    details = _checked_building(session, details, None)
    building = Building()
    _set_building(building, details)
    session.add(building)
    session.flush()
    record(
        session,
        actor,
        "building.create",
        building,
        f"{building.name} added",
        building_state(building),
    )
    if not actor.is_administrator:
        grant_role(session, actor, actor, Role.BUILDING_MANAGER, building=building)
    return building


def update_building(
    session: Session, actor: Person, building: Building, details: BuildingDetails
) -> dict[str, Any]:
    """Change a building's details; returns what changed (nothing changed, nothing recorded)."""
    details = _checked_building(session, details, building)
    before = building_state(building)
    _set_building(building, details)
    session.flush()
    changes = changes_between(before, building_state(building))
    if changes:
        record(session, actor, "building.update", building, f"{building.name} changed", changes)
    return changes


def set_opening_hours(
    session: Session, actor: Person, building: Building, week: Week
) -> dict[str, Any]:
    """Replace the building's weekly hours (weekdays missing from `week` are closed)."""
    for weekday, hours in week.items():
        if hours is not None and not hours[0] < hours[1]:
            raise CatalogueError(
                f"{DAY_NAMES[weekday].capitalize()}'s closing time must be after its opening time",
                f"{DAY_NAMES[weekday]}_closes",
            )
    before = hours_state(building)
    current = {row.weekday: row for row in building.opening_hours}
    for weekday in range(7):
        hours, row = week.get(weekday), current.get(weekday)
        if hours is None:
            if row is not None:
                building.opening_hours.remove(row)
        elif row is None:
            building.opening_hours.append(
                OpeningHours(weekday=weekday, opens=hours[0], closes=hours[1])
            )
        else:
            row.opens, row.closes = hours
    session.flush()
    changes = changes_between(before, hours_state(building))
    if changes:
        record(
            session,
            actor,
            "building.hours",
            building,
            f"Opening hours of {building.name} changed",
            changes,
        )
    return changes


def hours_state(building: Building) -> dict[str, str]:
    """The week as `{"monday": "09:00-17:00", "sunday": "closed", ...}`."""
    rows = {row.weekday: row for row in building.opening_hours}
    return {
        name: f"{rows[day].opens:%H:%M}-{rows[day].closes:%H:%M}" if day in rows else "closed"
        for day, name in enumerate(DAY_NAMES)
    }


def set_building_active(session: Session, actor: Person, building: Building, active: bool) -> bool:
    """Deactivate or reactivate a building; returns whether anything changed.

    A deactivated building and its spaces leave the catalogue, but the spaces keep their own
    `active` flags, so reactivating the building brings back exactly what was there.
    """
    if building.active is active:
        return False
    building.active = active
    session.flush()
    verb = "reactivate" if active else "deactivate"
    record(
        session,
        actor,
        f"building.{verb}",
        building,
        f"{building.name} {verb}d",
        {"active": [not active, active]},
    )
    return True


def remove_building(session: Session, actor: Person, building: Building) -> Removal:
    """Delete a building nothing refers to; otherwise deactivate it, keeping its history."""
    if references(session, building):
        set_building_active(session, actor, building, False)
        return Removal.DEACTIVATED
    record(
        session,
        actor,
        "building.delete",
        building,
        f"{building.name} deleted",
        building_state(building),
    )
    session.delete(building)
    session.flush()
    return Removal.DELETED
