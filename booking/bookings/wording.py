"""How a booking's time reads on a page: "Tuesday 3 March 2026, 9am to 5pm", in UK time."""

from __future__ import annotations

from datetime import datetime

from booking.templating import format_datetime, format_time
from booking.timezones import to_local


def period(starts_at: datetime, ends_at: datetime) -> str:
    """The interval [starts_at, ends_at) in words; the day is said again only if it changes."""
    start, end = to_local(starts_at), to_local(ends_at)
    if start.date() == end.date():
        return f"{format_datetime(starts_at)} to {format_time(end.time())}"
    return f"{format_datetime(starts_at)} to {format_datetime(ends_at)}"
