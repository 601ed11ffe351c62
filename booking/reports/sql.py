"""SQL that reads the same on SQLite and PostgreSQL: instants as whole seconds, and the Europe/London
calendar, so that reports add up in the database and give the same numbers on both.

Every report measure works on instants as integer seconds since 1970 (UTC), so sums are exact
and identical on both databases (no floating-point day fractions). PostgreSQL does the time-zone
arithmetic itself (`AT TIME ZONE 'Europe/London'`); SQLite has no time zones, so `prepare()`
registers deterministic functions on its connection that call `booking.timezones`, the one
place that knows the rules. Each construct here compiles to the one or the other.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from booking.timezones import LONDON, wall_clock_to_utc

ZONE = "'Europe/London'"


class epoch(FunctionElement[int]):
    """An instant (a UTC timestamp column) as whole seconds since 1970."""

    type = BigInteger()
    inherit_cache = True


class wall_clock_epoch(FunctionElement[int]):
    """A Europe/London wall-clock time on a day, as seconds since 1970: opening hours.

    The same instant as `booking.timezones.wall_clock_to_utc`: a time the clocks skip is read
    as if they had not gone forward yet, and one that happens twice is the first (BST).
    """

    type = BigInteger()
    inherit_cache = True


class london_date(FunctionElement[date]):
    """The Europe/London calendar day of an instant given in seconds since 1970."""

    type = Date()
    inherit_cache = True


class london_weekday(FunctionElement[int]):
    """The Europe/London weekday (Monday = 0) of an instant given in seconds since 1970."""

    type = Integer()
    inherit_cache = True


class london_hour(FunctionElement[int]):
    """The Europe/London hour (0-23) of an instant given in seconds since 1970."""

    type = Integer()
    inherit_cache = True


class add_days(FunctionElement[date]):
    """A date plus a whole number of days."""

    type = Date()
    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(argument, **kw) for argument in element.clauses]


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # date_part's double is exact for whole seconds at today's magnitudes, and several times
    # quicker than EXTRACT's numeric.
    [moment] = _arguments(element, compiler, **kw)
    return f"CAST(FLOOR(date_part('epoch', {moment})) AS BIGINT)"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    [moment] = _arguments(element, compiler, **kw)
    return f"unixepoch({moment})"


@compiles(wall_clock_epoch, "postgresql")
def _wall_clock_postgresql(element: wall_clock_epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL reads a repeated wall-clock time as the second occurrence (GMT); an hour
    # earlier is the first (BST) when that too reads back as the same wall-clock time.
    day, at = _arguments(element, compiler, **kw)
    local = f"({day} + {at})"
    later = f"({local} AT TIME ZONE {ZONE})"
    earlier = f"({later} - INTERVAL '1 hour')"
    instant = f"CASE WHEN ({earlier} AT TIME ZONE {ZONE}) = {local} THEN {earlier} ELSE {later} END"
    return f"CAST(EXTRACT(EPOCH FROM {instant}) AS BIGINT)"


@compiles(wall_clock_epoch, "sqlite")
def _wall_clock_sqlite(element: wall_clock_epoch, compiler: SQLCompiler, **kw: Any) -> str:
    day, at = _arguments(element, compiler, **kw)
    return f"report_wall_clock_epoch({day}, {at})"


def _local_postgresql(seconds: str) -> str:
    return f"(to_timestamp({seconds}) AT TIME ZONE {ZONE})"


@compiles(london_date, "postgresql")
def _date_postgresql(element: london_date, compiler: SQLCompiler, **kw: Any) -> str:
    [seconds] = _arguments(element, compiler, **kw)
    return f"CAST({_local_postgresql(seconds)} AS DATE)"


@compiles(london_weekday, "postgresql")
def _weekday_postgresql(element: london_weekday, compiler: SQLCompiler, **kw: Any) -> str:
    [seconds] = _arguments(element, compiler, **kw)
    return f"(CAST(EXTRACT(ISODOW FROM {_local_postgresql(seconds)}) AS INTEGER) - 1)"


@compiles(london_hour, "postgresql")
def _hour_postgresql(element: london_hour, compiler: SQLCompiler, **kw: Any) -> str:
    [seconds] = _arguments(element, compiler, **kw)
    return f"CAST(EXTRACT(HOUR FROM {_local_postgresql(seconds)}) AS INTEGER)"


@compiles(london_date, "sqlite")
@compiles(london_weekday, "sqlite")
@compiles(london_hour, "sqlite")
def _local_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    [seconds] = _arguments(element, compiler, **kw)
    return f"report_{type(element).__name__}({seconds})"


@compiles(add_days, "postgresql")
def _add_days_postgresql(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, count = _arguments(element, compiler, **kw)
    return f"(CAST({day} AS DATE) + CAST({count} AS INTEGER))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, count = _arguments(element, compiler, **kw)
    return f"date({day}, '+' || ({count}) || ' days')"


class later(FunctionElement[Any]):
    """The greatest of its arguments, of the first one's type. None may be NULL: GREATEST on
    PostgreSQL skips NULLs where SQLite's max() returns NULL. (Timestamps compare as they
    should on SQLite too: SQLAlchemy stores them all in one sortable text format.)"""

    inherit_cache = True

    def __init__(self, *arguments: Any) -> None:
        super().__init__(*arguments)
        self.type = self.clauses.clauses[0].type


class earlier(later):
    """The least of its arguments, of the first one's type. None may be NULL."""

    inherit_cache = True


@compiles(later, "postgresql")
def _later_postgresql(element: later, compiler: SQLCompiler, **kw: Any) -> str:
    return f"GREATEST({', '.join(_arguments(element, compiler, **kw))})"


@compiles(earlier, "postgresql")
def _earlier_postgresql(element: earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return f"LEAST({', '.join(_arguments(element, compiler, **kw))})"


@compiles(later, "sqlite")
def _later_sqlite(element: later, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({', '.join(_arguments(element, compiler, **kw))})"


@compiles(earlier, "sqlite")
def _earlier_sqlite(element: earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({', '.join(_arguments(element, compiler, **kw))})"


# SQLite's side: deterministic functions over the text SQLAlchemy stores.


@lru_cache(maxsize=4096)
def _wall_clock(day: str, at: str) -> int:
    """(Cached: a period has a few dozen days, and buildings open at a few times.)"""
    return int(wall_clock_to_utc(date.fromisoformat(day), time.fromisoformat(at)).timestamp())


def _local(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone(LONDON)


def _sqlite_date(seconds: int) -> str:
    return _local(seconds).date().isoformat()


def _sqlite_weekday(seconds: int) -> int:
    return _local(seconds).weekday()


def _sqlite_hour(seconds: int) -> int:
    return _local(seconds).hour


_SQLITE_FUNCTIONS = (
    ("report_wall_clock_epoch", 2, _wall_clock),
    ("report_london_date", 1, _sqlite_date),
    ("report_london_weekday", 1, _sqlite_weekday),
    ("report_london_hour", 1, _sqlite_hour),
)


def prepare(session: Session) -> None:
    """Make the session's connection ready for report SQL (SQLite: register the functions).

    Registering again is harmless, so this is called before every report rather than relying
    on the order in which connections and the reports module came to be.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    for name, arguments, function in _SQLITE_FUNCTIONS:
        raw.create_function(name, arguments, function, deterministic=True)
