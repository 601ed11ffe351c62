"""Estates pages for closures: a building's closures and bank holidays, add, remove."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db
from booking.catalogue import services
from booking.catalogue.services import CatalogueError, closure_building
from booking.estates import queries
from booking.estates.forms import ClosureForm
from booking.estates.pages import (
    actor,
    confirm_page,
    form_page,
    managed_building,
    managed_closure,
    now,
)
from booking.permissions import Permission, permission_required
from booking.templating import format_datetime
from booking.timezones import today

bp = Blueprint("closures", __name__)


@bp.route("/buildings/<int:building_id>/closures")
@permission_required(Permission.USE_ESTATES)
def index(building_id: int) -> str:
    building = managed_building(building_id)
    session = db.session()
    upcoming, past = queries.closures(session, building, now())
    return render_template(
        "estates/closures.html",
        building=building,
        upcoming=upcoming,
        past=past,
        bank_holidays=queries.bank_holidays_ahead(session, today()),
    )


@bp.route("/buildings/<int:building_id>/closures/new", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def new(building_id: int) -> Response | tuple[str, int]:
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
    if form.validate_on_submit():
        try:
            plan = services.check_closure(
                building,
                spaces.get(form.space.data) if form.space.data else None,
                (form.starts_on.data, form.starts_time.data),
                (form.ends_on.data, form.ends_time.data),
                form.reason.data,
            )
            services.add_closure(db.session(), actor(), plan)
        except CatalogueError as error:
            form.show(error)
        else:
            flash(
                f"{plan.place} will be closed from {format_datetime(plan.starts_at)} "
                f"until {format_datetime(plan.ends_at)}.",
                "success",
            )
            return redirect(url_for(".index", building_id=building.id))
    return form_page("estates/closure_form.html", form, building=building)


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
