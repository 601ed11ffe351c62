"""Bearer-token authentication: every API call names its person with a personal access token.

The API never reads the session cookie, so a browser that is signed in to the web pages gets
no access to the API through it (and the API needs no CSRF protection).
"""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session, sessionmaker

from booking import db
from booking.accounts import access_tokens
from booking.accounts.models import Person
from booking.api.problems import Problem
from booking.timezones import now

REALM = 'Bearer realm="Shared Spaces API"'


def _refused(detail: str, *, error: str | None = None) -> Problem:
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return Problem(401, detail, headers={"WWW-Authenticate": challenge})


def authenticate() -> None:
    """A `before_request` hook: find the token's person, or answer 401."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _refused(
            "Send a personal access token in the Authorization header: Bearer <token>. "
            "Create one on your account page."
        )
    token = access_tokens.authenticate(db.session(), secret.strip())
    if token is None:
        raise _refused(
            "That access token is not valid: it may have been revoked, or its account deactivated.",
            error="invalid_token",
        )
    moment = now()
    if access_tokens.needs_use_recorded(token, moment):
        _record_use(token.id)
    g.api_person = token.person


def _record_use(token_id: int) -> None:
    """Note the token's use in a short transaction of its own.

    The request's own session may be a read-only one (a GET), and on SQLite a read transaction
    that later writes can fail when another connection has written meanwhile.
    """
    factory: sessionmaker[Session] = current_app.extensions["booking.write_sessions"]
    with factory() as session, session.begin():
        access_tokens.record_use(session, token_id, now())


def current_person() -> Person:
    """The person whose token authenticated this API request."""
    person: Person = g.api_person
    return person
