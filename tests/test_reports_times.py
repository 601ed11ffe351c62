"""Peak times (weekday x hour) and the day-by-day trend, in UK hours across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from booking.catalogue.models import SpaceKind
from booking.reports.filters import ReportQuery
from booking.reports.period import Period, PeriodKind
from booking.reports.scope import Scope
from booking.reports.times import Slot, times
from booking.timezones import local_to_utc
from tests.factories import Factory

EVERYTHING = Scope(True, frozenset(), frozenset())
NOW = datetime(2030, 2, 1, tzinfo=UTC)
HOUR, HALF = 3600, 1800
SUNDAY, NIGHT_HOURS = 6, {6: (time(0, 30), time(3, 30))}


def uk(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute))


def test_each_hour_shows_what_was_open_booked_and_checked_in(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    tuesday = date(2030, 1, 8)
    factory.booking(
        desk,
        starts_at=uk(tuesday, 10, 30),
        ends_at=uk(tuesday, 12),
        checked_in_at=uk(tuesday, 11),
    )
    query = ReportQuery(EVERYTHING, Period.containing(PeriodKind.WEEK, tuesday))

    found = times(db_session, query, NOW)

    assert found.hours == list(range(9, 17))
    assert set(found.peak) == {(weekday, hour) for weekday in range(5) for hour in range(9, 17)}
    assert found.peak[1, 10] == Slot(available=HOUR, booked=HALF, checked_in=0)
    assert found.peak[1, 11] == Slot(available=HOUR, booked=HOUR, checked_in=HOUR)
    assert found.peak[1, 12] == Slot(available=HOUR, booked=0, checked_in=0)
    assert found.days[tuesday] == Slot(available=8 * HOUR, booked=HOUR + HALF, checked_in=HOUR)
    assert found.days[date(2030, 1, 12)] == Slot(0, 0, 0)
    assert list(found.days) == [date(2030, 1, 7 + n) for n in range(7)]


def test_the_autumn_clock_change_gives_sunday_two_one_oclock_hours(
    factory: Factory, db_session: Session
) -> None:
    sunday = date(2026, 10, 25)
    room = factory.space(factory.building(hours=NIGHT_HOURS), kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=uk(sunday, 0, 30), ends_at=uk(sunday, 3, 30))
    query = ReportQuery(EVERYTHING, Period.between(sunday, sunday))

    found = times(db_session, query, NOW)

    open_hours = {hour: slot.available for (_, hour), slot in found.peak.items()}
    assert open_hours == {0: HALF, 1: 2 * HOUR, 2: HOUR, 3: HALF}
    assert all(slot.utilisation == 1.0 for slot in found.peak.values())
    assert found.days == {sunday: Slot(4 * HOUR, 4 * HOUR, 0)}


def test_the_spring_clock_change_gives_sunday_no_one_oclock_hour(
    factory: Factory, db_session: Session
) -> None:
    sunday = date(2026, 3, 29)
    room = factory.space(factory.building(hours=NIGHT_HOURS), kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=uk(sunday, 2), ends_at=uk(sunday, 3, 30))
    query = ReportQuery(EVERYTHING, Period.between(sunday, sunday))

    found = times(db_session, query, NOW)

    assert {hour: slot.available for (_, hour), slot in found.peak.items()} == {
        0: HALF,
        2: HOUR,
        3: HALF,
    }
    assert found.hours == [0, 1, 2, 3]
    assert found.peak[SUNDAY, 2].booked == HOUR
    assert found.days == {sunday: Slot(2 * HOUR, HOUR + HALF, 0)}


def test_closures_take_their_hours_out(factory: Factory, db_session: Session) -> None:
    building = factory.building()
    factory.space(building)
    factory.space(building)
    wednesday = date(2030, 1, 9)
    factory.closure(building=building, starts_at=uk(wednesday, 12, 30), ends_at=uk(wednesday, 14))
    query = ReportQuery(EVERYTHING, Period.between(wednesday, wednesday))

    found = times(db_session, query, NOW)

    assert found.peak[2, 12].available == 2 * HALF
    assert (2, 13) not in found.peak  # closed all hour
    assert found.peak[2, 14].available == 2 * HOUR
    assert found.days[wednesday].available == 2 * (8 * HOUR - HOUR - HALF)


def test_an_empty_period_has_no_peak_times(db_session: Session) -> None:
    query = ReportQuery(EVERYTHING, Period.containing(PeriodKind.WEEK, date(2030, 1, 8)))

    found = times(db_session, query, NOW)

    assert found.peak == {} and found.hours == []
    assert len(found.days) == 7 and all(slot == Slot(0, 0, 0) for slot in found.days.values())
