"""Factories for every model: sensible defaults, any field overridable, flushed not committed."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from argon2 import PasswordHasher, profiles
from sqlalchemy.orm import Session

from booking.accounts.models import AccessToken, Person, Role, RoleGrant
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import (
    Building,
    Closure,
    Neighbourhood,
    OpeningHours,
    Organisation,
    OrganisationDomain,
    OrganisationType,
    Space,
    SpaceKind,
)
from booking.mail.models import OutboxMessage

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)
_hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
_password_hash = _hasher.hash(PASSWORD)

WEEKDAY_HOURS = {day: (time(9), time(17)) for day in range(5)}


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _save(self, thing: Any) -> Any:
        self.session.add(thing)
        self.session.flush()
        return thing

    def neighbourhood(self, **fields: Any) -> Neighbourhood:
        n = next(_sequence)
        fields.setdefault("name", f"Neighbourhood {n}")
        fields.setdefault("slug", f"neighbourhood-{n}")
        return self._save(Neighbourhood(**fields))  # type: ignore[no-any-return]

    def organisation(self, domains: tuple[str, ...] | None = None, **fields: Any) -> Organisation:
        n = next(_sequence)
        fields.setdefault("name", f"Organisation {n}")
        fields.setdefault("type", OrganisationType.COUNCIL)
        organisation = Organisation(**fields)
        for domain in domains if domains is not None else (f"org{n}.example",):
            organisation.domains.append(OrganisationDomain(domain=domain))
        return self._save(organisation)  # type: ignore[no-any-return]

    def building(
        self,
        hours: dict[int, tuple[time, time]] | None = None,
        **fields: Any,
    ) -> Building:
        n = next(_sequence)
        if "neighbourhood" not in fields and "neighbourhood_id" not in fields:
            fields["neighbourhood"] = self.neighbourhood()
        if "owner" not in fields and "owner_id" not in fields:
            fields["owner"] = self.organisation()
        fields.setdefault("name", f"Building {n}")
        fields.setdefault("address", f"{n} Test Street, Stockport")
        fields.setdefault("postcode", "SK1 1AA")
        fields.setdefault("latitude", Decimal("53.408000"))
        fields.setdefault("longitude", Decimal("-2.149000"))
        building = Building(**fields)
        for weekday, (opens, closes) in (WEEKDAY_HOURS if hours is None else hours).items():
            building.opening_hours.append(OpeningHours(weekday=weekday, opens=opens, closes=closes))
        return self._save(building)  # type: ignore[no-any-return]

    def space(self, building: Building | None = None, **fields: Any) -> Space:
        n = next(_sequence)
        fields.setdefault("kind", SpaceKind.DESK)
        fields.setdefault("name", f"Space {n}")
        fields.setdefault("capacity", 1 if fields["kind"] is SpaceKind.DESK else 8)
        return self._save(Space(building=building or self.building(), **fields))  # type: ignore[no-any-return]

    def closure(self, **fields: Any) -> Closure:
        if not any(k in fields for k in ("building", "building_id", "space", "space_id")):
            fields["building"] = self.building()
        start = fields.setdefault("starts_at", datetime(2030, 1, 7, 9, tzinfo=UTC))
        fields.setdefault("ends_at", start + timedelta(days=1))
        fields.setdefault("reason", "Maintenance")
        return self._save(Closure(**fields))  # type: ignore[no-any-return]

    def person(
        self,
        email: str | None = None,
        *,
        organisation: Organisation | None = None,
        verified: bool = True,
        password: str | None = PASSWORD,
        **fields: Any,
    ) -> Person:
        n = next(_sequence)
        organisation = organisation or self.organisation()
        if email is None:
            domain = organisation.domains[0].domain if organisation.domains else "example.org"
            email = f"person{n}@{domain}"
        person = Person(
            email=email.lower(),
            name=fields.pop("name", f"Person {n}"),
            organisation=organisation,
            password_hash=_password_hash
            if password == PASSWORD
            else (_hasher.hash(password) if password else None),
            email_verified_at=datetime.now(UTC) if verified else None,
            **fields,
        )
        return self._save(person)  # type: ignore[no-any-return]

    def grant(
        self,
        person: Person,
        role: Role,
        *,
        building: Building | None = None,
        neighbourhood: Neighbourhood | None = None,
    ) -> RoleGrant:
        grant = RoleGrant(role=role, building=building, neighbourhood=neighbourhood)
        person.grants.append(grant)
        return self._save(grant)  # type: ignore[no-any-return]

    def administrator(self, **fields: Any) -> Person:
        person = self.person(**fields)
        self.grant(person, Role.ADMINISTRATOR)
        return person

    def building_manager(self, *buildings: Building, **fields: Any) -> Person:
        person = self.person(**fields)
        for building in buildings:
            self.grant(person, Role.BUILDING_MANAGER, building=building)
        return person

    def neighbourhood_lead(self, neighbourhood: Neighbourhood, **fields: Any) -> Person:
        person = self.person(**fields)
        self.grant(person, Role.NEIGHBOURHOOD_LEAD, neighbourhood=neighbourhood)
        return person

    def booking(
        self,
        space: Space | None = None,
        person: Person | None = None,
        *,
        starts_at: datetime = datetime(2030, 1, 8, 10, tzinfo=UTC),
        ends_at: datetime | None = None,
        **fields: Any,
    ) -> Booking:
        """A booking row inserted directly, without the service's rules (the database's apply).

        The default time is Tuesday 8 January 2030, 10am to 11am, when a default building is open.
        """
        space = space or self.space()
        fields.setdefault("status", BookingStatus.ACTIVE)
        booking = Booking(
            space=space,
            person=person or self.person(organisation=space.building.owner),
            starts_at=starts_at,
            ends_at=ends_at or starts_at + timedelta(hours=1),
            is_desk=space.kind is SpaceKind.DESK,
            **fields,
        )
        return self._save(booking)  # type: ignore[no-any-return]

    def access_token(
        self, person: Person | None = None, *, name: str = "Test token", **fields: Any
    ) -> tuple[AccessToken, str]:
        """A working personal access token for the API, and its text (shown once in real life)."""
        secret = f"ss_test{next(_sequence)}_{secrets.token_urlsafe(16)}"
        token = AccessToken(
            person=person or self.person(),
            name=name,
            token_hash=hashlib.sha256(secret.encode()).hexdigest(),
            prefix=secret[:10],
            **fields,
        )
        return self._save(token), secret

    def outbox_message(self, **fields: Any) -> OutboxMessage:
        """A message waiting in the mail outbox, inserted directly (content a minimal message)."""
        n = next(_sequence)
        fields.setdefault("recipient", f"person{n}@council.example")
        fields.setdefault("subject", f"Message {n}")
        fields.setdefault("message_id", f"<{n}.{secrets.token_hex(8)}@sharedspaces.example>")
        fields.setdefault(
            "content",
            (
                f"From: bookings@sharedspaces.example\r\nTo: {fields['recipient']}\r\n"
                f"Subject: {fields['subject']}\r\nMessage-ID: {fields['message_id']}\r\n"
                "\r\nHello\r\n"
            ).encode(),
        )
        return self._save(OutboxMessage(**fields))  # type: ignore[no-any-return]
