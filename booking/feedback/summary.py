"""Feedback for the usage reports: ratings and problems per space and per building, in SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Space
from booking.feedback.models import ProblemReport, ProblemStatus, Rating, SpaceRating
from booking.timezones import local_day_bounds


@dataclass(frozen=True)
class Feedback:
    """What the people who booked a space (or any space in a building) said about it."""

    ratings: int = 0
    average_rating: float | None = None
    """On the 1 (poor) to 3 (good) scale, to 2 decimal places; None without ratings."""
    open_problems: int = 0
    fixed_problems: int = 0


@dataclass(frozen=True)
class FeedbackSummary:
    spaces: dict[int, Feedback]
    """By space id: only spaces with a rating or a problem in the period."""
    buildings: dict[int, Feedback]
    """By building id: only buildings with a rating or a problem in the period."""


SpaceIds = Collection[int] | Select[int]
"""Space ids, listed or as a query of them (a report's spaces, however many)."""


def feedback_summary(
    session: Session,
    *,
    start: date,
    end: date,
    space_ids: SpaceIds | None = None,
    building_ids: Collection[int] | None = None,
    booked_by: int | None = None,
) -> FeedbackSummary:
    """Ratings given and problems reported from `start` to `end` (UK days, inclusive), for
    `space_ids` or the spaces in `building_ids` (neither: everywhere), on bookings made by
    people of the organisation `booked_by` (None: anyone's).

    A problem counts as open or fixed as it is now. Every count and average is worked out by
    the database (GROUP BY); a space's and a building's figures come from queries of their own.
    """
    rated_where, problem_where = _conditions(start, end, space_ids, building_ids, booked_by)
    return FeedbackSummary(
        spaces=_combine(
            session,
            ratings=select(SpaceRating.space_id, *_rating_figures())
            .join(SpaceRating.space)
            .where(*rated_where)
            .group_by(SpaceRating.space_id),
            problems=select(ProblemReport.space_id, ProblemReport.status, func.count())
            .where(*problem_where)
            .group_by(ProblemReport.space_id, ProblemReport.status),
        ),
        buildings=_combine(
            session,
            ratings=select(Space.building_id, *_rating_figures())
            .join(SpaceRating.space)
            .where(*rated_where)
            .group_by(Space.building_id),
            problems=select(ProblemReport.building_id, ProblemReport.status, func.count())
            .where(*problem_where)
            .group_by(ProblemReport.building_id, ProblemReport.status),
        ),
    )


def feedback_total(
    session: Session,
    *,
    start: date,
    end: date,
    space_ids: SpaceIds | None = None,
    building_ids: Collection[int] | None = None,
    booked_by: int | None = None,
) -> Feedback:
    """The figures of `feedback_summary` for all its spaces together (the average of every
    rating, not of the buildings' averages)."""
    rated_where, problem_where = _conditions(start, end, space_ids, building_ids, booked_by)
    count, average = session.execute(
        select(*_rating_figures())
        .select_from(SpaceRating)
        .join(SpaceRating.space)
        .where(*rated_where)
    ).one()
    reported: dict[ProblemStatus, int] = {
        status: number
        for status, number in session.execute(
            select(ProblemReport.status, func.count())
            .where(*problem_where)
            .group_by(ProblemReport.status)
        )
    }
    return Feedback(
        ratings=count,
        average_rating=_rounded(average),
        open_problems=reported.get(ProblemStatus.OPEN, 0),
        fixed_problems=reported.get(ProblemStatus.FIXED, 0),
    )


def rating_words(average: float) -> str:
    """An average rating as the `Rating` nearest it: "Good" from 2.5, "Poor" below 1.5."""
    return Rating(min(int(average + 0.5), Rating.GOOD)).label


def _conditions(
    start: date,
    end: date,
    space_ids: SpaceIds | None,
    building_ids: Collection[int] | None,
    booked_by: int | None,
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """The conditions on `SpaceRating` (joined to its `Space`) and on `ProblemReport`."""
    since, _ = local_day_bounds(start)
    until, _ = local_day_bounds(end + timedelta(days=1))
    rated_where: list[ColumnElement[bool]] = [
        SpaceRating.created_at >= since,
        SpaceRating.created_at < until,
    ]
    problem_where: list[ColumnElement[bool]] = [
        ProblemReport.created_at >= since,
        ProblemReport.created_at < until,
    ]
    if space_ids is not None:
        ids = space_ids if isinstance(space_ids, Select) else list(space_ids)
        rated_where.append(SpaceRating.space_id.in_(ids))
        problem_where.append(ProblemReport.space_id.in_(ids))
    if building_ids is not None:
        rated_where.append(Space.building_id.in_(list(building_ids)))
        problem_where.append(ProblemReport.building_id.in_(list(building_ids)))
    if booked_by is not None:
        bookings = (
            select(Booking.id)
            .join(Person, Person.id == Booking.person_id)
            .where(Person.organisation_id == booked_by)
        )
        rated_where.append(SpaceRating.booking_id.in_(bookings))
        problem_where.append(ProblemReport.booking_id.in_(bookings))
    return rated_where, problem_where


def _rounded(average: Any) -> float | None:
    return None if average is None else round(float(average), 2)


def _rating_figures() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return func.count(), func.avg(SpaceRating.rating)


def _combine(
    session: Session,
    *,
    ratings: Select[int, int, Any],
    problems: Select[int, ProblemStatus, int],
) -> dict[int, Feedback]:
    """The figures of the two grouped queries (one row per id; one per id and status) side
    by side, by id."""
    rated = {key: (count, average) for key, count, average in session.execute(ratings)}
    reported: dict[tuple[int, ProblemStatus], int] = {
        (key, status): count for key, status, count in session.execute(problems)
    }

    def figures(key: int) -> Feedback:
        count, average = rated.get(key, (0, None))
        return Feedback(
            ratings=count,
            average_rating=_rounded(average),
            open_problems=reported.get((key, ProblemStatus.OPEN), 0),
            fixed_problems=reported.get((key, ProblemStatus.FIXED), 0),
        )

    return {key: figures(key) for key in sorted(rated.keys() | {key for key, _ in reported})}
