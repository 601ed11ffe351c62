"""Closures: a building, or one space, out of use for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.services import record, snapshot
from booking.catalogue.models import Building, Closure, Space
from booking.catalogue.services.rules import CatalogueError, required
from booking.timezones import NonexistentLocalTime, local_to_utc

REASON_MAX_LENGTH = 300


@dataclass(frozen=True)
class ClosurePlan:
    """A checked closure, ready to add: its period is in UTC, half-open [starts_at, ends_at)."""

    building: Building
    space: Space | None
    starts_at: datetime
    ends_at: datetime
    reason: str

    @property
    def place(self) -> str:
        return place_name(self.building, self.space)


def place_name(building: Building, space: Space | None) -> str:
    """What a closure closes, in words: "Riverside room, Central Library"."""
    return building.name if space is None else f"{space.name}, {building.name}"


def check_closure(
    building: Building,
    space: Space | None,
    starts: tuple[date, time],
    ends: tuple[date, time],
    reason: str,
) -> ClosurePlan:
    """Check a closure given in Europe/London wall-clock time, without adding it.

    A separate step from `add_closure` so that what the closure would affect can be shown
    before it is confirmed.
    """
    if space is not None and space.building_id != building.id:
        raise CatalogueError(f"{space.name} is not in {building.name}", "space")
    moments = []
    for (day, at), field in ((starts, "starts_time"), (ends, "ends_time")):
        try:
            moments.append(local_to_utc(day, at))
        except NonexistentLocalTime as error:
            raise CatalogueError(str(error), field) from error
    if moments[1] <= moments[0]:
        raise CatalogueError("The closure must end after it starts", "ends_on")
    reason = required(reason, "reason", "the reason for the closure", REASON_MAX_LENGTH)
    return ClosurePlan(building, space, moments[0], moments[1], reason)


def add_closure(session: Session, actor: Person, plan: ClosurePlan) -> Closure:
    closure = Closure(
        building=plan.building if plan.space is None else None,
        space=plan.space,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        reason=plan.reason,
        created_by_id=actor.id,
    )
    session.add(closure)
    session.flush()
    record(
        session,
        actor,
        "closure.add",
        plan.building,
        f"Closure added: {plan.place}",
        closure_state(closure),
    )
    return closure


def closure_state(closure: Closure) -> dict[str, Any]:
    return {
        "closure": closure.id,
        "space": closure.space.name if closure.space else None,
        **snapshot(closure, ("starts_at", "ends_at", "reason")),
    }


def closure_building(closure: Closure) -> Building:
    """The building a closure belongs to, directly or through its space."""
    if closure.space is not None:
        return closure.space.building
    assert closure.building is not None  # the table's check: a building or a space
    return closure.building


def remove_closure(session: Session, actor: Person, closure: Closure) -> None:
    building = closure_building(closure)
    place = place_name(building, closure.space)
    record(
        session,
        actor,
        "closure.remove",
        building,
        f"Closure removed: {place}",
        closure_state(closure),
    )
    session.delete(closure)
    session.flush()
