"""People: finding them, correcting their details, signing them out, and their roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db
from booking.accounts.models import Person, Role, RoleGrant
from booking.accounts.people import (
    PeopleFilter,
    PersonError,
    add_grant,
    deactivate_person,
    mark_verified,
    reactivate_person,
    remove_grant,
    search_people,
    sign_out_everywhere,
    update_person,
)
from booking.admin.forms import (
    ROLE_HINTS,
    ActionForm,
    GrantForm,
    PeopleFilterForm,
    PersonForm,
    show_error,
)
from booking.admin.pagination import Pagination, requested_page
from booking.catalogue.models import Building, Neighbourhood, Organisation
from booking.permissions import Permission, permission_required

bp = Blueprint("people", __name__, url_prefix="/people")
manage = permission_required(Permission.MANAGE_PEOPLE)
PER_PAGE = 25

Page = str | tuple[str, int] | Response


def _person(person_id: int) -> Person:
    person = db.session().scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.organisation),
            selectinload(Person.grants).selectinload(RoleGrant.building),
            selectinload(Person.grants).selectinload(RoleGrant.neighbourhood),
        )
    )
    if person is None:
        abort(404)
    return person


def _show(person: Person) -> Response:
    return redirect(url_for(".show", person_id=person.id))


def _organisations(*, include: Organisation | None = None) -> list[Organisation]:
    """Active organisations by name, plus `include` (a person's own, even if deactivated)."""
    query = select(Organisation).order_by(func.lower(Organisation.name))
    return [
        o for o in db.session().scalars(query) if o.active or (include is not None and o is include)
    ]


@bp.route("")
@manage
def index() -> str:
    form = PeopleFilterForm(formdata=request.args)
    organisations = db.session().scalars(
        select(Organisation).order_by(func.lower(Organisation.name))
    )
    form.organisation.choices = [
        SelectChoice("", "Any organisation"),
        *(SelectChoice(str(o.id), o.name) for o in organisations),
    ]
    form.role.choices = [
        SelectChoice("", "Any role"),
        *(SelectChoice(role.value, role.label) for role in Role),
    ]
    statuses = set(form.status.data or [])
    filters = PeopleFilter(
        text=(form.q.data or "")[:200],
        organisation_id=form.organisation.data,
        role=form.chosen_role(),
        awaiting_verification="awaiting_verification" in statuses,
        deactivated="deactivated" in statuses,
    )
    page = requested_page()
    people, total = search_people(db.session(), filters, page=page, per_page=PER_PAGE)
    pagination = Pagination(page, PER_PAGE, total)
    if page > pagination.pages:
        abort(404)
    return render_template("admin/people.html", filters=form, people=people, pagination=pagination)


@bp.route("/<int:person_id>")
@manage
def show(person_id: int) -> str:
    return render_template("admin/person.html", person=_person(person_id))


def _refused(person: Person, error: PersonError) -> tuple[str, int]:
    """The person page again, with the reason an action was refused in the error summary."""
    form = ActionForm(formdata=None)
    show_error(form, error)
    return render_template("admin/person.html", person=person, form=form), 422


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@manage
def edit(person_id: int) -> Page:
    person = _person(person_id)
    current = {"name": person.name, "organisation": person.organisation_id}
    form = PersonForm(data=current if request.method == "GET" else None)
    form.organisation.choices = [
        SelectChoice("", "Choose an organisation"),
        *(
            SelectChoice(str(o.id), o.name if o.active else f"{o.name} (deactivated)")
            for o in _organisations(include=person.organisation)
        ),
    ]
    if form.validate_on_submit():
        organisation = db.session().get(Organisation, form.organisation.data)
        try:
            if organisation is None:
                raise PersonError("Select the person's organisation", "organisation")
            update_person(
                db.session(), current_user, person, name=form.name.data, organisation=organisation
            )
        except PersonError as error:
            show_error(form, error)
        else:
            flash(f"{person.name}'s details updated.", "success")
            return _show(person)
    return render_template("admin/person_form.html", form=form, person=person), (
        422 if form.errors else 200
    )


@bp.route("/<int:person_id>/verify", methods=["POST"])
@manage
def verify(person_id: int) -> Response:
    person = _person(person_id)
    mark_verified(db.session(), current_user, person)
    flash(f"{person.email} marked as verified. {person.name} can now sign in.", "success")
    return _show(person)


@bp.route("/<int:person_id>/deactivate", methods=["GET", "POST"])
@manage
def deactivate(person_id: int) -> Page:
    person = _person(person_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            deactivate_person(db.session(), current_user, person)
        except PersonError as error:
            show_error(form, error)
        else:
            flash(f"{person.name} deactivated and signed out of all devices.", "success")
            return _show(person)
    return render_template(
        "layouts/confirm.html",
        form=form,
        caption=person.name,
        title=f"Deactivate {person.name}?",
        paragraphs=[
            "They will be signed out of all devices at once and will not be able to sign in.",
            "Their bookings and history stay. You can reactivate them at any time.",
        ],
        button="Deactivate",
        back=url_for(".show", person_id=person.id),
        warning=True,
    ), (422 if form.errors else 200)


@bp.route("/<int:person_id>/reactivate", methods=["POST"])
@manage
def reactivate(person_id: int) -> Response:
    person = _person(person_id)
    reactivate_person(db.session(), current_user, person)
    flash(f"{person.name} reactivated. They can sign in again.", "success")
    return _show(person)


@bp.route("/<int:person_id>/sign-out", methods=["POST"])
@manage
def sign_out(person_id: int) -> Response:
    person = _person(person_id)
    sign_out_everywhere(db.session(), current_user, person)
    flash(f"{person.name} has been signed out of all devices.", "success")
    return _show(person)


def _grant_choices(form: GrantForm) -> None:
    session = db.session()
    buildings = session.execute(
        select(Building.id, Building.name, Neighbourhood.name)
        .join(Neighbourhood, Building.neighbourhood_id == Neighbourhood.id)
        .where(Building.active.is_(True))
        .order_by(Neighbourhood.name, Building.name)
    ).all()
    form.building.choices = [
        SelectChoice("", "Choose a building"),
        *(
            SelectChoice(str(building_id), f"{name} ({neighbourhood})")
            for building_id, name, neighbourhood in buildings
        ),
    ]
    neighbourhoods = session.execute(
        select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
    ).all()
    form.neighbourhood.choices = [
        SelectChoice("", "Choose a neighbourhood"),
        *(SelectChoice(str(neighbourhood_id), name) for neighbourhood_id, name in neighbourhoods),
    ]


@bp.route("/<int:person_id>/roles/new", methods=["GET", "POST"])
@manage
def add_role(person_id: int) -> Page:
    session = db.session()
    person = _person(person_id)
    form = GrantForm()
    _grant_choices(form)
    if form.validate_on_submit():
        role = Role(form.role.data)
        building_id, neighbourhood_id = form.building.data, form.neighbourhood.data
        building = session.get(Building, building_id) if building_id else None
        neighbourhood = session.get(Neighbourhood, neighbourhood_id) if neighbourhood_id else None
        try:
            grant = add_grant(
                session, current_user, person, role, building=building, neighbourhood=neighbourhood
            )
        except PersonError as error:
            show_error(form, error)
        else:
            flash(f"{person.name} is now {role.label.lower()} of {grant.scope_name}.", "success")
            return _show(person)
    return render_template("admin/grant_form.html", form=form, person=person, hints=ROLE_HINTS), (
        422 if form.errors else 200
    )


@bp.route("/<int:person_id>/roles/<int:grant_id>/remove", methods=["POST"])
@manage
def remove_role(person_id: int, grant_id: int) -> Page:
    person = _person(person_id)
    grant = next((g for g in person.grants if g.id == grant_id), None)
    if grant is None:
        abort(404)
    role, scope = grant.role, grant.scope_name
    try:
        remove_grant(db.session(), current_user, grant)
    except PersonError as error:
        return _refused(person, error)
    flash(f"{person.name} is no longer {role.label.lower()} of {scope}.", "success")
    return _show(person)
