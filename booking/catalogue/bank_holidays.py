"""England and Wales bank holidays, kept in the `bank_holiday` table.

The dates come from the `govuk-bank-holidays` package's bundled copy of
https://www.gov.uk/bank-holidays.json, never from the network: the app must start and the tests
must run offline, and a new package release is how the list is kept up to date.
"""

from __future__ import annotations

from datetime import date

from govuk_bank_holidays.bank_holidays import BankHolidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.catalogue.models import BankHoliday


def bundled_bank_holidays() -> dict[date, str]:
    """Every England and Wales bank holiday the installed package knows, with its title."""
    source = BankHolidays(use_cached_holidays=True)
    return {
        holiday["date"]: holiday["title"]
        for holiday in source.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    }


def sync_bank_holidays(session: Session, holidays: dict[date, str] | None = None) -> int:
    """Add missing bank holidays and correct changed titles; return how many rows changed.

    Running it again changes nothing and returns 0. Days no longer in the source are kept: they
    are history, and bookings and reports may already refer to them.
    """
    wanted = bundled_bank_holidays() if holidays is None else holidays
    known = {row.day: row for row in session.scalars(select(BankHoliday))}
    changed = 0
    for day, title in sorted(wanted.items()):
        row = known.get(day)
        if row is None:
            session.add(BankHoliday(day=day, title=title))
            changed += 1
        elif row.title != title:
            row.title = title
            changed += 1
    session.flush()
    return changed


def bank_holidays_between(session: Session, start: date, end: date) -> dict[date, str]:
    """The bank holidays from `start` to `end`, both days included, in date order."""
    rows = session.execute(
        select(BankHoliday.day, BankHoliday.title)
        .where(BankHoliday.day >= start, BankHoliday.day <= end)
        .order_by(BankHoliday.day)
    )
    return {day: title for day, title in rows}
