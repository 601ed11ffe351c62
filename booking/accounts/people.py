"""Administrators' work on people: finding them, correcting them, signing them out, their roles.

People are never created here (they register, or operators use `create-user`). The rules keep
the service from being left without an administrator by accident: nobody removes their own
administrator role or deactivates themselves, and the last administrator role stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from booking.accounts.models import Person, Role, RoleGrant
from booking.accounts.roles import GrantError, grant_role, revoke_grant
from booking.audit.services import changes_between, record, snapshot
from booking.catalogue.models import Building, Neighbourhood, Organisation
from booking.db import utcnow

NAME_MAX_LENGTH = 200
SelectT = TypeVar("SelectT", bound=Select[Any])


class PersonError(ValueError):
    """A change to a person that breaks a rule; `field` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PeopleFilter:
    text: str = ""
    """Part of a name or an email address, in any case."""
    organisation_id: int | None = None
    role: Role | None = None
    awaiting_verification: bool = False
    deactivated: bool = False


def _filtered(query: SelectT, filters: PeopleFilter) -> SelectT:
    text = filters.text.strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Person.name).like(pattern, escape="\\"),
                Person.email.like(pattern, escape="\\"),
            )
        )
    if filters.organisation_id is not None:
        query = query.where(Person.organisation_id == filters.organisation_id)
    if filters.role is not None:
        query = query.where(
            exists().where(RoleGrant.person_id == Person.id, RoleGrant.role == filters.role)
        )
    if filters.awaiting_verification:
        query = query.where(Person.email_verified_at.is_(None))
    if filters.deactivated:
        query = query.where(Person.active.is_(False))
    return query


def search_people(
    session: Session, filters: PeopleFilter, *, page: int = 1, per_page: int = 25
) -> tuple[list[Person], int]:
    """A page of people matching `filters` by name, and how many match in all.

    A fixed number of queries whatever the page holds: the count, the page, then each
    person's organisation and roles loaded together.
    """
    total = session.scalar(_filtered(select(func.count(Person.id)), filters)) or 0
    people = session.scalars(
        _filtered(select(Person), filters)
        .options(selectinload(Person.organisation), selectinload(Person.grants))
        .order_by(func.lower(Person.name), Person.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(people), total


def update_person(
    session: Session,
    actor: Person | None,
    person: Person,
    *,
    name: str,
    organisation: Organisation,
) -> None:
    """Correct a person's name or move them to another organisation."""
    name = " ".join(name.split())
    if not name:
        raise PersonError("Enter the person's full name", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise PersonError(f"The name must be {NAME_MAX_LENGTH} characters or fewer", "name")
    if organisation is not person.organisation and not organisation.active:
        raise PersonError(
            f"{organisation.name} is deactivated. Choose an active organisation", "organisation"
        )
    before = {**snapshot(person, ["name"]), "organisation": person.organisation.name}
    person.name = name
    person.organisation = organisation
    changes = changes_between(before, {"name": name, "organisation": organisation.name})
    if changes:
        session.flush()
        record(session, actor, "person.update", person, f"Changed {person.name}'s details", changes)


def mark_verified(session: Session, actor: Person | None, person: Person) -> None:
    """Vouch for a person's email address when the verification message went astray."""
    if person.email_verified_at is not None:
        return
    person.email_verified_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        "person.verify",
        person,
        f"Marked {person.email} as verified",
        {"email_verified": [False, True]},
    )


def deactivate_person(session: Session, actor: Person | None, person: Person) -> None:
    """Stop a person signing in, and sign them out of every device at once."""
    if actor is not None and actor.id == person.id:
        raise PersonError(
            "You cannot deactivate your own account. Ask another administrator to do it."
        )
    if not person.active:
        return
    if person.is_administrator and not _another_administrator(session, person):
        raise PersonError(f"{person.name} is the only administrator, so they stay active.")
    person.active = False
    person.session_version += 1
    session.flush()
    record(
        session,
        actor,
        "person.deactivate",
        person,
        f"Deactivated {person.name}",
        {"active": [True, False]},
    )


def reactivate_person(session: Session, actor: Person | None, person: Person) -> None:
    if person.active:
        return
    person.active = True
    session.flush()
    record(
        session,
        actor,
        "person.reactivate",
        person,
        f"Reactivated {person.name}",
        {"active": [False, True]},
    )


def sign_out_everywhere(session: Session, actor: Person | None, person: Person) -> None:
    """End every session the person has, on every device (a lost phone, a shared computer)."""
    person.session_version += 1
    session.flush()
    record(
        session,
        actor,
        "person.sign_out",
        person,
        f"Signed {person.name} out of all devices",
    )


def add_grant(
    session: Session,
    actor: Person | None,
    person: Person,
    role: Role,
    *,
    building: Building | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> RoleGrant:
    """Give a role; the building or neighbourhood is used only by the role that needs it."""
    scope_field = {Role.BUILDING_MANAGER: "building", Role.NEIGHBOURHOOD_LEAD: "neighbourhood"}
    if role is not Role.BUILDING_MANAGER:
        building = None
    if role is not Role.NEIGHBOURHOOD_LEAD:
        neighbourhood = None
    if building is not None and not building.active:
        raise PersonError(f"{building.name} is deactivated. Choose an active building", "building")
    try:
        return grant_role(
            session, actor, person, role, building=building, neighbourhood=neighbourhood
        )
    except GrantError as error:
        raise PersonError(str(error), scope_field.get(role, "role")) from error


def remove_grant(session: Session, actor: Person | None, grant: RoleGrant) -> None:
    """Take a role away, keeping at least one administrator and never one's own."""
    if grant.role is Role.ADMINISTRATOR:
        if actor is not None and actor.id == grant.person_id:
            raise PersonError(
                "You cannot remove your own administrator role. Ask another administrator to do it."
            )
        if not _another_administrator(session, grant.person):
            raise PersonError(
                f"{grant.person.name} is the only administrator. "
                "Make someone else an administrator first."
            )
    revoke_grant(session, actor, grant)


def _another_administrator(session: Session, person: Person) -> bool:
    """Whether an active person other than `person` holds the administrator role."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    RoleGrant.role == Role.ADMINISTRATOR,
                    RoleGrant.person_id != person.id,
                    RoleGrant.person_id == Person.id,
                    Person.active.is_(True),
                )
            )
        )
    )
