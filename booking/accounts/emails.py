"""The emails accounts send: a verification link, a password reset link, "already registered".

Links in emails are built from `BASE_URL` (the service's public address), never from the
request's Host header: a client controls that header, and a reset link built from it could
point at someone else's site.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.orm import Session

from booking.accounts import tokens
from booking.accounts.models import Person
from booking.mail import render_message, send


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to `endpoint` under BASE_URL; works with or without a request.

    The URL adapter is bound once per app and BASE_URL, not once per link: a calendar feed
    has thousands of links.
    """
    base = current_app.config["BASE_URL"]
    bound = current_app.extensions.get("booking.external_urls")
    if bound is None or bound[0] != base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )
        bound = current_app.extensions["booking.external_urls"] = (base, adapter)
    return bound[1].build(endpoint, values, force_external=True)


def send_verification(session: Session, person: Person) -> None:
    send(
        session,
        render_message(
            "verify_email",
            person.email,
            "Confirm your email address",
            person=person,
            link=external_url("accounts.verify_email", token=tokens.verification_token(person)),
            hours=current_app.config["VERIFY_LINK_HOURS"],
        ),
    )


def send_password_reset(session: Session, person: Person) -> None:
    send(
        session,
        render_message(
            "reset_password",
            person.email,
            "Reset your password",
            person=person,
            link=external_url("accounts.reset_password", token=tokens.reset_token(person)),
            minutes=current_app.config["RESET_LINK_MINUTES"],
        ),
    )


def send_already_registered(session: Session, person: Person) -> None:
    send(
        session,
        render_message(
            "already_registered",
            person.email,
            "You already have a Shared Spaces account",
            person=person,
            sign_in_link=external_url("accounts.sign_in"),
            reset_link=external_url("accounts.forgot_password"),
        ),
    )
