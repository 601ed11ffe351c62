"""Password hashing with argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane).

werkzeug's default scrypt settings are below the OWASP recommendation, hence argon2-cffi.
Tests use the library's cheapest profile through `PASSWORD_HASHING=fast`.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_OWASP = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


@cache
def _fast() -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST)


def _hasher() -> PasswordHasher:
    return _fast() if current_app.config.get("PASSWORD_HASHING") == "fast" else _OWASP


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing hash still costs a hash, so timing tells nothing."""
    hasher = _hasher()
    if not password_hash:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
