"""Granting and removing roles. Every change is audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role, RoleGrant
from booking.audit.services import record
from booking.catalogue.models import Building, Neighbourhood


def _role_phrase(grant: RoleGrant) -> str:
    """ "an administrator", "building manager of Reddish Library" …"""
    if grant.role is Role.ADMINISTRATOR:
        return "an administrator"
    return f"{grant.role.label.lower()} of {grant.scope_name}"


class GrantError(ValueError):
    """A role grant that does not make sense (e.g. a building manager without a building)."""


def grant_role(
    session: Session,
    actor: Person | None,
    person: Person,
    role: Role,
    *,
    building: Building | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> RoleGrant:
    """Give `person` a role; giving one they already hold changes nothing and returns it."""
    if role is Role.BUILDING_MANAGER and (building is None or neighbourhood is not None):
        raise GrantError("Choose the building this person will manage.")
    if role is Role.NEIGHBOURHOOD_LEAD and (neighbourhood is None or building is not None):
        raise GrantError("Choose the neighbourhood this person will lead.")
    if role is Role.ADMINISTRATOR and (building is not None or neighbourhood is not None):
        raise GrantError("An administrator's role covers everything; choose no building.")
    existing = next(
        (
            g
            for g in person.grants
            if g.role is role
            and g.building_id == (building.id if building else None)
            and g.neighbourhood_id == (neighbourhood.id if neighbourhood else None)
        ),
        None,
    )
    if existing is not None:
        return existing
    grant = RoleGrant(
        role=role,
        building=building,
        neighbourhood=neighbourhood,
        granted_by_id=actor.id if actor else None,
    )
    person.grants.append(grant)
    session.flush()
    record(
        session,
        actor,
        "grant.add",
        person,
        f"{person.name} made {_role_phrase(grant)}",
        {
            "role": role,
            "building": building.name if building else None,
            "neighbourhood": neighbourhood.name if neighbourhood else None,
        },
    )
    return grant


def revoke_grant(session: Session, actor: Person | None, grant: RoleGrant) -> None:
    person = grant.person
    record(
        session,
        actor,
        "grant.remove",
        person,
        f"{person.name} is no longer {_role_phrase(grant)}",
        {"role": grant.role, "scope": grant.scope_name},
    )
    person.grants.remove(grant)
    session.flush()
