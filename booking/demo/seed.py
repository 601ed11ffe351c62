"""Loading the demo data. Idempotent: what exists is kept, only what is missing is added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person, Role
from booking.accounts.passwords import hash_password
from booking.accounts.roles import grant_role
from booking.catalogue.bank_holidays import sync_bank_holidays
from booking.catalogue.models import (
    Building,
    Closure,
    Neighbourhood,
    OpeningHours,
    Organisation,
    OrganisationDomain,
    Space,
)
from booking.demo import data
from booking.timezones import local_to_utc, today


@dataclass
class SeedResult:
    neighbourhoods: int = 0
    organisations: int = 0
    buildings: int = 0
    spaces: int = 0
    people: int = 0

    @property
    def added_anything(self) -> bool:
        return any(
            (self.neighbourhoods, self.organisations, self.buildings, self.spaces, self.people)
        )


def catalogue_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Building))


def seed_demo(session: Session, password: str, *, reset_passwords: bool = False) -> SeedResult:
    """Add the demo neighbourhoods, organisations, buildings, spaces and people.

    Demo people who already exist keep their password unless `reset_passwords` is set.
    """
    result = SeedResult()
    sync_bank_holidays(session)
    hoods = _neighbourhoods(session, result)
    organisations = _organisations(session, result)
    buildings = [_building(session, spec, hoods, organisations, result) for spec in data.BUILDINGS]
    _example_closure(session, buildings)
    _people(session, password, reset_passwords, hoods, organisations, buildings, result)
    session.flush()
    return result


def _neighbourhoods(session: Session, result: SeedResult) -> dict[str, Neighbourhood]:
    existing = {n.slug: n for n in session.scalars(select(Neighbourhood))}
    for slug, name in data.NEIGHBOURHOODS:
        if slug not in existing:
            existing[slug] = Neighbourhood(slug=slug, name=name)
            session.add(existing[slug])
            result.neighbourhoods += 1
    return existing


def _organisations(session: Session, result: SeedResult) -> dict[str, Organisation]:
    existing = {o.name: o for o in session.scalars(select(Organisation))}
    known_domains = set(session.scalars(select(OrganisationDomain.domain)))
    for name, kind, domains in data.ORGANISATIONS:
        if name not in existing:
            existing[name] = Organisation(name=name, type=kind)
            session.add(existing[name])
            result.organisations += 1
        for domain in domains:
            if domain not in known_domains:
                existing[name].domains.append(OrganisationDomain(domain=domain))
                known_domains.add(domain)
    return existing


def _building(
    session: Session,
    spec: data.DemoBuilding,
    hoods: dict[str, Neighbourhood],
    organisations: dict[str, Organisation],
    result: SeedResult,
) -> Building:
    neighbourhood = hoods[spec.neighbourhood]
    building = (
        session.scalar(
            select(Building).where(
                Building.neighbourhood_id == neighbourhood.id, Building.name == spec.name
            )
        )
        if neighbourhood.id
        else None
    )
    if building is None:
        building = Building(
            name=spec.name,
            neighbourhood=neighbourhood,
            owner=organisations[spec.owner],
            address=spec.address,
            postcode=spec.postcode,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
            description="Demo data: a fictional building with an invented address.",
            arrival_instructions=spec.arrival,
            access=spec.access,
            allowed_organisations=[organisations[name] for name in spec.listed],
            is_demo=True,
            opening_hours=[
                OpeningHours(weekday=day, opens=opens, closes=closes)
                for day, (opens, closes) in sorted(spec.hours.items())
            ],
            **{facility.column: True for facility in spec.facilities},
        )
        session.add(building)
        result.buildings += 1
    existing_spaces = {space.name for space in building.spaces}
    for space in spec.spaces:
        if space.name not in existing_spaces:
            building.spaces.append(
                Space(
                    kind=space.kind,
                    name=space.name,
                    capacity=space.capacity,
                    equipment=space.equipment,
                    accessible=space.accessible,
                )
            )
            result.spaces += 1
    session.flush()
    return building


def _example_closure(session: Session, buildings: list[Building]) -> None:
    """One upcoming closure, so estates pages and the catalogue show what a closure looks like."""
    marple = next(b for b in buildings if b.name == "Marple Library")
    has_closure = session.scalar(
        select(func.count()).select_from(Closure).where(Closure.building_id == marple.id)
    )
    if has_closure:
        return
    start_day = today() + timedelta(days=21)
    session.add(
        Closure(
            building=marple,
            starts_at=local_to_utc(start_day, time(0)),
            ends_at=local_to_utc(start_day + timedelta(days=2), time(0)),
            reason="Roof repairs (demo closure)",
        )
    )


def _people(
    session: Session,
    password: str,
    reset_passwords: bool,
    hoods: dict[str, Neighbourhood],
    organisations: dict[str, Organisation],
    buildings: list[Building],
    result: SeedResult,
) -> None:
    password_hash = hash_password(password)
    for spec in data.PEOPLE:
        person = session.scalar(select(Person).where(Person.email == spec.email))
        if person is None:
            person = Person(
                email=spec.email,
                name=spec.name,
                organisation=organisations[spec.organisation],
                password_hash=password_hash,
                email_verified_at=datetime.now(UTC),
            )
            session.add(person)
            session.flush()
            result.people += 1
        elif reset_passwords:
            person.password_hash = password_hash
            person.session_version += 1
        if spec.role == "administrator":
            grant_role(session, None, person, Role.ADMINISTRATOR)
        elif spec.role == "building_manager":
            for building in buildings:
                if building.owner.name == spec.organisation:
                    grant_role(session, None, person, Role.BUILDING_MANAGER, building=building)
        elif spec.role == "neighbourhood_lead" and spec.neighbourhood:
            grant_role(
                session,
                None,
                person,
                Role.NEIGHBOURHOOD_LEAD,
                neighbourhood=hoods[spec.neighbourhood],
            )
