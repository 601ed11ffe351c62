"""Feedback from the person who booked: rate the space in one tap, report a problem with it.

Another person's booking does not exist here (404), as on the booking's own page.
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from booking import db
from booking.accounts.models import Person
from booking.bookings.errors import NotYours
from booking.bookings.models import Booking
from booking.catalogue.models import Space
from booking.feedback import services
from booking.feedback.forms import BACK_TO_LIST, ProblemForm, RatingForm
from booking.feedback.models import ProblemCategory
from booking.feedback.services import FeedbackError
from booking.timezones import now

bp = Blueprint("feedback", __name__)


def _person() -> Person:
    return cast(Person, current_user._get_current_object())


def _own_booking(booking_id: int) -> Booking:
    booking = db.session().scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .options(joinedload(Booking.space).joinedload(Space.building))
    )
    if booking is None or booking.person_id != _person().id:
        abort(404)
    return booking


@bp.route("/bookings/<int:booking_id>/rating", methods=["POST"])
@login_required
def rate(booking_id: int) -> Response:
    booking = _own_booking(booking_id)
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.rate(db.session(), _person(), booking, form.chosen, now=now())
    except NotYours:
        abort(404)
    except FeedbackError as error:
        flash(error.message)
    else:
        flash(
            f"Thank you: you rated {booking.space.name} as {form.chosen.label.lower()}.",
            "success",
        )
    if form.back.data == BACK_TO_LIST:
        return redirect(url_for("bookings.mine.index"))
    return redirect(url_for("bookings.mine.show", booking_id=booking.id))


@bp.route("/bookings/<int:booking_id>/problem", methods=["GET", "POST"])
@login_required
def report_problem(booking_id: int) -> Response | tuple[str, int]:
    booking = _own_booking(booking_id)
    back = url_for("bookings.mine.show", booking_id=booking.id)
    reason = services.why_no_feedback(booking, now())
    if reason is not None:
        flash(reason)
        return redirect(back)
    form = ProblemForm()
    if form.validate_on_submit():
        try:
            services.report_problem(
                db.session(),
                _person(),
                booking,
                ProblemCategory(form.category.data),
                form.comment.data or "",
                now=now(),
            )
        except FeedbackError as error:
            form.show(error)
        else:
            flash(
                f"Thank you. The managers of {booking.space.building.name} will see the "
                "problem in their list, and you will get an email when it is fixed.",
                "success",
            )
            return redirect(back)
    page = render_template("feedback/report_problem.html", form=form, booking=booking)
    return page, 422 if form.errors else 200
