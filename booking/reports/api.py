"""The neighbourhood indicators as JSON: GET /api/v1/reports/neighbourhoods.

For the Thriving Places diagnostic tool and anything else that reads them. Callable by the
people who see reports - administrators (every neighbourhood), neighbourhood leads (theirs) and
building managers (the neighbourhoods of their buildings, counting those buildings only:
`whole_neighbourhoods` is then false) - with their personal access token; staff get a 403
problem. The numbers are the report pages' (`booking.reports.measures`).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from booking import db
from booking.api.auth import current_person
from booking.api.fields import Day
from booking.api.framework import Blueprint
from booking.api.problems import Problem
from booking.catalogue.models import SpaceKind
from booking.reports.filters import Filters, ReportQuery
from booking.reports.measures import Indicator, indicators, summary
from booking.reports.period import Period, PeriodError, PeriodKind
from booking.reports.scope import Scope
from booking.reports.usage import Level
from booking.timezones import now, today

bp = Blueprint(
    "reports_api",
    __name__,
    url_prefix="/reports",
    description="Usage reports: the neighbourhood indicators",
)
TAGS = ["Reports"]
PERIODS = [PeriodKind.WEEK.value, PeriodKind.MONTH.value, PeriodKind.QUARTER.value]


class IndicatorsQuery(ma.Schema):
    period = ma.fields.String(
        validate=ma.validate.OneOf(PERIODS, error="Choose week, month or quarter."),
        metadata={"description": "A week, month or quarter: the one containing date"},
    )
    date = Day(metadata={"description": "A day in the period (default: today)"})
    from_ = Day(data_key="from", metadata={"description": "The first day of a period you choose"})
    to = Day(metadata={"description": "Its last day (at most 366 days after from)"})
    kind = ma.fields.Enum(
        SpaceKind, by_value=ma.fields.String, metadata={"description": "Only this type of space"}
    )

    @ma.validates_schema
    def a_period_or_dates(self, data: dict[str, Any], **_kwargs: Any) -> None:
        dates = [name for name in ("from_", "to") if name in data]
        if dates and ("period" in data or "date" in data):
            raise ma.ValidationError("Give either period (and date), or from and to.")
        if len(dates) == 1:
            raise ma.ValidationError("Give both from and to.", "to" if "from_" in data else "from")


class PeriodSchema(ma.Schema):
    label = ma.fields.String(required=True, metadata={"description": "In words"})
    from_ = ma.fields.Date(required=True, data_key="from", attribute="first")
    to = ma.fields.Date(required=True, attribute="last")


class IndicatorSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    spaces = ma.fields.Integer(
        required=True, metadata={"description": "Drop-down spaces: active, bookable spaces"}
    )
    step_free_share = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "The share of those spaces in step-free buildings (0-1)"},
    )
    utilisation = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Booked hours ÷ available hours (0-1); null if none available"},
    )
    occupancy = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Checked-in hours ÷ available hours (0-1)"},
    )
    partner_organisations = ma.fields.Integer(
        required=True, metadata={"description": "Organisations whose staff booked there"}
    )
    previous_utilisation = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "In the period before"}
    )
    utilisation_change = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "utilisation - previous_utilisation"},
    )
    available_hours = ma.fields.Float(required=True)
    booked_hours = ma.fields.Float(required=True)
    checked_in_hours = ma.fields.Float(required=True)


class IndicatorsSchema(ma.Schema):
    period = ma.fields.Nested(PeriodSchema, required=True)
    previous_period = ma.fields.Nested(PeriodSchema, required=True)
    whole_neighbourhoods = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "False when the rows count only the buildings you manage, not "
            "every building of each neighbourhood"
        },
    )
    neighbourhoods = ma.fields.List(ma.fields.Nested(IndicatorSchema), required=True)


def _period(args: dict[str, Any]) -> Period:
    try:
        if "from_" in args:
            return Period.between(args["from_"], args["to"])
        kind = PeriodKind(args.get("period", PeriodKind.MONTH.value))
        return Period.containing(kind, args.get("date") or today())
    except PeriodError as error:
        raise Problem(
            422, error.message, kind="invalid-request", errors={error.field: [error.message]}
        ) from None


def _row(indicator: Indicator) -> dict[str, Any]:
    usage = indicator.place.usage
    return {
        "slug": indicator.neighbourhood.slug,
        "name": indicator.neighbourhood.name,
        "spaces": indicator.place.spaces,
        "step_free_share": indicator.place.step_free_share,
        "utilisation": usage.utilisation,
        "occupancy": usage.occupancy,
        "partner_organisations": usage.organisations,
        "previous_utilisation": indicator.previous.utilisation,
        "utilisation_change": indicator.utilisation_change,
        "available_hours": round(usage.available_hours, 2),
        "booked_hours": round(usage.booked_hours, 2),
        "checked_in_hours": round(usage.checked_in_hours, 2),
    }


@bp.route("/neighbourhoods", tags=TAGS)
@bp.arguments(IndicatorsQuery, location="query")
@bp.response(200, IndicatorsSchema)
def neighbourhoods(args: dict[str, Any]) -> dict[str, Any]:
    """Neighbourhood indicators for a period

    One row per neighbourhood you can see, by name: drop-down spaces, the share step-free,
    utilisation, occupancy, partner organisations using them, and the change in utilisation
    since the period before. Give period (week, month or quarter, default month) with an
    optional date in it, or from and to. For administrators, neighbourhood leads and building
    managers.
    """
    scope = Scope.of(current_person())
    if not scope.sees_reports:
        raise Problem(
            403, "Only administrators, neighbourhood leads and building managers see reports."
        )
    period = _period(args)
    query = ReportQuery(scope, period, Filters(kind=args.get("kind")))
    session = db.session()
    found = summary(session, query, now(), {Level.ALL, Level.NEIGHBOURHOOD})
    return {
        "period": period,
        "previous_period": period.previous(),
        "whole_neighbourhoods": not scope.partial,
        "neighbourhoods": [_row(row) for row in indicators(session, query, found)],
    }
