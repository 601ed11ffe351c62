"""Repeating room bookings: make one (form → preview → book the free dates), see, cancel.

The preview page posts the form's answers back as hidden fields, with the dates it showed as
free, so no state is kept on the server between the two steps.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from booking import db
from booking.accounts.models import Person
from booking.bookings import recurrence
from booking.bookings.errors import BookingError
from booking.bookings.models import Booking, BookingSeries, BookingStatus
from booking.bookings.recurrence import Choice, Preview, Scope, SeriesChanged, SeriesRequest
from booking.bookings.series_forms import CancelSeriesForm, SeriesForm, seen_dates
from booking.catalogue.models import Building, Space, SpaceKind
from booking.timezones import now, today

bp = Blueprint("series", __name__)

CHANGE = "change"
"""The preview's third button: back to the form with the answers kept."""


def _actor() -> Person:
    return cast(Person, current_user._get_current_object())


def _room(space_id: int) -> Space:
    space = db.session().scalar(
        select(Space)
        .where(Space.id == space_id)
        .options(joinedload(Space.building).selectinload(Building.opening_hours))
    )
    if space is None or space.kind is SpaceKind.DESK or not space.active:
        abort(404)
    if not space.building.active:
        abort(404)
    return space


@bp.route("/spaces/<int:space_id>/book-repeating", methods=["GET", "POST"])
@login_required
def new(space_id: int) -> Response | tuple[str, int]:
    space = _room(space_id)
    if request.method == "GET":
        return _form_page(SeriesForm(space, starts_on=today()), space)
    form = SeriesForm(space)
    if not form.validate() or request.form.get("choice") == CHANGE:
        return _form_page(form, space)
    session, person = db.session(), _actor()
    series_request = form.series_request(space)
    try:
        if request.form.get("choice") in {c.value for c in Choice}:
            return _book(form, series_request, Choice(request.form["choice"]))
        preview = recurrence.preview(session, person, series_request, now())
    except SeriesChanged as changed:
        return _preview_page(form, series_request, changed.preview, changed.message), 409
    except BookingError as error:
        form.show(error)
        return _form_page(form, space)
    return _preview_page(form, series_request, preview), 200


def _book(form: SeriesForm, series_request: SeriesRequest, choice: Choice) -> Response:
    seen = seen_dates(request.form.getlist("seen"))
    if seen is None:
        abort(400)
    series = recurrence.book_series(
        db.session(), _actor(), series_request, choice, now(), seen_free=seen
    )
    if series is None:
        flash("Nothing has been booked.")
        return redirect(url_for("bookings.find.book", space_id=series_request.space.id))
    dates = "1 date" if len(seen) == 1 else f"{len(seen)} dates"
    flash(f"{series_request.space.name} is booked for {dates}.", "success")
    return redirect(url_for(".show", series_id=series.id))


def _form_page(form: SeriesForm, space: Space) -> tuple[str, int]:
    page = render_template("bookings/series_form.html", form=form, space=space)
    return page, 422 if form.errors else 200


def _preview_page(
    form: SeriesForm, series_request: SeriesRequest, preview: Preview, changed: str = ""
) -> str:
    occurrences = preview.occurrences
    return render_template(
        "bookings/series_preview.html",
        form=form,
        space=series_request.space,
        preview=preview,
        pattern=recurrence.in_words(series_request, len(occurrences)),
        capped=recurrence.capped_warning(series_request, occurrences[-1].day)
        if preview.capped
        else "",
        changed=changed,
        seen=[o.day.isoformat() for o in preview.free],
    )


def _series(series_id: int) -> BookingSeries:
    series = db.session().scalar(
        select(BookingSeries)
        .where(BookingSeries.id == series_id)
        .options(
            joinedload(BookingSeries.space)
            .joinedload(Space.building)
            .selectinload(Building.opening_hours),
            selectinload(BookingSeries.bookings),
        )
    )
    if series is None or not recurrence.may_see(_actor(), series):
        abort(404)
    return series


@bp.route("/series/<int:series_id>")
@login_required
def show(series_id: int) -> str:
    series = _series(series_id)
    pattern = SeriesRequest.of(series)
    days, _ = recurrence.dates(db.session(), pattern)
    booked: dict[date | None, Booking] = {b.occurrence_date: b for b in series.bookings}
    rows = [(day, booked.get(day)) for day in sorted(set(days) | {d for d in booked if d})]
    return render_template(
        "bookings/series_show.html",
        series=series,
        pattern=recurrence.in_words(pattern, len(days)),
        occurrences=rows,
        now=now(),
        Status=BookingStatus,
    )


@bp.route("/bookings/<int:booking_id>/cancel-repeating", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int) -> Response | tuple[str, int]:
    booking = db.session().get(Booking, booking_id)
    if booking is None or booking.series_id is None:
        abort(404)
    series = _series(booking.series_id)
    person, moment = _actor(), now()
    form = CancelSeriesForm()
    context = {
        "booking": booking,
        "series": series,
        "managing": booking.person_id != person.id,
        "counts": {s.value: len(recurrence.in_scope(booking, s, moment)) for s in Scope},
    }
    if form.validate_on_submit():
        scope, reason = Scope(form.scope.data), form.reason.data or ""
        try:
            chosen = recurrence.to_cancel(person, booking, scope, reason, moment)
            if request.form.get("confirmed"):
                recurrence.cancel_occurrences(
                    db.session(), person, booking, scope, reason, now=moment
                )
                dates = "1 date" if len(chosen) == 1 else f"{len(chosen)} dates"
                flash(f"{dates.capitalize()} cancelled.", "success")
                return redirect(url_for(".show", series_id=series.id))
        except BookingError as error:
            form.show(error)
        else:
            page = render_template(
                "bookings/series_cancel_confirm.html", chosen=chosen, **context, form=form
            )
            return page, 200
    page = render_template("bookings/series_cancel.html", form=form, **context)
    return page, 422 if form.errors else 200
