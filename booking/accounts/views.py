"""Signing in and out, registration, email verification, password reset, the account page."""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking import db
from booking.accounts.models import Person, RoleGrant
from booking.extensions import login_manager

bp = Blueprint("accounts", __name__)


def load_person(identity: str) -> Person | None:
    """Flask-Login's loader: the session holds "id:session_version"; an old version is refused."""
    person_id, _, version = identity.partition(":")
    if not person_id.isdigit() or not version.isdigit():
        return None
    person = db.session().scalar(
        select(Person)
        .where(Person.id == int(person_id))
        .options(
            selectinload(Person.grants).selectinload(RoleGrant.building),
            selectinload(Person.grants).selectinload(RoleGrant.neighbourhood),
        )
    )
    if person is None or person.session_version != int(version) or not person.is_active:
        return None
    return person


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_person)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@bp.route("/account")
def account() -> str:
    return "account"


@bp.route("/sign-in")
def sign_in() -> str:
    return "sign in"


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> str:
    return "signed out"
