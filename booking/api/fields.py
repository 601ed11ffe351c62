"""Fields for times and text as the API reads and writes them.

Times go out as ISO 8601 with the Europe/London offset of the moment ("2026-10-25T01:30:00+01:00")
and come in either with an offset (any offset; "Z" for UTC) or without one, meaning
Europe/London wall-clock time. A wall-clock time skipped when the clocks go forward is refused;
one that happens twice when they go back is the first of the two (British Summer Time), as
everywhere in the app (`booking.timezones.local_to_utc`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import marshmallow as ma

from booking.timezones import NonexistentLocalTime, local_to_utc, to_local

EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
"""Times outside these years are refused before they reach date arithmetic or the database."""

DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
TIME_PATTERN = r"^\d{2}:\d{2}$"
SLUG_PATTERN = r"^[a-z0-9-]{1,60}$"
MAX_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL integer)."""


def check_text(value: str) -> None:
    """Refuse text no database can store: NUL characters and unpaired surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ma.ValidationError("Enter text without invalid characters.") from None
    if "\x00" in value:
        raise ma.ValidationError("Enter text without invalid characters.")


class Text(ma.fields.String):
    """A string that can be stored: no NUL characters, no unpaired surrogates."""

    def __init__(self, **kwargs: Any) -> None:
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        super().__init__(validate=[check_text, *validators], **kwargs)


def _in_range(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


class Instant(ma.fields.Field[datetime]):
    """An instant written as ISO 8601 with the Europe/London offset of that moment."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "date-time", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, dump_only=True, **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else to_local(value).isoformat()


class LondonDateTime(ma.fields.Field[datetime]):
    """An instant, read with an offset or as Europe/London wall-clock time; always UTC inside."""

    default_error_messages = {  # noqa: RUF012  (marshmallow's own convention)
        "invalid": "Enter a date and time like 2026-03-02T09:30 or 2026-03-02T09:30:00+00:00.",
        "range": f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "type": "string",
            "pattern": DATETIME_PATTERN,
            "description": "ISO 8601, with an offset, or without one for Europe/London time",
            "examples": ["2026-03-02T09:30", "2026-03-02T09:30:00+00:00"],
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not re.match(DATETIME_PATTERN, value):
            raise self.make_error("invalid")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if not _in_range(parsed.date()):
            raise self.make_error("range")
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
        try:
            return local_to_utc(parsed.date(), parsed.time())
        except NonexistentLocalTime as error:
            raise ma.ValidationError(str(error)) from None


class LocalTime(ma.fields.Field[time]):
    """A Europe/London wall-clock time of day, "HH:MM"."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "Enter a time like 09:30.",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "type": "string",
            "pattern": TIME_PATTERN,
            "examples": ["09:30"],
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        if not isinstance(value, str) or not re.match(TIME_PATTERN, value):
            raise self.make_error("invalid")
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


class Day(ma.fields.Date):
    """A calendar date within the years the app can book."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not _in_range(day):
            raise ma.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
        return day


def identifier(**kwargs: Any) -> ma.fields.Integer:
    """A row id: a positive integer that fits the database's column."""
    return ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)
