"""Who sees which numbers: the buildings a person's reports cover, from their role grants.

Administrators see everything; a building manager sees the buildings they manage; a
neighbourhood lead sees every building in the neighbourhoods they lead (someone with both kinds
of grant sees both). Everyone else - staff - sees no report, only their own history. Every
report query is limited by `Scope.buildings()`, so a number about a building outside the scope
never leaves the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import Building, Neighbourhood, Organisation


@dataclass(frozen=True)
class Scope:
    everything: bool
    building_ids: frozenset[int]
    neighbourhood_ids: frozenset[int]

    @classmethod
    def of(cls, person: Person) -> Scope:
        if not person.is_active:
            return cls(False, frozenset(), frozenset())
        return cls(
            person.is_administrator,
            frozenset(person.managed_building_ids()),
            frozenset(person.led_neighbourhood_ids()),
        )

    @property
    def sees_reports(self) -> bool:
        return self.everything or bool(self.building_ids or self.neighbourhood_ids)

    @property
    def partial(self) -> bool:
        """Whether some neighbourhood's numbers may leave out buildings (a manager's view)."""
        return not self.everything and bool(self.building_ids)

    def buildings(self) -> ColumnElement[bool]:
        """The condition on `Building` for the buildings this scope covers."""
        if self.everything:
            return true()
        if not self.sees_reports:
            return false()
        return or_(
            Building.id.in_(sorted(self.building_ids)),
            Building.neighbourhood_id.in_(sorted(self.neighbourhood_ids)),
        )

    def neighbourhoods(self, session: Session) -> list[Neighbourhood]:
        """The neighbourhoods with something in scope, by name (every one for administrators)."""
        query = select(Neighbourhood).order_by(Neighbourhood.name)
        if not self.everything:
            query = query.where(
                or_(
                    Neighbourhood.id.in_(sorted(self.neighbourhood_ids)),
                    Neighbourhood.id.in_(
                        select(Building.neighbourhood_id).where(
                            Building.id.in_(sorted(self.building_ids))
                        )
                    ),
                )
            )
        return list(session.scalars(query))

    def building_choices(self, session: Session) -> list[Building]:
        """The active buildings in scope, by name (reports count active buildings only)."""
        return list(
            session.scalars(
                select(Building)
                .where(Building.active, self.buildings())
                .order_by(Building.name, Building.id)
            )
        )


def organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name: the booking organisations a report may be filtered by."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def sees_reports(person: Person) -> bool:
    """Whether `person` may see reports (anyone signed in sees their own history)."""
    return getattr(person, "is_authenticated", False) and Scope.of(person).sees_reports
