"""Your own bookings: list, book, read, change, cancel, check in, rate, report a problem.

Every rule is the booking service's (`booking.bookings.services`, `booking.bookings.checkin`);
these views only read the request and call it. Another person's booking is "not found" (404),
never "forbidden": its existence is not revealed. The one exception is a building manager
cancelling a booking in one of their buildings, which the service allows with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from booking import db
from booking.api.auth import current_person
from booking.api.fields import MAX_ID
from booking.api.framework import Blueprint
from booking.api.problems import Problem
from booking.api.schemas import (
    RATING_WORDS,
    BookingChangeSchema,
    BookingSchema,
    BookingsQuery,
    CancelQuery,
    NewBookingSchema,
    NewProblemSchema,
    NewRatingSchema,
    ProblemReportSchema,
    RatingSchema,
)
from booking.bookings import checkin, services
from booking.bookings.errors import BookingError, NotYours, SpaceTaken
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Space
from booking.feedback import services as feedback
from booking.feedback.models import ProblemReport, SpaceRating
from booking.feedback.services import FeedbackError
from booking.timezones import now

bp = Blueprint("bookings", __name__, description="Your bookings")
TAGS = ["Bookings"]
ONE = f"/bookings/<int(min=1, max={MAX_ID}):booking_id>"

_BOOKING_LOADS = (
    joinedload(Booking.space).joinedload(Space.building).selectinload(Building.opening_hours),
    selectinload(Booking.attendees),
)


def _refuse(error: BookingError) -> NoReturn:
    """The service's refusal as a problem: 404 for someone else's, 409 taken, 422 a rule."""
    if isinstance(error, NotYours):
        raise Problem(404, "There is no booking of yours with that id.") from error
    if isinstance(error, SpaceTaken):
        raise Problem(409, error.message, kind="space-taken") from error
    errors = {error.field: [error.message]} if error.field else None
    raise Problem(422, error.message, kind="booking-rule", errors=errors) from error


def _booking(booking_id: int, *, own: bool = True) -> Booking:
    query = select(Booking).where(Booking.id == booking_id).options(*_BOOKING_LOADS)
    if own:
        query = query.where(Booking.person_id == current_person().id)
    booking = db.session().scalar(query)
    if booking is None:
        raise Problem(404, "There is no booking of yours with that id.")
    return booking


def _space(space_id: int) -> Space:
    """The space asked for (the booking service reads it again, with its building, once it
    holds the building: see `services.hold_building`)."""
    space = db.session().get(Space, space_id)
    if space is None:
        raise Problem(
            422,
            "There is no space with that id.",
            kind="invalid-request",
            errors={"space_id": ["There is no space with that id."]},
        )
    return space


@bp.route("/bookings", methods=["GET"], tags=TAGS)
@bp.arguments(BookingsQuery, location="query")
@bp.response(200, BookingSchema(many=True))
def index(args: dict[str, Any]) -> Sequence[Booking]:
    """Your bookings, earliest first

    Without `from`, the ones that have not ended yet.
    """
    query = (
        select(Booking)
        .where(
            Booking.person_id == current_person().id,
            Booking.ends_at > args.get("from_", now()),
        )
        .order_by(Booking.starts_at, Booking.id)
        .limit(args["limit"])
        .options(*_BOOKING_LOADS)
    )
    if "to" in args:
        query = query.where(Booking.starts_at < args["to"])
    if "status" in args:
        query = query.where(Booking.status == args["status"])
    return db.session().scalars(query).unique().all()


@bp.route("/bookings", methods=["POST"], tags=TAGS)
@bp.arguments(NewBookingSchema)
@bp.response(
    201,
    BookingSchema,
    headers={"Location": {"description": "The new booking", "schema": {"type": "string"}}},
)
@bp.alt_response(409, response="CONFLICT", description="Someone else has the space then")
def create(args: dict[str, Any]) -> tuple[Booking, int, dict[str, str]]:
    """Book a space

    Rooms take a title and attendees' email addresses as well.
    """
    proposal = services.Proposal(
        _space(args["space_id"]), args["start"], args["end"], args["title"], args["attendees"]
    )
    try:
        booking = services.book(db.session(), current_person(), proposal, now=now())
    except BookingError as error:
        _refuse(error)
    return booking, 201, {"Location": url_for("api.bookings.show", booking_id=booking.id)}


@bp.route(ONE, methods=["GET"], tags=TAGS)
@bp.response(200, BookingSchema)
def show(booking_id: int) -> Booking:
    """One of your bookings"""
    return _booking(booking_id)


@bp.route(ONE, methods=["PATCH"], tags=TAGS)
@bp.arguments(BookingChangeSchema)
@bp.response(200, BookingSchema)
@bp.alt_response(409, response="CONFLICT", description="Someone else has the space then")
def change(args: dict[str, Any], booking_id: int) -> Booking:
    """Change the time, space, title or attendees of one of your bookings

    The booking keeps its id. What you leave out stays as it is.
    """
    booking = _booking(booking_id)
    proposal = services.Proposal(
        _space(args["space_id"]) if "space_id" in args else booking.space,
        args.get("start", booking.starts_at),
        args.get("end", booking.ends_at),
        args.get("title", booking.title),
        args.get("attendees", [attendee.email for attendee in booking.attendees]),
    )
    try:
        return services.change(db.session(), current_person(), booking, proposal, now=now())
    except BookingError as error:
        _refuse(error)


@bp.route(ONE, methods=["DELETE"], tags=TAGS)
@bp.arguments(CancelQuery, location="query")
@bp.response(200, BookingSchema)
def cancel(args: dict[str, Any], booking_id: int) -> Booking:
    """Cancel a booking: the space is free again at once

    Building managers may cancel other people's bookings in their buildings, giving a reason
    (the booker is told).
    """
    booking = _booking(booking_id, own=False)
    try:
        return services.cancel(db.session(), current_person(), booking, args["reason"], now=now())
    except BookingError as error:
        _refuse(error)


@bp.route(f"{ONE}/check-in", methods=["POST"], tags=TAGS)
@bp.response(200, BookingSchema)
def check_in(booking_id: int) -> Booking:
    """Check in to one of your bookings

    From 15 minutes before it starts until the building's grace period after the start.
    """
    booking = _booking(booking_id)
    try:
        return checkin.check_in(db.session(), current_person(), booking, now=now())
    except BookingError as error:
        _refuse(error)


def _feedback_refused(error: FeedbackError) -> NoReturn:
    errors = {error.field: [error.message]} if error.field else None
    raise Problem(422, error.message, kind="feedback-rule", errors=errors) from error


@bp.route(f"{ONE}/rating", methods=["POST"], tags=TAGS)
@bp.arguments(NewRatingSchema)
@bp.response(200, RatingSchema)
def rate(args: dict[str, Any], booking_id: int) -> SpaceRating:
    """Rate the space of one of your bookings: good, ok or poor

    Once you have checked in or the booking has ended; not for cancelled bookings or ones
    nobody checked in to. Rating again changes the rating.
    """
    booking = _booking(booking_id)
    rating = RATING_WORDS[args["rating"]]
    try:
        return feedback.rate(db.session(), current_person(), booking, rating, now=now())
    except FeedbackError as error:
        _feedback_refused(error)


@bp.route(f"{ONE}/problems", methods=["POST"], tags=TAGS)
@bp.arguments(NewProblemSchema)
@bp.response(201, ProblemReportSchema)
def report_problem(args: dict[str, Any], booking_id: int) -> ProblemReport:
    """Report a problem with the space of one of your bookings

    For the building's managers, who see your name and email address with it; you are
    emailed when they mark it fixed. When you may: as for rating.
    """
    booking = _booking(booking_id)
    try:
        return feedback.report_problem(
            db.session(),
            current_person(),
            booking,
            args["category"],
            args["comment"],
            now=now(),
        )
    except FeedbackError as error:
        _feedback_refused(error)
