"""The database: declarative base, engine, and the one transaction per request or command.

Services receive a `Session` and only ever `flush()`; the transaction is committed (or rolled
back) in exactly one place: `finish_request` after each request, `transaction()` around each CLI
command. Mail is written to the outbox in the same transaction (booking.mail), so it is sent if
and only if the change that caused it commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import (
    DateTime,
    Dialect,
    Engine,
    MetaData,
    create_engine,
    event,
    exists,
    inspect,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned time-zone aware.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so values are stored as naive UTC
    and given back their UTC zone on the way out. Naive datetimes are refused on the way in:
    a local time must be converted (see `booking.timezones`) before it reaches the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; convert local times first")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def tables_referring_to(
    db_session: Session, thing: Base, *, ignore: Collection[str] = ()
) -> list[str]:
    """The names of the tables holding at least one row that points at `thing` by foreign key.

    Found from the metadata, so a table added later (bookings, say) protects what it refers to
    without anyone listing it. `ignore` names tables holding the thing's own parts, which go
    with it when it is deleted. Deleting never destroys history: callers deactivate instead
    when this is not empty.
    """
    target = type(thing).__table__
    [key_value] = inspect(thing).identity or (None,)
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in ignore:
            continue
        for key in table.foreign_keys:
            if key.column.table is target and db_session.scalar(
                select(exists().where(key.parent == key_value))
            ):
                found.append(table.name)
                break
    return found


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and real transactions."""
    if url.startswith("sqlite"):
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("timeout", 30)
        # The pool hands a connection to one thread at a time; the driver need not police it.
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    """SQLAlchemy's documented pysqlite recipe: let SQLAlchemy, not the driver, emit BEGIN.

    The driver otherwise starts the transaction lazily at the first write, so a read-then-write
    check is not isolated and SAVEPOINTs misbehave.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "BEGIN")
        connection.exec_driver_sql(mode)


def sessionmakers(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """Session factories for reading and for writing.

    On SQLite a writing transaction starts with `BEGIN IMMEDIATE`, taking the write lock before
    its first read, so that a check-then-insert (is this desk free? then book it) cannot
    interleave with another writer's. PostgreSQL ignores the option: its constraints decide.
    """
    reads = sessionmaker(engine, expire_on_commit=False)
    writes = sessionmaker(
        engine.execution_options(sqlite_begin="BEGIN IMMEDIATE"), expire_on_commit=False
    )
    return reads, writes


def init_app(app: Flask, session_factory: sessionmaker[Session] | None = None) -> None:
    """Create the engine and session factories (tests may pass their own factory)."""
    if session_factory is None:
        reads, writes = sessionmakers(make_engine(app.config["DATABASE_URL"]))
    else:
        reads = writes = session_factory
    app.extensions["booking.sessions"] = reads
    app.extensions["booking.write_sessions"] = writes
    app.after_request(finish_request)
    app.teardown_appcontext(close_session)


def session() -> Session:
    """The current request's (or command's) session, opened on first use.

    Requests that may change data (anything but GET, HEAD and OPTIONS) and CLI commands get a
    writing session (see `sessionmakers`).
    """
    if "db_session" not in g:
        reading = has_request_context() and request.method in {"GET", "HEAD", "OPTIONS"}
        kind = "booking.sessions" if reading else "booking.write_sessions"
        factory: sessionmaker[Session] = current_app.extensions[kind]
        g.db_session = factory()
    db_session: Session = g.db_session
    return db_session


def finish_request(response: Response) -> Response:
    """Commit the request's work if it succeeded; throw it away otherwise."""
    db_session: Session | None = g.get("db_session")
    if db_session is not None:
        if response.status_code < 400:
            db_session.commit()
        else:
            db_session.rollback()
    return response


def close_session(_exc: BaseException | None = None) -> None:
    db_session: Session | None = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction for a CLI command: commit when the block succeeds, roll back otherwise."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
    finally:
        close_session()
