"""Signed, expiring links for emails: confirming an email address and resetting a password.

A link carries the person's id and is signed with SECRET_KEY (itsdangerous, one salt per
purpose, so one kind of link can never be used as the other). A reset link also carries a
fingerprint of the password hash and the session version: once the password changes, or the
person signs out everywhere, the fingerprint no longer matches and the link is dead. That makes
it single use without storing anything.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from booking.accounts.models import Person

VERIFY_SALT = "shared-spaces/verify-email"
RESET_SALT = "shared-spaces/reset-password"


class BadLink(ValueError):
    """A link that was tampered with, is for an account that no longer qualifies, or was used."""


class LinkExpired(BadLink):
    """A genuine link that is older than its lifetime."""


class LinkUsed(BadLink):
    """A genuine reset link whose password (or sessions) changed since it was sent."""


def now() -> float:
    """The clock links are signed and checked against (tests move it to expire links)."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(now())


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=_Signer)


def _load(salt: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkExpired("This link has expired") from error
    except BadData as error:
        raise BadLink("This link is not valid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("person"), int):
        raise BadLink("This link is not valid")
    return payload


def fingerprint(person: Person) -> str:
    """Changes whenever the password or the session version does."""
    state = f"{person.password_hash or ''}:{person.session_version}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def verification_token(person: Person) -> str:
    return _serializer(VERIFY_SALT).dumps({"person": person.id, "email": person.email})


def person_to_verify(session: Session, token: str) -> Person:
    """The person a verification link was sent to, if it is still good for them."""
    payload = _load(VERIFY_SALT, token, current_app.config["VERIFY_LINK_HOURS"] * 3600)
    person = session.get(Person, payload["person"])
    if person is None or not person.active or person.email != payload.get("email"):
        raise BadLink("This link is not valid")
    return person


def reset_token(person: Person) -> str:
    return _serializer(RESET_SALT).dumps({"person": person.id, "state": fingerprint(person)})


def person_to_reset(session: Session, token: str) -> Person:
    """The person a reset link was sent to, if it is unused and they may still sign in."""
    payload = _load(RESET_SALT, token, current_app.config["RESET_LINK_MINUTES"] * 60)
    person = session.get(Person, payload["person"])
    if person is None or not person.active:
        raise BadLink("This link is not valid")
    if payload.get("state") != fingerprint(person):
        raise LinkUsed("This link has already been used")
    return person
