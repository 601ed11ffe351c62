"""With REDIS_URL set, every gunicorn worker (and machine) shares the sign-in throttle."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask

from booking import create_app
from booking.extensions import limiter
from tests.factories import PASSWORD, Factory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_config(app_config: dict[str, Any]) -> dict[str, Any]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI but unavailable: {error}")
        pytest.skip("Redis is not running here")
    return {
        **app_config,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }


@pytest.fixture
def worker(redis_config: dict[str, Any]) -> Callable[[], Flask]:
    """A new app, as a separate gunicorn worker would have, with its own limiter storage."""

    def start() -> Flask:
        app = create_app(redis_config)
        return app

    return start


def test_failed_sign_ins_counted_by_one_worker_throttle_another(
    worker: Callable[[], Flask], factory: Factory
) -> None:
    factory.person("sam@council.example")
    first = worker()
    for n in range(10):
        response = first.test_client().post(
            "/sign-in",
            data={"email": "sam@council.example", "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == 422
    second = worker()  # re-initialises the limiter: in-memory counts would be gone now
    response = second.test_client().post(
        "/sign-in",
        data={"email": "sam@council.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429
    limiter.reset()
