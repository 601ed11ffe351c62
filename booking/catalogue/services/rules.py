"""What every catalogue service shares: the error type, tidying text, finding references."""

from __future__ import annotations

import enum

from sqlalchemy.orm import Session

from booking.catalogue.models import Building, Space
from booking.db import tables_referring_to

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OWNED_TABLES = {"opening_hours", "building_organisation", "role_grant"}
"""Tables holding a building's own details and grants: they go with it when it is deleted."""
REFERENCE_NAMES = {"space": "spaces", "closure": "closures"}


class CatalogueError(ValueError):
    """A change that breaks a catalogue rule; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Removal(enum.Enum):
    """What asking to delete something did: deleted it, or deactivated it to keep history."""

    DELETED = "deleted"
    DEACTIVATED = "deactivated"


def tidy(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def required(value: str, field: str, label: str, max_length: int) -> str:
    """`value` tidied; `label` ("the building's name") words the errors."""
    value = tidy(value)
    if not value:
        raise CatalogueError(f"Enter {label}", field)
    if len(value) > max_length:
        raise CatalogueError(
            f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field
        )
    return value


def references(session: Session, thing: Building | Space) -> list[str]:
    """What refers to `thing`, in the users' words (like "closures"), from any table.

    A building's own details (hours, access list) and its managers' grants go with it: only
    history (spaces, closures, bookings …) keeps it from being deleted.
    """
    return [
        REFERENCE_NAMES.get(name, name.replace("_", " ") + "s")
        for name in tables_referring_to(session, thing, ignore=OWNED_TABLES)
    ]
