"""What the people who booked said, for a report: ratings and problems in the report's period,
in the spaces of its scope and filters, by building (or by space, for one building)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from booking.catalogue.models import Building, Space
from booking.feedback.summary import Feedback, feedback_summary, feedback_total
from booking.reports.filters import ReportQuery


@dataclass(frozen=True)
class Said:
    """A building's or a space's feedback, with its name."""

    name: str
    feedback: Feedback


@dataclass(frozen=True)
class ReportFeedback:
    total: Feedback
    places: list[Said]
    """By name: the buildings with feedback or, for a report on one building, its spaces."""
    by_space: bool


def report_spaces(query: ReportQuery) -> Select[int]:
    """The ids of the spaces in the report's scope and filters, active or not (feedback given
    before a space was taken out of use still counts, as in the bookings export)."""
    return (
        select(Space.id)
        .join(Space.building)
        .where(query.scope.buildings(), *query.filters.places())
    )


def report_feedback(session: Session, query: ReportQuery) -> ReportFeedback:
    """The figures, each worked out by the database; booked by an organisation when the report
    is filtered by one."""
    start, end, spaces = query.period.first, query.period.last, report_spaces(query)
    organisation = query.filters.organisation
    booked_by = None if organisation is None else organisation.id
    found = feedback_summary(session, start=start, end=end, space_ids=spaces, booked_by=booked_by)
    by_space = query.filters.building is not None
    model = Space if by_space else Building
    figures = found.spaces if by_space else found.buildings
    names = session.execute(
        select(model.id, model.name)
        .where(model.id.in_(list(figures)))
        .order_by(model.name, model.id)
    )
    return ReportFeedback(
        total=feedback_total(session, start=start, end=end, space_ids=spaces, booked_by=booked_by),
        places=[Said(name, figures[key]) for key, name in names],
        by_space=by_space,
    )
