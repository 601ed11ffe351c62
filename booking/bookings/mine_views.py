"""My bookings: the list, one booking, changing it, cancelling it.

A booking is shown to the person who made it and to the managers of its building; to anyone
else it does not exist (404). Only the booker may change it; managers may also cancel it, with
a reason the booker reads on this list.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db
from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.checkin import can_check_in
from booking.bookings.errors import BookingError, NotYours, SpaceTaken
from booking.bookings.mine import my_bookings, spaces_to_move_to, visible_booking
from booking.bookings.mine_forms import CancelForm, ChangeForm
from booking.bookings.models import Booking
from booking.bookings.wording import period
from booking.feedback import services as feedback
from booking.feedback.models import Rating
from booking.permissions import Permission, can
from booking.templating import format_datetime
from booking.timezones import NonexistentLocalTime, local_to_utc, now

bp = Blueprint("mine", __name__)


@bp.context_processor
def booking_words() -> dict[str, Any]:
    return {
        "period": period,
        "can_check_in": can_check_in,
        "can_give_feedback": feedback.can_give_feedback,
        "Rating": Rating,
    }


def signed_in_person() -> Person:
    """The signed-in person (the real object, not Flask-Login's proxy, for the services)."""
    return cast(Person, current_user._get_current_object())


def _booking_or_404(booking_id: int) -> Booking:
    booking = visible_booking(db.session(), signed_in_person(), booking_id)
    if booking is None:
        abort(404)
    return booking


def _changeable(booking: Booking) -> bool:
    return booking.is_active and booking.ends_at > now()


@bp.route("/bookings")
@login_required
def index() -> str:
    moment = now()
    found = my_bookings(
        db.session(), signed_in_person(), now=moment, past_limit=request.args.get("past", 0, int)
    )
    ratings = feedback.ratings_of(db.session(), [*found.upcoming, *found.past])
    return render_template("bookings/mine.html", mine=found, now=moment, ratings=ratings)


@bp.route("/bookings/<int:booking_id>")
@login_required
def show(booking_id: int) -> str:
    booking = _booking_or_404(booking_id)
    person = signed_in_person()
    own = booking.person_id == person.id
    return render_template(
        "bookings/booking.html",
        booking=booking,
        own=own,
        manager=can(person, Permission.MANAGE_BUILDING, booking.space.building),
        changeable=_changeable(booking),
        now=now(),
        rating=feedback.rating_of(db.session(), booking),
        problems=feedback.problems_of(db.session(), booking),
    )


@bp.route("/bookings/<int:booking_id>/change", methods=["GET", "POST"])
@login_required
def change(booking_id: int) -> Response | tuple[str, int]:
    booking = _booking_or_404(booking_id)
    person = signed_in_person()
    if booking.person_id != person.id:
        abort(404)
    if not _changeable(booking):
        flash("Only upcoming bookings can be changed.")
        return redirect(url_for(".show", booking_id=booking.id))
    session = db.session()
    spaces = spaces_to_move_to(session, booking, person)
    form = ChangeForm(data=ChangeForm.data_of(booking))
    form.space.choices = [
        SelectChoice(str(space.id), f"{space.name} ({space.kind.label.lower()})")
        for space in spaces
    ]
    status = 200
    if form.validate_on_submit():
        space = form.chosen_space(spaces)
        try:
            proposal = services.Proposal(
                space,
                local_to_utc(form.day.data, form.start.data),
                local_to_utc(form.day.data, form.end.data),
                form.title.data or "",
                form.addresses(),
            )
            services.change(session, person, booking, proposal, now=now())
        except NonexistentLocalTime as error:
            form.start.errors = [*form.start.errors, str(error)]
        except NotYours:
            abort(404)
        except SpaceTaken as error:
            form.form_errors.append(
                f"{error.message} Choose another time or another space in the building."
            )
            status = 409
        except BookingError as error:
            form.show(error)
        else:
            flash(
                f"Your booking has been changed: {space.name}, {format_datetime(proposal.starts_at)}.",
                "success",
            )
            return redirect(url_for(".show", booking_id=booking.id))
    if form.errors and status == 200:
        status = 422
    return render_template(
        "bookings/change.html", form=form, booking=booking, room=not booking.is_desk
    ), status


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int) -> Response | tuple[str, int]:
    booking = _booking_or_404(booking_id)
    person = signed_in_person()
    own = booking.person_id == person.id
    if not _changeable(booking):
        flash("This booking is already cancelled or has ended.")
        return redirect(url_for(".show", booking_id=booking.id))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(
                db.session(), person, booking, "" if own else form.reason.data or "", now=now()
            )
        except NotYours:
            abort(404)
        except BookingError as error:
            form.show(error)
        else:
            when = f"{booking.space.name} on {format_datetime(booking.starts_at)}"
            if own:
                flash(f"Your booking of {when} has been cancelled.", "success")
                return redirect(url_for(".index"))
            flash(
                f"The booking of {when} has been cancelled. {booking.person.name} will see "
                "your reason on their bookings page.",
                "success",
            )
            return redirect(url_for(".show", booking_id=booking.id))
    return render_template(
        "bookings/cancel.html", form=form, booking=booking, own=own
    ), 422 if form.errors else 200
