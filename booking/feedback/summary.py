"""Feedback for the usage reports: ratings and problems per space and per building, in SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from booking.catalogue.models import Space
from booking.feedback.models import ProblemReport, ProblemStatus, SpaceRating
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


def feedback_summary(
    session: Session,
    *,
    start: date,
    end: date,
    space_ids: Collection[int] | None = None,
    building_ids: Collection[int] | None = None,
) -> FeedbackSummary:
    """Ratings given and problems reported from `start` to `end` (UK days, inclusive), for
    `space_ids` or the spaces in `building_ids` (neither: everywhere).

    A problem counts as open or fixed as it is now. Every count and average is worked out by
    the database (GROUP BY); a space's and a building's figures come from queries of their own.
    """
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
        rated_where.append(SpaceRating.space_id.in_(list(space_ids)))
        problem_where.append(ProblemReport.space_id.in_(list(space_ids)))
    if building_ids is not None:
        rated_where.append(Space.building_id.in_(list(building_ids)))
        problem_where.append(ProblemReport.building_id.in_(list(building_ids)))
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
            average_rating=None if average is None else round(float(average), 2),
            open_problems=reported.get((key, ProblemStatus.OPEN), 0),
            fixed_problems=reported.get((key, ProblemStatus.FIXED), 0),
        )

    return {key: figures(key) for key in sorted(rated.keys() | {key for key, _ in reported})}
