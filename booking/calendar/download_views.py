""" "Add to calendar": a booking, or a whole repeating booking, as a file to open in a calendar.

The file is a published calendar (METHOD:PUBLISH) with the same UID the invites use, so a
calendar that already has the booking from an invite updates it instead of adding a second
copy. Who may download it is who may see the booking: the booker and the building's
managers; to anyone else it does not exist (404).
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, abort
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from booking import db
from booking.accounts.models import Person
from booking.bookings import recurrence
from booking.bookings.mine import visible_booking
from booking.bookings.models import BookingSeries
from booking.calendar.ics import download_calendar, series_download_calendar
from booking.catalogue.models import Space

bp = Blueprint("calendar_downloads", __name__)


def _person() -> Person:
    return cast(Person, current_user._get_current_object())


def _calendar_file(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/bookings/<int:booking_id>/calendar.ics")
@login_required
def booking(booking_id: int) -> Response:
    found = visible_booking(db.session(), _person(), booking_id)
    if found is None:
        abort(404)
    return _calendar_file(download_calendar(found), f"booking-{found.id}.ics")


@bp.route("/series/<int:series_id>/calendar.ics")
@login_required
def series(series_id: int) -> Response:
    found = db.session().scalar(
        select(BookingSeries)
        .where(BookingSeries.id == series_id)
        .options(
            joinedload(BookingSeries.space).joinedload(Space.building),
            selectinload(BookingSeries.bookings),
        )
    )
    if found is None or not recurrence.may_see(_person(), found):
        abort(404)
    return _calendar_file(series_download_calendar(found), f"repeating-booking-{found.id}.ics")
