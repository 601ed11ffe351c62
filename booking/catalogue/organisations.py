"""Organisations and their email domains: the rules administrators work within.

An organisation that anything refers to (people, buildings, building access lists) is never
deleted, only deactivated; a deactivated organisation's domains no longer let people register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, selectinload

from booking.accounts.models import Person
from booking.audit.services import changes_between, record, snapshot
from booking.catalogue.models import Organisation, OrganisationDomain, OrganisationType
from booking.db import tables_referring_to

NAME_MAX_LENGTH = 200
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_AUDITED_FIELDS = ("name", "type")


class OrganisationError(ValueError):
    """A change to an organisation that breaks a rule; `field` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class OrganisationRow:
    """An organisation as the administrators' list shows it."""

    organisation: Organisation
    people: int


def list_organisations(session: Session) -> list[OrganisationRow]:
    """Every organisation by name, with its domains and its number of people (two queries)."""
    people = (
        select(func.count(Person.id))
        .where(Person.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Organisation, people)
        .options(selectinload(Organisation.domains))
        .order_by(func.lower(Organisation.name))
    ).all()
    return [OrganisationRow(organisation, count) for organisation, count in rows]


def normalise_domain(raw: str) -> str:
    """The email domain in `raw` in lower case ("@NHS.net" becomes "nhs.net"), or an error."""
    domain = raw.strip().lower().removeprefix("@").rstrip(".")
    if not domain:
        raise OrganisationError("Enter an email domain, like nhs.net", "domain")
    if "://" in domain or "/" in domain or any(c.isspace() for c in domain) or "@" in domain:
        raise OrganisationError(
            "Enter only the part of the email address after the @, like nhs.net", "domain"
        )
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise OrganisationError(
            "Enter a real email domain, like nhs.net or stockport.gov.uk", "domain"
        )
    return domain


def _clean_name(session: Session, name: str, organisation: Organisation | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("Enter the organisation's name", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise OrganisationError(
            f"The organisation's name must be {NAME_MAX_LENGTH} characters or fewer", "name"
        )
    clash = select(Organisation.name).where(func.lower(Organisation.name) == name.lower())
    if organisation is not None and organisation.id is not None:
        clash = clash.where(Organisation.id != organisation.id)
    existing = session.scalar(clash)
    if existing is not None:
        raise OrganisationError(f"There is already an organisation called {existing}", "name")
    return name


def create_organisation(
    session: Session, actor: Person | None, *, name: str, type: OrganisationType
) -> Organisation:
    organisation = Organisation(name=_clean_name(session, name, None), type=type, active=True)
    session.add(organisation)
    session.flush()
    record(
        session,
        actor,
        "organisation.create",
        organisation,
        f"Added the organisation {organisation.name}",
        snapshot(organisation, _AUDITED_FIELDS),
    )
    return organisation


def update_organisation(
    session: Session,
    actor: Person | None,
    organisation: Organisation,
    *,
    name: str,
    type: OrganisationType,
) -> None:
    name = _clean_name(session, name, organisation)
    before = snapshot(organisation, _AUDITED_FIELDS)
    organisation.name = name
    organisation.type = type
    changes = changes_between(before, snapshot(organisation, _AUDITED_FIELDS))
    if changes:
        session.flush()
        record(
            session,
            actor,
            "organisation.update",
            organisation,
            f"Changed the organisation {organisation.name}",
            changes,
        )


def deactivate_organisation(
    session: Session, actor: Person | None, organisation: Organisation
) -> None:
    """Stop new registrations from the organisation's domains; its people keep their accounts."""
    _set_active(session, actor, organisation, active=False)


def reactivate_organisation(
    session: Session, actor: Person | None, organisation: Organisation
) -> None:
    _set_active(session, actor, organisation, active=True)


def _set_active(
    session: Session, actor: Person | None, organisation: Organisation, *, active: bool
) -> None:
    if organisation.active is active:
        return
    organisation.active = active
    session.flush()
    verb = "reactivate" if active else "deactivate"
    record(
        session,
        actor,
        f"organisation.{verb}",
        organisation,
        f"{verb.capitalize()}d the organisation {organisation.name}",
        {"active": [not active, active]},
    )


def add_domain(
    session: Session, actor: Person | None, organisation: Organisation, raw: str
) -> OrganisationDomain:
    """Let people with addresses at `raw` register as staff of `organisation`."""
    domain = normalise_domain(raw)
    owner = session.scalar(
        select(Organisation)
        .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
        .where(OrganisationDomain.domain == domain)
    )
    if owner is organisation:
        raise OrganisationError(f"{organisation.name} already has the domain {domain}", "domain")
    if owner is not None:
        raise OrganisationError(f"{domain} already belongs to {owner.name}", "domain")
    added = OrganisationDomain(domain=domain)
    organisation.domains.append(added)
    session.flush()
    record(
        session,
        actor,
        "domain.add",
        organisation,
        f"Added the email domain {domain} to {organisation.name}",
        {"domain": [None, domain]},
    )
    return added


def remove_domain(session: Session, actor: Person | None, domain: OrganisationDomain) -> None:
    """Stop new registrations from `domain`; people already registered from it keep access."""
    organisation = domain.organisation
    record(
        session,
        actor,
        "domain.remove",
        organisation,
        f"Removed the email domain {domain.domain} from {organisation.name}",
        {"domain": [domain.domain, None]},
    )
    organisation.domains.remove(domain)
    session.flush()


def _owned_tables() -> set[str]:
    """Tables holding parts of an organisation (its domains), deleted along with it."""
    mapper = inspect(Organisation)
    return {
        relationship.target.name
        for relationship in mapper.relationships
        if relationship.cascade.delete_orphan
    }


def is_referenced(session: Session, organisation: Organisation) -> bool:
    """Whether any row outside the organisation's own parts (its domains) refers to it."""
    return bool(tables_referring_to(session, organisation, ignore=_owned_tables()))


def delete_organisation(session: Session, actor: Person | None, organisation: Organisation) -> None:
    """Delete an organisation nothing refers to (a mistake, say); others are only deactivated."""
    if is_referenced(session, organisation):
        raise OrganisationError(
            f"{organisation.name} cannot be deleted because people, buildings or access lists "
            "refer to it. Deactivate it instead."
        )
    record(
        session,
        actor,
        "organisation.delete",
        organisation,
        f"Deleted the organisation {organisation.name}",
        {
            **{
                name: [value, None]
                for name, value in snapshot(organisation, _AUDITED_FIELDS).items()
            },
            "domains": [", ".join(d.domain for d in organisation.domains), None],
        },
    )
    session.delete(organisation)
    session.flush()
