"""Shared fixtures: every test that uses the database runs on SQLite *and* PostgreSQL.

The schema comes from the Alembic migrations, built once per database per test run. Each test
runs inside a transaction that is rolled back at the end; the app's sessions join it through
savepoints, so a request's commit is real to the app but invisible to the next test.
"""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Connection, Engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from booking import create_app, migrate
from booking.accounts.models import Person
from booking.db import make_engine
from booking.extensions import limiter
from booking.mail.sender import deliver_due
from tests.factories import Factory

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_postgres_unavailable: list[str] = []


def _create_postgres_database() -> tuple[Engine, Callable[[], None]]:
    """A fresh database for this test run (and this xdist worker), dropped afterwards."""
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"booking_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))

    def drop() -> None:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The database engine, migrated to the newest revision, for each database in turn."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.db"
        engine = make_engine(f"sqlite:///{path}")
        drop: Callable[[], None] = engine.dispose
    else:
        try:
            engine, drop = _create_postgres_database()
        except Exception as error:  # any failure to reach the server
            if os.environ.get("CI") == "true":
                pytest.fail(f"PostgreSQL is required in CI but unavailable: {error}")
            if not _postgres_unavailable:
                _postgres_unavailable.append(str(error).splitlines()[0])
            pytest.skip("PostgreSQL is not running here: its half of the suite is skipped")
    with engine.connect() as connection:
        migrate.upgrade(engine.url.render_as_string(False), connection=connection)
        connection.commit()
    yield engine
    drop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _postgres_unavailable:
        terminalreporter.write_sep(
            "!", "NOTICE: PostgreSQL unavailable, PostgreSQL tests SKIPPED", red=True, bold=True
        )
        terminalreporter.write_line(f"  {_postgres_unavailable[0]}")
        terminalreporter.write_line(
            "  Start it with: pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start"
        )


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test, inside a transaction rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """The test's own session, for arranging data and checking results."""
    with session_factory() as session:
        yield session


@pytest.fixture
def factory(db_session: Session) -> Factory:
    return Factory(db_session)


@pytest.fixture
def app_config(tmp_path: Path, session_factory: sessionmaker[Session]) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DB_SESSION_FACTORY": session_factory,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASHING": "fast",
        "MAIL_DIRECTORY": str(tmp_path / "mail"),
        "MAIL_SMTP_HOST": "",
        "BASE_URL": "http://localhost",
        "SERVER_NAME": "localhost",
    }


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept across the many apps a test run creates (saves ~0.2 s a test)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _SharedBytecodeCache()


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The `app` fixture keeps an app context pushed for the test's own code; without this, requests
    would share its `g` (and so a database session and Flask-Login's cached user).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    limiter.reset()
    with app.app_context():
        yield app


@pytest.fixture
def in_app(app: Flask) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a thread's target to run in an app context of its own (a thread starts without
    one): what the booking service needs to build the calendar invites it sends."""

    def wrap(target: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any) -> None:
            with app.app_context():
                target(*args)

        return run

    return wrap


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[Person], FlaskClient]:
    """Sign `person` in on the test client without going through the sign-in form."""

    def sign_in(person: Person) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return client

    return sign_in


@pytest.fixture
def mailbox(app: Flask) -> Callable[[], list[EmailMessage]]:
    """The messages the app has sent so far, oldest first, parsed as a mail client would.

    Mail waits in the outbox until the sender runs, so it runs here first (as `flask send-mail`
    would), delivering whatever is due by the app's clock.
    """

    def read() -> list[EmailMessage]:
        deliver_due()
        directory = Path(app.config["MAIL_DIRECTORY"])
        if not directory.exists():
            return []
        parser = BytesParser(policy=policy.default)
        return [
            parser.parsebytes(path.read_bytes())  # type: ignore[misc]
            for path in sorted(directory.glob("*.eml"))
        ]

    return read


@pytest.fixture
def count_queries(connection: Connection) -> Callable[[], Any]:
    """A context manager counting the SQL statements run on the test's connection."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(connection, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(connection, "before_cursor_execute", before)

    return counting
