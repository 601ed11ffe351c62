"""What a report is about: its period, and the neighbourhood, building, kind of space and booking
organisation it is narrowed to. The same for the pages, the exports and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement

from booking.accounts.models import Person
from booking.catalogue.models import Building, Neighbourhood, Organisation, Space, SpaceKind
from booking.reports.period import Period
from booking.reports.scope import Scope


@dataclass(frozen=True)
class Filters:
    neighbourhood: Neighbourhood | None = None
    building: Building | None = None
    kind: SpaceKind | None = None
    organisation: Organisation | None = None
    """The booking organisation: the organisation of the person who made the booking."""

    def places(self) -> list[ColumnElement[bool]]:
        """Conditions on `Space` and `Building` for the spaces the report counts."""
        found: list[ColumnElement[bool]] = []
        if self.neighbourhood is not None:
            found.append(Building.neighbourhood_id == self.neighbourhood.id)
        if self.building is not None:
            found.append(Space.building_id == self.building.id)
        if self.kind is not None:
            found.append(Space.kind == self.kind)
        return found

    def bookers(self) -> list[ColumnElement[bool]]:
        """Conditions on the booker (`Person`) for the bookings the report counts."""
        if self.organisation is None:
            return []
        return [Person.organisation_id == self.organisation.id]

    @property
    def slugs(self) -> list[str]:
        """The filters as they appear in file names: heatons-reddish, reddish-library, desk."""
        return [
            slug
            for slug in (
                self.neighbourhood.slug if self.neighbourhood else "",
                slugify(self.building.name) if self.building else "",
                slugify(self.kind.value) if self.kind else "",
                slugify(self.organisation.name) if self.organisation else "",
            )
            if slug
        ]

    @property
    def description(self) -> list[str]:
        """The filters in words, for page captions and the first rows of exports."""
        return [
            text
            for text in (
                self.neighbourhood.name if self.neighbourhood else "",
                self.building.name if self.building else "",
                f"{self.kind.label}s" if self.kind else "",
                f"Booked by {self.organisation.name}" if self.organisation else "",
            )
            if text
        ]


@dataclass(frozen=True)
class ReportQuery:
    """Everything a report needs to know: whose view, which period, which filters."""

    scope: Scope
    period: Period
    filters: Filters = field(default_factory=Filters)

    def with_period(self, period: Period) -> ReportQuery:
        return ReportQuery(self.scope, period, self.filters)

    def file_name(self, table: str, extension: str) -> str:
        """ "utilisation-2026-10-heatons-reddish-desk.xlsx" """
        return "-".join([table, self.period.slug, *self.filters.slugs]) + f".{extension}"


def slugify(text: str) -> str:
    """Lower-case letters and digits joined by hyphens: "St Thomas' Hall" -> "st-thomas-hall"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("&", "")).strip("-")
