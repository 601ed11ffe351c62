"""The feedback rules: rating a booked space, reporting a problem with it, fixing problems.

Only the person who booked may give feedback, and only once they have used the space: the
booking is checked in, or has ended, and was not cancelled or released as a no-show.
Someone else's booking is refused as `NotYours`, which the pages and the API show as "not
found". A manager marks a problem fixed; the booker is told by email and on the booking page.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from booking.accounts.emails import external_url
from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings.errors import NotYours
from booking.bookings.models import Booking, BookingStatus
from booking.bookings.wording import period
from booking.feedback.models import (
    ProblemCategory,
    ProblemReport,
    ProblemStatus,
    Rating,
    SpaceRating,
)
from booking.mail import render_message, send
from booking.permissions import Permission, can

COMMENT_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000


class FeedbackError(ValueError):
    """Feedback that cannot be given; the message says why, in the user's words."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def why_no_feedback(booking: Booking, now: datetime) -> str | None:
    """Why the booker cannot give feedback on `booking` (yet), or None when they can."""
    if booking.status is BookingStatus.CANCELLED:
        return "This booking was cancelled, so there is nothing to give feedback on."
    if booking.status is BookingStatus.NO_SHOW:
        return "Nobody checked in to this booking, so there is nothing to give feedback on."
    if booking.checked_in_at is None and booking.ends_at > now:
        return "You can give feedback once you have checked in or the booking has ended."
    return None


def can_give_feedback(person: Person, booking: Booking, now: datetime) -> bool:
    return booking.person_id == person.id and why_no_feedback(booking, now) is None


def _check(person: Person, booking: Booking, now: datetime) -> None:
    if booking.person_id != person.id:
        raise NotYours
    reason = why_no_feedback(booking, now)
    if reason is not None:
        raise FeedbackError(reason)


def rate(
    session: Session, person: Person, booking: Booking, rating: Rating, *, now: datetime
) -> SpaceRating:
    """Rate the space of `person`'s booking; rating again changes the rating."""
    _check(person, booking, now)
    rated = session.get(SpaceRating, booking.id)
    if rated is None:
        rated = SpaceRating(booking=booking, space_id=booking.space_id, created_at=now)
        session.add(rated)
    rated.rating = rating.value
    rated.updated_at = now
    session.flush()
    return rated


def report_problem(
    session: Session,
    person: Person,
    booking: Booking,
    category: ProblemCategory,
    comment: str,
    *,
    now: datetime,
) -> ProblemReport:
    """Report a problem with the space of `person`'s booking, for its building's managers."""
    _check(person, booking, now)
    comment = comment.strip()
    if category is ProblemCategory.OTHER and not comment:
        raise FeedbackError("Describe the problem", "comment")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise FeedbackError(
            f"The description must be {COMMENT_MAX_LENGTH} characters or fewer", "comment"
        )
    problem = ProblemReport(
        booking=booking,
        space_id=booking.space_id,
        building_id=booking.space.building_id,
        category=category,
        comment=comment,
        reported_by=person,
        created_at=now,
    )
    session.add(problem)
    session.flush()
    record(
        session,
        person,
        "problem.report",
        problem,
        f"Reported a problem with {booking.space.name}: {category.label}",
        {"category": category, "comment": comment, "booking_id": booking.id},
    )
    return problem


def fix_problem(
    session: Session, person: Person, problem: ProblemReport, note: str, *, now: datetime
) -> ProblemReport:
    """Mark `problem` fixed, and tell the person who reported it (by email and on the booking).

    Only a manager of its building may; to anyone else it does not exist (`NotYours`).
    """
    if not can(person, Permission.MANAGE_BUILDING, problem.building):
        raise NotYours
    if not problem.is_open:
        raise FeedbackError("This problem has already been marked as fixed.")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise FeedbackError(f"The note must be {NOTE_MAX_LENGTH} characters or fewer", "note")
    problem.status = ProblemStatus.FIXED
    problem.fixed_at = now
    problem.fixed_by = person
    problem.fix_note = note
    session.flush()
    record(
        session,
        person,
        "problem.fix",
        problem,
        f"Marked fixed: {problem.category.label} in {problem.space.name}",
        {"status": ProblemStatus.FIXED, "fix_note": note},
    )
    _tell_booker(session, problem)
    return problem


def _tell_booker(session: Session, problem: ProblemReport) -> None:
    booking = problem.booking
    send(
        session,
        render_message(
            "problem_fixed",
            problem.reported_by.email,
            f"Fixed: the problem you reported with {problem.space.name}",
            problem=problem,
            person=problem.reported_by,
            space=problem.space,
            building=problem.building,
            when=period(booking.starts_at, booking.ends_at),
            link=external_url("bookings.mine.show", booking_id=booking.id),
        ),
    )


# What the pages read.


def rating_of(session: Session, booking: Booking) -> Rating | None:
    rated = session.get(SpaceRating, booking.id)
    return None if rated is None else Rating(rated.rating)


def ratings_of(session: Session, bookings: Sequence[Booking]) -> dict[int, Rating]:
    """The ratings given to `bookings`, by booking id, in one query."""
    ids = [booking.id for booking in bookings]
    if not ids:
        return {}
    rows = session.execute(
        select(SpaceRating.booking_id, SpaceRating.rating).where(SpaceRating.booking_id.in_(ids))
    )
    return {booking_id: Rating(rating) for booking_id, rating in rows}


def problems_of(session: Session, booking: Booking) -> list[ProblemReport]:
    """The problems reported on `booking`, oldest first."""
    return list(
        session.scalars(
            select(ProblemReport)
            .where(ProblemReport.booking_id == booking.id)
            .order_by(ProblemReport.created_at, ProblemReport.id)
        )
    )


def _problems_for(person: Person) -> Select[ProblemReport]:
    """Problems in the buildings `person` manages (administrators: every building)."""
    query = select(ProblemReport).options(
        joinedload(ProblemReport.space),
        joinedload(ProblemReport.building),
        joinedload(ProblemReport.booking),
        joinedload(ProblemReport.reported_by),
    )
    if not person.is_administrator:
        query = query.where(ProblemReport.building_id.in_(person.managed_building_ids()))
    return query


def open_problems(
    session: Session, person: Person, *, building_ids: Collection[int] | None = None
) -> list[ProblemReport]:
    """The open problems `person` manages, in `building_ids` if given, oldest first."""
    query = _problems_for(person).where(ProblemReport.status == ProblemStatus.OPEN)
    if building_ids is not None:
        query = query.where(ProblemReport.building_id.in_(list(building_ids)))
    return list(
        session.scalars(query.order_by(ProblemReport.created_at, ProblemReport.id)).unique()
    )


def managed_problem(session: Session, person: Person, problem_id: int) -> ProblemReport | None:
    """The problem, if `person` manages its building; None otherwise (a 404)."""
    return session.scalars(_problems_for(person).where(ProblemReport.id == problem_id)).first()
