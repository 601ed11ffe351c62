"""The unmet demand report's filters: a period and, optionally, one neighbourhood."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from wtforms import DateField, Form, SelectField
from wtforms.validators import Optional

LONGEST_PERIOD_DAYS = 731
"""Two years: enough to compare one year with the last."""


class PeriodForm(Form):  # type: ignore[misc]
    """A GET form (reading a report changes nothing, so it carries no CSRF token)."""

    start = DateField(
        "From",
        validators=[Optional()],
        invalid_value_message="The start date must be a real date, like 2026-03-01",
    )
    end = DateField(
        "To",
        validators=[Optional()],
        invalid_value_message="The end date must be a real date, like 2026-03-31",
    )
    neighbourhood = SelectField(
        "Neighbourhood", default="", invalid_choice_message="Select a neighbourhood from the list"
    )

    def period(self, today: date) -> tuple[date, date] | None:
        """After `validate()`: the days asked for (this month by default), or None with the
        errors added."""
        start = self.start.data or today.replace(day=1)
        end = self.end.data or today.replace(day=monthrange(today.year, today.month)[1])
        if self.errors:
            return None
        if end < start:
            self.end.errors = [*self.end.errors, "The end date must be on or after the start date"]
            return None
        if (end - start).days >= LONGEST_PERIOD_DAYS:
            self.end.errors = [*self.end.errors, "The period can be at most 2 years long"]
            return None
        self.start.data, self.end.data = start, end
        return start, end
