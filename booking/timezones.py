"""The one place that knows about time zones: stored in UTC, shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

LONDON = ZoneInfo("Europe/London")


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (e.g. 01:30 on 29 March 2026)."""


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Europe/London wall-clock time.

    A time that does not exist (the spring-forward hour) raises `NonexistentLocalTime`. A time
    that happens twice (the autumn repeated hour) resolves to the *first* occurrence, British
    Summer Time (fold=0), everywhere in the app.
    """
    # fold=0 asks for the first occurrence even of a time read off a moment in the second one
    # (`to_local(...).time()` carries fold=1 there).
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{at:%H:%M} on {day:%-d %B %Y} does not exist in the UK: "
            "the clocks go forward an hour that night."
        )
    return as_utc


def wall_clock_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a time kept by the wall clock whatever the clocks do: opening hours.

    Like `local_to_utc`, except that a time in the spring-forward hour is not refused (a
    building that opens at 1:30am still opens that night) but read as if the clocks had not yet
    gone forward: 01:30 becomes 01:30 GMT, that is 2:30am BST - as long after midnight as on
    any other night. Times people enter go through `local_to_utc`, which refuses them.
    """
    try:
        return local_to_utc(day, at)
    except NonexistentLocalTime:
        local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON)
        return local.astimezone(UTC)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a Europe/London calendar day starts and ends."""
    return local_to_utc(day, time(0)), local_to_utc(day + timedelta(days=1), time(0))


def now() -> datetime:
    """The current instant in UTC: the one clock of the app.

    Tests inject a clock by setting `CLOCK` (a callable returning an aware datetime) in the app
    config, instead of patching time: freezegun loses the `fold` of the autumn repeated hour.
    """
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else datetime.now(UTC)


def today(moment: datetime | None = None) -> date:
    """The Europe/London calendar day of `moment` (default: now)."""
    return to_local(moment or now()).date()
