"""Personal access tokens for the JSON API: created, listed, revoked, and checked on each call.

A token is shown to its owner once, when it is made, and stored only as the SHA-256 hash of
its text: whoever reads the database cannot use the tokens in it. A token is random enough
(256 bits) that a plain hash, not a slow password hash, is the right tool. It works for as
long as it is not revoked and its owner's account is active.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from booking.accounts.models import AccessToken, Person
from booking.audit.services import record
from booking.timezones import now as clock_now

TOKEN_PREFIX = "ss_"
"""Every token starts with this, so secret scanners and people can recognise one."""
PREFIX_LENGTH = 10
"""How many of a token's first characters are kept in clear, to tell tokens apart."""
NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""`last_used_at` is written at most this often, so busy integrations do not write on every call."""
_LONGEST_TOKEN = 100


class TokenError(ValueError):
    """A token request that breaks a rule; `field` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class NewToken:
    """A token just made, with its text: the only moment the text is known."""

    token: AccessToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def active_tokens(session: Session, person: Person) -> list[AccessToken]:
    """The person's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(AccessToken)
            .where(AccessToken.person_id == person.id, AccessToken.revoked_at.is_(None))
            .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        )
    )


def create_token(
    session: Session,
    person: Person,
    name: str,
    *,
    actor: Person | None = None,
    now: datetime | None = None,
) -> NewToken:
    """A new token for `person`, named so they can tell what uses it."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("Enter a name for the token", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(f"Name must be {NAME_MAX_LENGTH} characters or fewer", "name")
    if len(active_tokens(session, person)) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"You can have up to {MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use first",
            "name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        person=person,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_at=now or clock_now(),
    )
    session.add(token)
    session.flush()
    record(session, actor or person, "access_token.create", token, f"Created API token {name}")
    return NewToken(token, secret)


def token_of(session: Session, person: Person, token_id: int) -> AccessToken | None:
    """One of `person`'s own tokens that still works, or None."""
    return session.scalar(
        select(AccessToken).where(
            AccessToken.id == token_id,
            AccessToken.person_id == person.id,
            AccessToken.revoked_at.is_(None),
        )
    )


def revoke_token(
    session: Session, actor: Person, token: AccessToken, *, now: datetime | None = None
) -> None:
    """Stop `token` working, at once and for good."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now or clock_now()
    session.flush()
    record(session, actor, "access_token.revoke", token, f"Revoked API token {token.name}")


def authenticate(session: Session, secret: str) -> AccessToken | None:
    """The working token whose text is `secret`, with its active owner loaded; None otherwise.

    One statement: the owner's role grants are read only when a permission check needs them
    (most API calls make none), since every call pays for this lookup.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > _LONGEST_TOKEN:
        return None
    token = session.scalar(
        select(AccessToken)
        .where(AccessToken.token_hash == hash_token(secret), AccessToken.revoked_at.is_(None))
        .options(joinedload(AccessToken.person))
    )
    if token is None or not token.person.is_active:
        return None
    return token


def needs_use_recorded(token: AccessToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION


def record_use(session: Session, token_id: int, now: datetime) -> None:
    """Set the token's `last_used_at` to `now`, unless it was set less than a minute ago.

    One conditional UPDATE, so concurrent requests with the same token write it once.
    """
    session.execute(
        update(AccessToken)
        .where(
            AccessToken.id == token_id,
            or_(
                AccessToken.last_used_at.is_(None),
                AccessToken.last_used_at <= now - LAST_USED_RESOLUTION,
            ),
        )
        .values(last_used_at=now)
    )
