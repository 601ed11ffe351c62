"""Estates pages for spaces: add, edit, deactivate, reactivate, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import db
from booking.catalogue import services
from booking.catalogue.models import Space, SpaceKind
from booking.catalogue.services import CatalogueError, Removal, SpaceDetails
from booking.estates.forms import SpaceForm
from booking.estates.pages import (
    actor,
    and_list,
    confirm_page,
    form_page,
    managed_building,
    managed_space,
)
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
def edit(space_id: int) -> Response | tuple[str, int]:
    space = managed_space(space_id)
    form = SpaceForm(
        data={**vars(SpaceDetails.of(space)), "kind": space.kind.value},
    )
    if form.validate_on_submit():
        try:
            changes = services.update_space(db.session(), actor(), space, _details(form))
        except CatalogueError as error:
            form.show(error)
        else:
            if changes:
                flash(f"{space.name} has been updated.", "success")
            return redirect(_back(space))
    return form_page("estates/space_form.html", form, building=space.building, space=space)


@bp.route("/spaces/<int:space_id>/deactivate", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def deactivate(space_id: int) -> Response | str:
    space = managed_space(space_id)
    if request.method == "POST":
        if services.set_space_active(db.session(), actor(), space, False):
            flash(f"{space.name} has been deactivated.", "success")
        return redirect(_back(space))
    return confirm_page(
        f"Deactivate {space.name}?",
        space.building.name,
        [
            "The space will no longer appear in the catalogue, and nobody will be able to "
            "book it. Its history is kept, and you can reactivate it at any time."
        ],
        "Deactivate space",
        _back(space),
        warning=True,
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
        if services.remove_space(session, actor(), space) is Removal.DELETED:
            flash(f"{name} has been deleted.", "success")
        else:
            flash(f"{name} has been deactivated, keeping its history.", "success")
        return redirect(back)
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
    return confirm_page(
        f"Delete {space.name}?", space.building.name, paragraphs, button, back, warning=True
    )
