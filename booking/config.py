"""Configuration from environment variables, with safe development defaults.

Every setting the app reads is listed here once. `load_config` is called by the
application factory; nothing is read from the environment at import time.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable app (for example, no SECRET_KEY in production)."""


@dataclass(frozen=True)
class Environment:
    values: dict[str, str]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default).strip() or default

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.values.get(name, "").strip().lower()
        if not raw:
            return default
        return raw in {"1", "true", "yes", "on"}

    def integer(self, name: str, default: int) -> int:
        raw = self.get(name)
        return int(raw) if raw else default


def _secret_key(env: Environment, instance_path: Path, production: bool) -> str:
    """The SECRET_KEY from the environment, or in development one generated once into instance/."""
    key = env.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigurationError(
            "SECRET_KEY must be set when BOOKING_ENV=production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = Environment(dict(os.environ if environ is None else environ))
    instance = Path(instance_path)
    production = env.get("BOOKING_ENV", "development") == PRODUCTION
    default_database = f"sqlite:///{instance / 'booking.db'}"
    cookie_prefix = "__Host-" if production else ""
    base_url = env.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "BOOKING_ENV": env.get("BOOKING_ENV", "development"),
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(env, instance, production),
        "DATABASE_URL": env.get("DATABASE_URL", default_database),
        "BASE_URL": base_url,
        # The domain in every calendar event's UID. It must never change once invites have gone
        # out: calendars would take every booking for a new event and keep the old ones.
        "CALENDAR_UID_DOMAIN": env.get(
            "CALENDAR_UID_DOMAIN", urlsplit(base_url).hostname or "localhost"
        ),
        "DISPLAY_TIME_ZONE": "Europe/London",
        # Sessions: bounded, HttpOnly, SameSite=Lax; Secure and __Host- prefixed in production.
        "SESSION_COOKIE_NAME": f"{cookie_prefix}session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=env.integer("SESSION_HOURS", 12)),
        "REMEMBER_COOKIE_NAME": f"{cookie_prefix}remember_token",
        "REMEMBER_COOKIE_DURATION": timedelta(days=env.integer("REMEMBER_DAYS", 30)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "HSTS": production or env.flag("HSTS"),
        # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted.
        "PROXY_COUNT": env.integer("PROXY_COUNT", 0),
        # CSRF tokens live as long as the session: phone users leave forms open for hours.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        # Flask-Limiter: Redis when several workers or machines must share the counts.
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "SIGN_IN_LIMIT": env.get("SIGN_IN_LIMIT", "10 per 5 minutes"),
        # Mail: SMTP when MAIL_SMTP_HOST is set, otherwise .eml files in instance/mail/.
        "MAIL_FROM": env.get("MAIL_FROM", "Shared Spaces <bookings@sharedspaces.example>"),
        "MAIL_SMTP_HOST": env.get("MAIL_SMTP_HOST"),
        "MAIL_SMTP_PORT": env.integer("MAIL_SMTP_PORT", 587),
        "MAIL_SMTP_USERNAME": env.get("MAIL_SMTP_USERNAME"),
        "MAIL_SMTP_PASSWORD": env.get("MAIL_SMTP_PASSWORD"),
        "MAIL_SMTP_STARTTLS": env.flag("MAIL_SMTP_STARTTLS", default=True),
        "MAIL_DIRECTORY": env.get("MAIL_DIRECTORY", str(instance / "mail")),
        # The sender (flask send-mail) retries a failed message with back-off, then gives up.
        "MAIL_MAX_ATTEMPTS": env.integer("MAIL_MAX_ATTEMPTS", 10),
        # Links in emails.
        "VERIFY_LINK_HOURS": env.integer("VERIFY_LINK_HOURS", 72),
        "RESET_LINK_MINUTES": env.integer("RESET_LINK_MINUTES", 60),
        # Password hashing profile: "owasp" (argon2id, 19 MiB, t=2) or "fast" for tests only.
        "PASSWORD_HASHING": env.get("PASSWORD_HASHING", "owasp"),
        # CSV import limits.
        "MAX_CONTENT_LENGTH": env.integer("MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        "CSV_IMPORT_MAX_ROWS": env.integer("CSV_IMPORT_MAX_ROWS", 5000),
    }
