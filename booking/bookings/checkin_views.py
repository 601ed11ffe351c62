"""Checking in: the page a space's QR code opens, and the printable sign carrying that code."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse

from booking import db
from booking.bookings import checkin, signs
from booking.bookings.errors import BookingError, NotYours
from booking.bookings.mine_forms import CheckInForm
from booking.bookings.mine_views import signed_in_person
from booking.bookings.models import Booking
from booking.bookings.wording import period
from booking.catalogue.models import Space
from booking.permissions import Permission, require
from booking.timezones import now

bp = Blueprint("checkin", __name__)


def _space_or_404(space_id: int) -> Space:
    space = db.session().get(Space, space_id, options=[joinedload(Space.building)])
    if space is None:
        abort(404)
    return space


def _chosen_booking(form: CheckInForm, space: Space) -> Booking | None:
    """The booking the button names (the person's own, of this space), or today's."""
    person = signed_in_person()
    if not form.booking.data:
        return checkin.todays_booking(db.session(), person, space, now())
    booking_id = form.booking.data
    booking = db.session().get(Booking, int(booking_id)) if booking_id.isdigit() else None
    if booking is None or booking.person_id != person.id or booking.space_id != space.id:
        abort(404)
    return booking


@bp.route("/spaces/<int:space_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(space_id: int) -> BaseResponse | tuple[str, int]:
    space = _space_or_404(space_id)
    form = CheckInForm()
    moment = now()
    if form.validate_on_submit():
        booking = _chosen_booking(form, space)
        if booking is None:
            form.form_errors.append(f"You have no booking for {space.name} now")
        else:
            try:
                checkin.check_in(db.session(), signed_in_person(), booking, moment)
            except NotYours:
                abort(404)
            except BookingError as error:
                form.show(error)
            else:
                flash(f"You have checked in to {space.name}.", "success")
                return redirect(url_for("bookings.mine.show", booking_id=booking.id))
    else:
        booking = checkin.todays_booking(db.session(), signed_in_person(), space, moment)
    window = checkin.check_in_window(booking) if booking is not None else None
    page = render_template(
        "bookings/checkin.html",
        form=form,
        space=space,
        booking=booking,
        window=window,
        open=booking is not None and checkin.can_check_in(booking, moment),
        now=moment,
        period=period,
    )
    return page, 422 if form.errors else 200


def _managed_space(space_id: int) -> Space:
    space = _space_or_404(space_id)
    require(signed_in_person(), Permission.MANAGE_BUILDING, space.building)
    return space


@bp.route("/spaces/<int:space_id>/sign")
@login_required
def sign(space_id: int) -> str:
    space = _managed_space(space_id)
    return render_template("bookings/sign.html", space=space, url=signs.check_in_url(space))


@bp.route("/spaces/<int:space_id>/sign.svg")
@login_required
def sign_svg(space_id: int) -> Response:
    space = _managed_space(space_id)
    return Response(signs.qr_code_svg(space), mimetype="image/svg+xml")
