"""The report filters: a GET form (it changes nothing, so it carries no CSRF token).

The choices of neighbourhood and building are the ones in the person's scope, so a building
manager cannot even ask about another building; the view sets them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from wtforms import DateField, Form, RadioField, SelectChoice, SelectField
from wtforms.validators import Optional

from booking.catalogue.models import Building, Neighbourhood, Organisation, SpaceKind
from booking.reports.filters import Filters, ReportQuery
from booking.reports.period import Period, PeriodError, PeriodKind
from booking.reports.scope import Scope, organisations


def _date(label: str, name: str | None = None) -> DateField:
    return DateField(
        label,
        validators=[Optional()],
        invalid_value_message="Enter a real date, like 2026-10-01",
        name=name,
    )


def _choice(label: str, what: str) -> SelectField:
    return SelectField(label, default="", invalid_choice_message=f"Select {what} from the list")


class PeriodForm(Form):  # type: ignore[misc]
    """The period alone: a week, month or quarter (the one containing `date`), or two dates."""

    period = RadioField(
        "Period",
        choices=[SelectChoice(kind.value, kind.label) for kind in PeriodKind],
        default=PeriodKind.MONTH.value,
        invalid_choice_message="Select a week, month, quarter or dates you choose",
    )
    date = _date("A day in the period", "date")
    starts = _date("From", "from")
    ends = _date("To", "to")

    def report_period(self, today: dt.date) -> Period | None:
        """The period asked for (this month by default), or None with the mistakes on the
        fields."""
        if not self.validate() or self.errors:
            return None
        try:
            return self._period(today)
        except PeriodError as error:
            field = {"date": self.date, "from": self.starts, "to": self.ends}[error.field]
            field.errors = [*field.errors, error.message]
            return None

    def _period(self, today: dt.date) -> Period:
        kind = PeriodKind(self.period.data or PeriodKind.MONTH.value)
        if kind is not PeriodKind.CUSTOM:
            return Period.containing(kind, self.date.data or today)
        if self.starts.data is None:
            raise PeriodError("Enter the first day of the period", "from")
        if self.ends.data is None:
            raise PeriodError("Enter the last day of the period", "to")
        return Period.between(self.starts.data, self.ends.data)


class ReportForm(PeriodForm):
    """The period and what to narrow the report to."""

    neighbourhood = _choice("Neighbourhood", "a neighbourhood")
    building = _choice("Building", "a building")
    kind = SelectField(
        "Type of space",
        choices=[
            SelectChoice("", "All types"),
            *(SelectChoice(kind.value, kind.label) for kind in SpaceKind),
        ],
        default="",
        invalid_choice_message="Select a type of space from the list",
    )
    organisation = _choice("Booked by", "an organisation")

    def offer(self, session: Session, scope: Scope) -> None:
        """Set the choices this person may filter by."""
        self._neighbourhoods = {n.slug: n for n in scope.neighbourhoods(session)}
        self._buildings = {str(b.id): b for b in scope.building_choices(session)}
        self._organisations = {str(o.id): o for o in organisations(session)}
        self.neighbourhood.choices = [
            SelectChoice("", "All neighbourhoods"),
            *(SelectChoice(slug, n.name) for slug, n in self._neighbourhoods.items()),
        ]
        self.building.choices = [
            SelectChoice("", "All buildings"),
            *(SelectChoice(key, b.name) for key, b in self._buildings.items()),
        ]
        self.organisation.choices = [
            SelectChoice("", "Any organisation"),
            *(SelectChoice(key, o.name) for key, o in self._organisations.items()),
        ]

    def report_query(self, scope: Scope, today: dt.date) -> ReportQuery | None:
        """After `offer()`: the report asked for, or None with the mistakes on the fields."""
        period = self.report_period(today)
        return None if period is None else ReportQuery(scope, period, self._filters())

    def _filters(self) -> Filters:
        neighbourhood: Neighbourhood | None = self._neighbourhoods.get(
            self.neighbourhood.data or ""
        )
        building: Building | None = self._buildings.get(self.building.data or "")
        organisation: Organisation | None = self._organisations.get(self.organisation.data or "")
        return Filters(
            neighbourhood=neighbourhood,
            building=building,
            kind=SpaceKind(self.kind.data) if self.kind.data else None,
            organisation=organisation,
        )
