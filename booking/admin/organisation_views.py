"""Organisations and their email domains."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from booking import db
from booking.admin.forms import ActionForm, DomainForm, OrganisationForm, show_error
from booking.catalogue.models import Organisation, OrganisationDomain, OrganisationType
from booking.catalogue.organisations import (
    OrganisationError,
    add_domain,
    create_organisation,
    deactivate_organisation,
    delete_organisation,
    is_referenced,
    list_organisations,
    reactivate_organisation,
    remove_domain,
    update_organisation,
)
from booking.permissions import Permission, permission_required

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
manage = permission_required(Permission.MANAGE_ORGANISATIONS)

Page = str | tuple[str, int] | Response


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session().get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _show(organisation: Organisation) -> Response:
    return redirect(url_for(".show", organisation_id=organisation.id))


@bp.route("")
@manage
def index() -> str:
    return render_template("admin/organisations.html", rows=list_organisations(db.session()))


@bp.route("/new", methods=["GET", "POST"])
@manage
def new() -> Page:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = create_organisation(
                db.session(),
                current_user,
                name=form.name.data,
                type=OrganisationType(form.type.data),
            )
        except OrganisationError as error:
            show_error(form, error)
        else:
            flash(f"{organisation.name} added. Now add its email domains.", "success")
            return _show(organisation)
    status = 422 if form.errors else 200
    return render_template("admin/organisation_form.html", form=form, organisation=None), status


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
@manage
def show(organisation_id: int) -> Page:
    """The organisation's details and domains; the form on it adds a domain."""
    session = db.session()
    organisation = _organisation(organisation_id)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            added = add_domain(session, current_user, organisation, form.domain.data)
        except OrganisationError as error:
            show_error(form, error)
        else:
            flash(f"People with {added.domain} email addresses can now register.", "success")
            return _show(organisation)
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        form=form,
        deletable=not is_referenced(session, organisation),
    ), (422 if form.errors else 200)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@manage
def edit(organisation_id: int) -> Page:
    organisation = _organisation(organisation_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_organisation(
                db.session(),
                current_user,
                organisation,
                name=form.name.data,
                type=OrganisationType(form.type.data),
            )
        except OrganisationError as error:
            show_error(form, error)
        else:
            flash(f"{organisation.name} updated.", "success")
            return _show(organisation)
    return render_template("admin/organisation_form.html", form=form, organisation=organisation), (
        422 if form.errors else 200
    )


@bp.route("/<int:organisation_id>/domains/<int:domain_id>/remove", methods=["GET", "POST"])
@manage
def remove_domain_confirm(organisation_id: int, domain_id: int) -> Page:
    session = db.session()
    organisation = _organisation(organisation_id)
    domain = session.get(OrganisationDomain, domain_id)
    if domain is None or domain.organisation_id != organisation.id:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        name = domain.domain
        remove_domain(session, current_user, domain)
        flash(f"{name} removed. People already registered with it keep their accounts.", "success")
        return _show(organisation)
    return render_template(
        "layouts/confirm.html",
        form=form,
        caption=organisation.name,
        title=f"Remove {domain.domain}?",
        paragraphs=[
            f"New people with {domain.domain} email addresses will not be able to register.",
            "People already registered keep their accounts.",
        ],
        button="Remove domain",
        back=url_for(".show", organisation_id=organisation.id),
        warning=True,
    )


@bp.route("/<int:organisation_id>/deactivate", methods=["GET", "POST"])
@manage
def deactivate(organisation_id: int) -> Page:
    organisation = _organisation(organisation_id)
    form = ActionForm()
    if form.validate_on_submit():
        deactivate_organisation(db.session(), current_user, organisation)
        flash(f"{organisation.name} deactivated.", "success")
        return _show(organisation)
    return render_template(
        "layouts/confirm.html",
        form=form,
        caption=organisation.name,
        title=f"Deactivate {organisation.name}?",
        paragraphs=[
            "Nobody will be able to register with its email domains.",
            "Its people keep their accounts, and its buildings stay as they are. "
            "You can reactivate it at any time.",
        ],
        button="Deactivate organisation",
        back=url_for(".show", organisation_id=organisation.id),
        warning=True,
    )


@bp.route("/<int:organisation_id>/reactivate", methods=["POST"])
@manage
def reactivate(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    reactivate_organisation(db.session(), current_user, organisation)
    flash(f"{organisation.name} reactivated.", "success")
    return _show(organisation)


@bp.route("/<int:organisation_id>/delete", methods=["GET", "POST"])
@manage
def delete(organisation_id: int) -> Page:
    """Delete an organisation entered by mistake; one anything refers to is only deactivated."""
    session = db.session()
    organisation = _organisation(organisation_id)
    form = ActionForm()
    if form.validate_on_submit():
        name = organisation.name
        try:
            delete_organisation(session, current_user, organisation)
        except OrganisationError as error:
            show_error(form, error)
        else:
            flash(f"{name} deleted.", "success")
            return redirect(url_for(".index"))
    return render_template(
        "admin/organisation_delete.html",
        form=form,
        organisation=organisation,
        referenced=is_referenced(session, organisation),
    ), (422 if form.errors else 200)
