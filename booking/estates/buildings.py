"""Estates pages for a building: add, manage, edit, opening hours, deactivate, delete.

Changes that would cancel bookings (new hours, closing on bank holidays, deactivating) list
those bookings first and cancel them only once the manager confirms.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db, timezones
from booking.audit.services import recent_entries
from booking.bookings import closures as over_bookings
from booking.bookings import withdrawals
from booking.bookings.closures import ConfirmationNeeded
from booking.bookings.models import Booking
from booking.catalogue import services
from booking.catalogue.models import Building, BuildingAccess, Neighbourhood, Organisation
from booking.catalogue.services import BuildingDetails, CatalogueError, Removal
from booking.estates import queries
from booking.estates.closures import (
    bookings_phrase,
    cancelled_sentence,
    confirm_cancellations,
    confirmed_ids,
)
from booking.estates.forms import BuildingForm, OpeningHoursForm
from booking.estates.pages import actor, and_list, confirm_page, form_page, managed_building
from booking.estates.withdrawals import confirm_withdrawal
from booking.permissions import Permission, permission_required

bp = Blueprint("buildings", __name__)


def _choices(form: BuildingForm, building: Building | None = None) -> None:
    """Active organisations and every neighbourhood, plus whatever the building already has."""
    session = db.session()
    keep: set[int] = set()
    if building is not None:
        keep = {building.owner_id, *(o.id for o in building.allowed_organisations)}
    organisations = session.scalars(
        select(Organisation)
        .where(or_(Organisation.active.is_(True), Organisation.id.in_(keep)))
        .order_by(Organisation.name)
    ).all()
    neighbourhoods = queries.neighbourhoods(session)
    choices = [
        SelectChoice(str(o.id), o.name if o.active else f"{o.name} (deactivated)")
        for o in organisations
    ]
    form.owner.choices = [SelectChoice("", "Choose an organisation"), *choices]
    form.neighbourhood.choices = [
        SelectChoice("", "Choose a neighbourhood"),
        *(SelectChoice(str(n.id), n.name) for n in neighbourhoods),
    ]
    form.allowed_organisations.choices = choices


def _details(form: BuildingForm) -> BuildingDetails:
    session = db.session()
    allowed = session.scalars(
        select(Organisation).where(Organisation.id.in_(form.allowed_organisations.data or []))
    ).all()
    owner = session.get(Organisation, form.owner.data)
    neighbourhood = session.get(Neighbourhood, form.neighbourhood.data)
    assert owner is not None and neighbourhood is not None  # the form's choices came from these
    return BuildingDetails(
        name=form.name.data,
        owner=owner,
        neighbourhood=neighbourhood,
        address=form.address.data,
        postcode=form.postcode.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        description=form.description.data or "",
        arrival_instructions=form.arrival_instructions.data or "",
        facilities=frozenset(form.facilities.data or []),
        access=BuildingAccess(form.access.data),
        allowed_organisations=tuple(allowed),
        opens_on_bank_holidays=form.opens_on_bank_holidays.data,
    )


@bp.route("/buildings/new", methods=["GET", "POST"])
@permission_required(Permission.CREATE_BUILDING)
def new() -> Response | tuple[str, int]:
    form = BuildingForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            building = services.create_building(db.session(), actor(), _details(form))
        except CatalogueError as error:
            form.show(error)
        else:
            flash(f"{building.name} has been added. Now set its opening hours.", "success")
            return redirect(url_for(".hours", building_id=building.id))
    return form_page("estates/building_form.html", form, building=None)


@bp.route("/buildings/<int:building_id>")
@permission_required(Permission.USE_ESTATES)
def show(building_id: int) -> str:
    building = managed_building(building_id)
    session = db.session()
    upcoming, _past = queries.closures(session, building, timezones.now())
    history, _total = recent_entries(
        session, subject_type="building", subject_id=building.id, per_page=10
    )
    return render_template(
        "estates/building.html", building=building, closures=upcoming, history=history
    )


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def edit(building_id: int) -> Response | str | tuple[str, int]:
    building = managed_building(building_id)
    form = BuildingForm(data=BuildingForm.data_of(building))
    _choices(form, building)
    if form.validate_on_submit() and "change" not in request.form:
        try:
            changes, cancelled = over_bookings.update_building(
                db.session(),
                actor(),
                building,
                _details(form),
                confirmed=confirmed_ids(),
                now=timezones.now(),
            )
        except CatalogueError as error:
            form.show(error)
        except ConfirmationNeeded as needed:
            bookings = bookings_phrase(needed.bookings)
            return confirm_cancellations(
                building,
                needed.bookings,
                title=f"Closing on bank holidays would cancel {bookings}",
                reason=over_bookings.BANK_HOLIDAYS_CLOSED,
                button=f"Save changes and cancel {bookings}",
                change="Change the details",
                back=url_for(".show", building_id=building.id),
                back_text="Keep the current details",
            )
        else:
            if changes:
                flash(
                    f"{building.name} has been updated." + cancelled_sentence(cancelled),
                    "success",
                )
            return redirect(url_for(".show", building_id=building.id))
    return form_page("estates/building_form.html", form, building=building)


@bp.route("/buildings/<int:building_id>/hours", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def hours(building_id: int) -> Response | str | tuple[str, int]:
    building = managed_building(building_id)
    form = OpeningHoursForm(data=OpeningHoursForm.data_of(building))
    if form.validate_on_submit() and "change" not in request.form:
        try:
            changes, cancelled = over_bookings.set_opening_hours(
                db.session(),
                actor(),
                building,
                form.week(),
                confirmed=confirmed_ids(),
                now=timezones.now(),
            )
        except CatalogueError as error:
            form.show(error)
        except ConfirmationNeeded as needed:
            bookings = bookings_phrase(needed.bookings)
            return confirm_cancellations(
                building,
                needed.bookings,
                title=f"The new opening hours would cancel {bookings}",
                reason=over_bookings.HOURS_CHANGED,
                button=f"Save hours and cancel {bookings}",
                change="Change the hours",
                back=url_for(".show", building_id=building.id),
                back_text="Keep the current hours",
            )
        else:
            if changes or cancelled:
                flash(
                    f"The opening hours of {building.name} have been updated."
                    + cancelled_sentence(cancelled),
                    "success",
                )
            return redirect(url_for(".show", building_id=building.id))
    return form_page("estates/hours.html", form, building=building)


@bp.route("/buildings/<int:building_id>/deactivate", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def deactivate(building_id: int) -> Response | str:
    building = managed_building(building_id)
    session = db.session()
    back = url_for(".show", building_id=building.id)
    if request.method == "POST":
        try:
            changed, cancelled = withdrawals.deactivate_building(
                session, actor(), building, confirmed=confirmed_ids(), now=timezones.now()
            )
        except ConfirmationNeeded as needed:
            affected: list[Booking] = needed.bookings
        else:
            if changed:
                flash(
                    f"{building.name} has been deactivated." + cancelled_sentence(cancelled),
                    "success",
                )
            return redirect(back)
    else:
        affected = withdrawals.bookings_withdrawn(session, building, now=timezones.now())
    return confirm_withdrawal(
        building,
        affected,
        title=f"Deactivate {building.name}?",
        caption=building.neighbourhood.name,
        paragraphs=[
            "The building and its spaces will no longer appear in the catalogue, and nobody "
            "will be able to book them.",
            "Its spaces, closures and history are kept. You can reactivate it at any time.",
        ],
        button="Deactivate building",
        back=back,
    )


@bp.route("/buildings/<int:building_id>/reactivate", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def reactivate(building_id: int) -> Response | str:
    building = managed_building(building_id)
    back = url_for(".show", building_id=building.id)
    if request.method == "POST":
        if services.set_building_active(db.session(), actor(), building, True):
            flash(f"{building.name} has been reactivated.", "success")
        return redirect(back)
    return confirm_page(
        f"Reactivate {building.name}?",
        building.neighbourhood.name,
        [
            "The building will appear in the catalogue again, with those of its spaces that "
            "are active."
        ],
        "Reactivate building",
        back,
    )


@bp.route("/buildings/<int:building_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def delete(building_id: int) -> Response | str:
    building = managed_building(building_id)
    session = db.session()
    if request.method == "POST":
        name = building.name
        try:
            removal, cancelled = withdrawals.remove_building(
                session, actor(), building, confirmed=confirmed_ids(), now=timezones.now()
            )
        except ConfirmationNeeded as needed:
            affected: list[Booking] = needed.bookings
        else:
            if removal is Removal.DELETED:
                flash(f"{name} has been deleted.", "success")
                return redirect(url_for("estates.dashboard"))
            flash(
                f"{name} has been deactivated, keeping its history."
                + cancelled_sentence(cancelled),
                "success",
            )
            return redirect(url_for(".show", building_id=building.id))
    else:
        affected = withdrawals.bookings_withdrawn(session, building, now=timezones.now())
    found = services.references(session, building)
    if found:
        paragraphs = [
            f"{building.name} cannot be deleted because it has {and_list(found)}. "
            "It will be deactivated instead, keeping its history.",
            "It will no longer appear in the catalogue, and nobody will be able to book it.",
        ]
        button = "Deactivate building"
    else:
        paragraphs = ["Nothing refers to this building. Deleting it cannot be undone."]
        button = "Delete building"
    return confirm_withdrawal(
        building,
        affected,
        title=f"Delete {building.name}?",
        caption=building.neighbourhood.name,
        paragraphs=paragraphs,
        button=button,
        back=url_for(".show", building_id=building.id),
    )
