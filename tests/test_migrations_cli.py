"""`flask db upgrade/current/downgrade` and plain `alembic upgrade head` act on DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, make_url, text

from booking import ROOT, create_app
from booking.db import make_engine
from booking.models import Base


@pytest.fixture
def scratch_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as `engine`."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"booking_scratch_{uuid.uuid4().hex[:10]}"
    admin = make_engine(engine.url.render_as_string(False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(engine.url.render_as_string(False)).set(database=name).render_as_string(False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_flask_db_commands_migrate_up_and_down(
    scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": scratch_url, "SECRET_KEY": "x", "TESTING": True})
    runner = app.test_cli_runner()

    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert set(Base.metadata.tables) <= _tables(scratch_url)

    current = runner.invoke(args=["db", "current"])
    assert current.exit_code == 0

    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert _tables(scratch_url) <= {"alembic_version"}


def test_plain_alembic_upgrade_uses_the_same_database_url(scratch_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": scratch_url, "INSTANCE_PATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert set(Base.metadata.tables) <= _tables(scratch_url)
