"""England and Wales bank holidays, loaded from the govuk-bank-holidays package's bundled data."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.catalogue.bank_holidays import (
    bank_holidays_between,
    bundled_bank_holidays,
    sync_bank_holidays,
)
from booking.catalogue.models import BankHoliday


def test_the_bundled_data_holds_england_and_wales_bank_holidays() -> None:
    holidays = bundled_bank_holidays()

    assert holidays[date(2026, 12, 25)] == "Christmas Day"
    assert holidays[date(2026, 8, 31)] == "Summer bank holiday"
    assert date(2026, 8, 3) not in holidays  # Scotland's summer bank holiday


def test_syncing_adds_missing_days_and_corrects_titles_without_duplicating(
    db_session: Session,
) -> None:
    db_session.add(BankHoliday(day=date(2026, 12, 25), title="Xmas"))
    db_session.flush()

    changed = sync_bank_holidays(
        db_session, {date(2026, 12, 25): "Christmas Day", date(2026, 12, 28): "Boxing Day"}
    )

    assert changed == 2
    assert bank_holidays_between(db_session, date(2026, 12, 1), date(2026, 12, 31)) == {
        date(2026, 12, 25): "Christmas Day",
        date(2026, 12, 28): "Boxing Day",
    }


def test_syncing_twice_changes_nothing_the_second_time(db_session: Session) -> None:
    first = sync_bank_holidays(db_session)
    second = sync_bank_holidays(db_session)

    assert first == len(bundled_bank_holidays()) > 100
    assert second == 0
    assert db_session.scalar(select(func.count()).select_from(BankHoliday)) == first


def test_bank_holidays_between_includes_both_ends(db_session: Session) -> None:
    sync_bank_holidays(db_session)

    assert bank_holidays_between(db_session, date(2026, 12, 25), date(2026, 12, 28)) == {
        date(2026, 12, 25): "Christmas Day",
        date(2026, 12, 28): "Boxing Day",
    }
    assert bank_holidays_between(db_session, date(2026, 12, 26), date(2026, 12, 27)) == {}


def test_the_sync_command_reports_what_it_loaded_and_can_run_again(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    first = runner.invoke(args=["sync-bank-holidays"])
    second = runner.invoke(args=["sync-bank-holidays"])

    assert first.exit_code == 0, first.output
    assert f"Loaded {len(bundled_bank_holidays())} bank holidays" in first.output
    assert second.exit_code == 0
    assert "Bank holidays are already up to date." in second.output
    assert db_session.get(BankHoliday, date(2026, 12, 25)) is not None
