"""Estates pages for closures: a building's closures and bank holidays, add, remove.

Adding a closure over existing bookings shows those bookings first (`confirm_cancellations`,
also used by the opening hours page); confirming adds it and cancels them.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db, timezones
from booking.bookings import closures as over_bookings
from booking.bookings.closures import ConfirmationNeeded
from booking.bookings.models import Booking
from booking.bookings.wording import period
from booking.catalogue import services
from booking.catalogue.models import Building
from booking.catalogue.services import CatalogueError, closure_building
from booking.estates import queries
from booking.estates.forms import ClosureForm
from booking.estates.pages import actor, confirm_page, form_page, managed_building, managed_closure
from booking.permissions import Permission, permission_required
from booking.templating import format_datetime
from booking.timezones import today

bp = Blueprint("closures", __name__)


@bp.route("/buildings/<int:building_id>/closures")
@permission_required(Permission.USE_ESTATES)
def index(building_id: int) -> str:
    building = managed_building(building_id)
    session = db.session()
    upcoming, past = queries.closures(session, building, timezones.now())
    return render_template(
        "estates/closures.html",
        building=building,
        upcoming=upcoming,
        past=past,
        bank_holidays=queries.bank_holidays_ahead(session, today()),
    )


@bp.route("/buildings/<int:building_id>/closures/new", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def new(building_id: int) -> Response | str | tuple[str, int]:
    building = managed_building(building_id)
    spaces = {space.id: space for space in building.spaces}
    form = ClosureForm()
    form.space.choices = [
        SelectChoice("", f"The whole building ({building.name})"),
        *(
            SelectChoice(str(space.id), f"{space.name} ({space.kind.label.lower()})")
            for space in building.spaces
        ),
    ]
    if form.validate_on_submit() and "change" not in request.form:
        try:
            plan = services.check_closure(
                building,
                spaces.get(form.space.data) if form.space.data else None,
                (form.starts_on.data, form.starts_time.data),
                (form.ends_on.data, form.ends_time.data),
                form.reason.data,
            )
            _, cancelled = over_bookings.add_closure(
                db.session(), actor(), plan, confirmed=confirmed_ids(), now=timezones.now()
            )
        except CatalogueError as error:
            form.show(error)
        except ConfirmationNeeded as needed:
            return confirm_cancellations(
                building,
                needed.bookings,
                title=f"This closure would cancel {bookings_phrase(needed.bookings)}",
                reason=over_bookings.closure_reason(plan),
                button=f"Add closure and cancel {bookings_phrase(needed.bookings)}",
                change="Change the closure",
                back=url_for(".index", building_id=building.id),
                back_text="Do not add the closure",
            )
        else:
            flash(
                f"{plan.place} will be closed from {format_datetime(plan.starts_at)} "
                f"until {format_datetime(plan.ends_at)}." + cancelled_sentence(cancelled),
                "success",
            )
            return redirect(url_for(".index", building_id=building.id))
    return form_page("estates/closure_form.html", form, building=building)


def confirmed_ids() -> set[int]:
    """The bookings the manager saw on the confirmation page and agreed to cancel."""
    raw = request.form.get("confirmed", "")
    return {int(part) for part in raw.split(",") if part.isdigit()}


def confirm_cancellations(building: Building, bookings: Sequence[Booking], **text: str) -> str:
    """The page listing the bookings a change would cancel, before it is saved.

    Its form posts the same answers again (as hidden fields) with the bookings shown, so
    confirming saves exactly what was checked; "change" goes back to the filled-in form.
    """
    answers = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in {"csrf_token", "confirmed", "change"}
    ]
    return render_template(
        "estates/closure_confirm.html",
        building=building,
        bookings=bookings,
        answers=answers,
        confirmed=",".join(str(booking.id) for booking in bookings),
        asked_again="confirmed" in request.form,
        period=period,
        **text,
    )


def cancelled_sentence(cancelled: Sequence[Booking]) -> str:
    """ " 2 bookings have been cancelled. …" for a flash message, or nothing when none were."""
    if not cancelled:
        return ""
    verb = "has" if len(cancelled) == 1 else "have"
    return (
        f" {bookings_phrase(cancelled)} {verb} been cancelled. "
        "The people who made them will see why on their bookings page."
    )


def bookings_phrase(bookings: Sequence[Booking]) -> str:
    """ "1 booking", "3 bookings"."""
    return "1 booking" if len(bookings) == 1 else f"{len(bookings)} bookings"


@bp.route("/closures/<int:closure_id>/remove", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def remove(closure_id: int) -> Response | str:
    closure = managed_closure(closure_id)
    building = closure_building(closure)
    back = url_for(".index", building_id=building.id)
    if request.method == "POST":
        services.remove_closure(db.session(), actor(), closure)
        flash("The closure has been removed.", "success")
        return redirect(back)
    return confirm_page(
        "Remove this closure?",
        services.place_name(building, closure.space),
        [
            f"From {format_datetime(closure.starts_at)} until "
            f"{format_datetime(closure.ends_at)}: {closure.reason}",
            "The building or space will be open as usual at that time.",
        ],
        "Remove closure",
        back,
        warning=True,
    )
