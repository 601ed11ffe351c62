"""Estates pages for spaces: add, edit, deactivate, reactivate, delete.

Taking a space out of use (deactivating it, or making it not bookable) lists the bookings that
would be cancelled first, and cancels them only once the manager confirms.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import db, timezones
from booking.bookings import withdrawals
from booking.bookings.closures import ConfirmationNeeded
from booking.bookings.models import Booking
from booking.catalogue import services
from booking.catalogue.models import Space, SpaceKind
from booking.catalogue.services import CatalogueError, Removal, SpaceDetails
from booking.estates.closures import (
    bookings_phrase,
    cancelled_sentence,
    confirm_cancellations,
    confirmed_ids,
)
from booking.estates.forms import SpaceForm
from booking.estates.pages import (
    actor,
    and_list,
    confirm_page,
    form_page,
    managed_building,
    managed_space,
)
from booking.estates.withdrawals import confirm_withdrawal
from booking.permissions import Permission, permission_required

bp = Blueprint("spaces", __name__)


def _details(form: SpaceForm) -> SpaceDetails:
    return SpaceDetails(
        kind=SpaceKind(form.kind.data),
        name=form.name.data,
        capacity=form.capacity.data,
        equipment=form.equipment.data or "",
        description=form.description.data or "",
        accessible=form.accessible.data,
        bookable=form.bookable.data,
    )


def _back(space: Space) -> str:
    return url_for("estates.buildings.show", building_id=space.building_id)


@bp.route("/buildings/<int:building_id>/spaces/new", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def new(building_id: int) -> Response | tuple[str, int]:
    building = managed_building(building_id)
    form = SpaceForm()
    if form.validate_on_submit():
        try:
            space = services.create_space(db.session(), actor(), building, _details(form))
        except CatalogueError as error:
            form.show(error)
        else:
            flash(f"{space.name} has been added to {building.name}.", "success")
            return redirect(_back(space))
    return form_page("estates/space_form.html", form, building=building, space=None)


@bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def edit(space_id: int) -> Response | str | tuple[str, int]:
    space = managed_space(space_id)
    form = SpaceForm(
        data={**vars(SpaceDetails.of(space)), "kind": space.kind.value},
    )
    if form.validate_on_submit() and "change" not in request.form:
        try:
            changes, cancelled = withdrawals.update_space(
                db.session(),
                actor(),
                space,
                _details(form),
                confirmed=confirmed_ids(),
                now=timezones.now(),
            )
        except CatalogueError as error:
            form.show(error)
        except ConfirmationNeeded as needed:
            bookings = bookings_phrase(needed.bookings)
            return confirm_cancellations(
                space.building,
                needed.bookings,
                title=f"Making {space.name} not bookable would cancel {bookings}",
                reason=withdrawals.withdrawal_reason(space),
                button=f"Save changes and cancel {bookings}",
                change="Change the space",
                back=_back(space),
                back_text=f"Keep {space.name} bookable",
            )
        else:
            if changes:
                flash(f"{space.name} has been updated." + cancelled_sentence(cancelled), "success")
            return redirect(_back(space))
    return form_page("estates/space_form.html", form, building=space.building, space=space)


@bp.route("/spaces/<int:space_id>/deactivate", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def deactivate(space_id: int) -> Response | str:
    space = managed_space(space_id)
    session = db.session()
    if request.method == "POST":
        try:
            changed, cancelled = withdrawals.deactivate_space(
                session, actor(), space, confirmed=confirmed_ids(), now=timezones.now()
            )
        except ConfirmationNeeded as needed:
            affected: list[Booking] = needed.bookings
        else:
            if changed:
                flash(
                    f"{space.name} has been deactivated." + cancelled_sentence(cancelled),
                    "success",
                )
            return redirect(_back(space))
    else:
        affected = withdrawals.bookings_withdrawn(session, space, now=timezones.now())
    return confirm_withdrawal(
        space,
        affected,
        title=f"Deactivate {space.name}?",
        caption=space.building.name,
        paragraphs=[
            "The space will no longer appear in the catalogue, and nobody will be able to "
            "book it. Its history is kept, and you can reactivate it at any time."
        ],
        button="Deactivate space",
        back=_back(space),
    )


@bp.route("/spaces/<int:space_id>/reactivate", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def reactivate(space_id: int) -> Response | str:
    space = managed_space(space_id)
    if request.method == "POST":
        if services.set_space_active(db.session(), actor(), space, True):
            flash(f"{space.name} has been reactivated.", "success")
        return redirect(_back(space))
    return confirm_page(
        f"Reactivate {space.name}?",
        space.building.name,
        ["The space will appear in the catalogue again, if its building is active."],
        "Reactivate space",
        _back(space),
    )


@bp.route("/spaces/<int:space_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def delete(space_id: int) -> Response | str:
    space = managed_space(space_id)
    session = db.session()
    back = _back(space)
    if request.method == "POST":
        name = space.name
        try:
            removal, cancelled = withdrawals.remove_space(
                session, actor(), space, confirmed=confirmed_ids(), now=timezones.now()
            )
        except ConfirmationNeeded as needed:
            affected: list[Booking] = needed.bookings
        else:
            if removal is Removal.DELETED:
                flash(f"{name} has been deleted.", "success")
            else:
                flash(
                    f"{name} has been deactivated, keeping its history."
                    + cancelled_sentence(cancelled),
                    "success",
                )
            return redirect(back)
    else:
        affected = withdrawals.bookings_withdrawn(session, space, now=timezones.now())
    found = services.references(session, space)
    if found:
        paragraphs = [
            f"{space.name} cannot be deleted because it has {and_list(found)}. "
            "It will be deactivated instead, keeping its history.",
            "It will no longer appear in the catalogue, and nobody will be able to book it.",
        ]
        button = "Deactivate space"
    else:
        paragraphs = ["Nothing refers to this space. Deleting it cannot be undone."]
        button = "Delete space"
    return confirm_withdrawal(
        space,
        affected,
        title=f"Delete {space.name}?",
        caption=space.building.name,
        paragraphs=paragraphs,
        button=button,
        back=back,
    )
