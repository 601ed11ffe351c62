"""Configuration comes from the environment, with safe development defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.config import ConfigurationError, load_config


def test_development_generates_a_secret_key_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = load_config(str(tmp_path), {})
    second = load_config(str(tmp_path), {})
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"BOOKING_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure_and_host_prefixed(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {"BOOKING_ENV": "production", "SECRET_KEY": "s" * 64})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["HSTS"]


def test_the_database_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    assert load_config(str(tmp_path), {})["DATABASE_URL"] == f"sqlite:///{tmp_path}/booking.db"
    url = "postgresql+psycopg://app@db/booking"
    assert load_config(str(tmp_path), {"DATABASE_URL": url})["DATABASE_URL"] == url


def test_redis_is_the_throttling_store_when_configured(tmp_path: Path) -> None:
    assert load_config(str(tmp_path), {})["RATELIMIT_STORAGE_URI"] == "memory://"
    config = load_config(str(tmp_path), {"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_sessions_have_a_bounded_lifetime_and_csrf_tokens_live_as_long(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {})
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600
    assert config["WTF_CSRF_TIME_LIMIT"] is None


def test_calendar_uids_take_their_domain_from_the_base_url_unless_set(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {"BASE_URL": "https://bookings.stockport.example/"})
    assert config["CALENDAR_UID_DOMAIN"] == "bookings.stockport.example"
    config = load_config(
        str(tmp_path),
        {"BASE_URL": "https://new.example", "CALENDAR_UID_DOMAIN": "bookings.stockport.example"},
    )
    assert config["CALENDAR_UID_DOMAIN"] == "bookings.stockport.example"
