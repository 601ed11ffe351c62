"""Administration: organisations and their email domains, people, role grants, the audit log,
and mail that could not be sent.

Every page is for administrators only. The sections live in their own modules as blueprints
nested in this one, so their endpoints read `admin.people.show`, `admin.organisations.edit` …
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import distinct, func, select

from booking import db
from booking.accounts.models import Person, Role, RoleGrant
from booking.admin import audit_views, organisation_views, people_views
from booking.catalogue.models import Organisation
from booking.mail import views as mail_views
from booking.permissions import Permission, permission_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_blueprint(organisation_views.bp)
bp.register_blueprint(people_views.bp)
bp.register_blueprint(audit_views.bp)
bp.register_blueprint(mail_views.bp)


@bp.route("/")
@permission_required(Permission.MANAGE_PEOPLE)
def dashboard() -> str:
    counts = (
        db.session()
        .execute(
            select(
                select(func.count(Organisation.id)).scalar_subquery().label("organisations"),
                select(func.count(Person.id)).scalar_subquery().label("people"),
                select(func.count(Person.id))
                .where(Person.email_verified_at.is_(None))
                .scalar_subquery()
                .label("awaiting_verification"),
                select(func.count(distinct(RoleGrant.person_id)))
                .where(RoleGrant.role == Role.ADMINISTRATOR)
                .scalar_subquery()
                .label("administrators"),
            )
        )
        .one()
    )
    return render_template("admin/dashboard.html", counts=counts)
