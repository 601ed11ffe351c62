"""Report periods: weeks, months, quarters and chosen dates in Europe/London, and the one before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.reports.period import Period, PeriodError, PeriodKind


@pytest.mark.parametrize(
    ("kind", "day", "first", "last", "label", "slug"),
    [
        (
            PeriodKind.WEEK,
            date(2026, 10, 28),
            date(2026, 10, 26),
            date(2026, 11, 1),
            "Week of 26 October 2026",
            "2026-w44",
        ),
        (
            PeriodKind.MONTH,
            date(2026, 2, 14),
            date(2026, 2, 1),
            date(2026, 2, 28),
            "February 2026",
            "2026-02",
        ),
        (
            PeriodKind.QUARTER,
            date(2026, 11, 25),
            date(2026, 10, 1),
            date(2026, 12, 31),
            "October to December 2026",
            "2026-q4",
        ),
    ],
)
def test_a_period_contains_the_day_given(
    kind: PeriodKind, day: date, first: date, last: date, label: str, slug: str
) -> None:
    period = Period.containing(kind, day)

    assert (period.first, period.last, period.label, period.slug) == (first, last, label, slug)


def test_the_period_before_is_of_the_same_kind() -> None:
    assert Period.containing(PeriodKind.MONTH, date(2026, 3, 10)).previous() == Period(
        PeriodKind.MONTH, date(2026, 2, 1), date(2026, 2, 28)
    )
    assert Period.containing(PeriodKind.QUARTER, date(2026, 2, 1)).previous().first == date(
        2025, 10, 1
    )
    chosen = Period.between(date(2026, 10, 10), date(2026, 10, 16))
    assert chosen.previous() == Period(PeriodKind.CUSTOM, date(2026, 10, 3), date(2026, 10, 9))
    assert chosen.slug == "2026-10-10-to-2026-10-16"


def test_a_period_runs_from_local_midnight_to_local_midnight_in_real_hours() -> None:
    october = Period.containing(PeriodKind.MONTH, date(2026, 10, 1))
    march = Period.containing(PeriodKind.MONTH, date(2026, 3, 1))

    assert october.starts_at == datetime(2026, 9, 30, 23, tzinfo=UTC)
    assert october.ends_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert october.hours == 31 * 24 + 1
    assert march.hours == 31 * 24 - 1


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        (date(2026, 10, 2), date(2026, 10, 1), "to", "after the start date"),
        (date(2026, 1, 1), date(2027, 1, 2), "to", "a year (366 days) or less"),
        (date(1999, 12, 31), date(2000, 1, 1), "from", "between 2000 and 2099"),
    ],
)
def test_chosen_dates_must_make_a_period(first: date, last: date, field: str, message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        Period.between(first, last)

    assert raised.value.field == field and message in raised.value.message
    assert Period.between(date(2028, 1, 1), date(2028, 12, 31)).days == 366
