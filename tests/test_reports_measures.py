"""Report measures on small hand-computed fixtures: the same numbers on SQLite and PostgreSQL.

The default building opens Monday to Friday, 9am to 5pm. January has no daylight saving, so
UTC and UK times agree there; the clock-change tests say their UK times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from booking.bookings.models import BookingStatus
from booking.catalogue.models import BankHoliday, SpaceKind
from booking.reports.filters import Filters, ReportQuery
from booking.reports.measures import (
    Partnership,
    Usage,
    median_lead_seconds,
    partnerships,
    ranking,
    usage,
)
from booking.reports.period import Period, PeriodKind
from booking.reports.scope import Scope
from booking.reports.usage import Level
from booking.timezones import local_to_utc
from tests.factories import Factory

EVERYTHING = Scope(True, frozenset(), frozenset())
WEEK = Period.containing(PeriodKind.WEEK, date(2030, 1, 7))  # Monday 7 to Sunday 13 January
NOW = datetime(2030, 2, 1, tzinfo=UTC)
HOUR = 3600


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2030 (UK time is UTC then)."""
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def uk(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute))


def measure(
    session: Session, period: Period = WEEK, filters: Filters | None = None, now: datetime = NOW
) -> Usage:
    return usage(session, ReportQuery(EVERYTHING, period, filters or Filters()), now)


def test_a_space_is_available_for_its_opening_hours(factory: Factory, db_session: Session) -> None:
    factory.space()

    found = measure(db_session)

    assert found.available == 5 * 8 * HOUR
    assert found.booked == 0 and found.utilisation == 0.0 and found.occupancy == 0.0


def test_booked_and_checked_in_hours_give_utilisation_and_occupancy(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    factory.booking(desk, starts_at=at(8, 10), ends_at=at(8, 12), checked_in_at=at(8, 10, 30))
    factory.booking(desk, starts_at=at(9, 9), ends_at=at(9, 17))  # not checked in (yet)

    found = measure(db_session)

    assert found.booked == 10 * HOUR
    assert found.checked_in == 90 * 60  # from the check-in, half an hour late, to the end
    assert found.utilisation == pytest.approx(10 / 40)
    assert found.occupancy == pytest.approx(1.5 / 40)
    assert found.bookings == 2


def test_closures_of_the_building_and_the_space_are_not_counted_twice(
    factory: Factory, db_session: Session
) -> None:
    building = factory.building()
    closed_desk = factory.space(building)
    other_desk = factory.space(building)
    # Wednesday: the building 12-2pm and the desk 1pm to 6pm overlap: 12pm to 5pm, 5 hours.
    factory.closure(building=building, starts_at=at(9, 12), ends_at=at(9, 14))
    factory.closure(building=None, space=closed_desk, starts_at=at(9, 13), ends_at=at(9, 18))
    # Thursday: a closure 7am to 10am overlaps an hour of the opening hours.
    factory.closure(building=building, starts_at=at(10, 7), ends_at=at(10, 10))
    # Outside the period, and outside opening hours: nothing.
    factory.closure(building=building, starts_at=at(14, 9), ends_at=at(14, 17))
    factory.closure(building=building, starts_at=at(11, 18), ends_at=at(11, 23))

    spaces = ranking(db_session, ReportQuery(EVERYTHING, WEEK), NOW, Level.SPACE)

    available = {place.id: place.usage.available for place in spaces.busiest}
    assert available == {closed_desk.id: (40 - 5 - 1) * HOUR, other_desk.id: (40 - 2 - 1) * HOUR}
    assert measure(db_session).available == (34 + 37) * HOUR


def test_a_bank_holiday_is_closed_unless_the_building_opens_on_them(
    factory: Factory, db_session: Session
) -> None:
    db_session.add(BankHoliday(day=date(2030, 1, 8), title="A test holiday"))
    closes = factory.space(factory.building())
    opens = factory.space(factory.building(opens_on_bank_holidays=True))

    spaces = ranking(db_session, ReportQuery(EVERYTHING, WEEK), NOW, Level.SPACE)

    available = {place.id: place.usage.available for place in spaces.busiest}
    assert available == {closes.id: 4 * 8 * HOUR, opens.id: 5 * 8 * HOUR}


NIGHT_HOURS = {6: (time(0, 30), time(3, 30))}  # Sundays, 12:30am to 3:30am by the clock


def test_the_autumn_clock_change_night_has_an_hour_more(
    factory: Factory, db_session: Session
) -> None:
    sunday = date(2026, 10, 25)
    room = factory.space(factory.building(hours=NIGHT_HOURS), kind=SpaceKind.MEETING_ROOM)
    # From 11pm BST on Saturday to 3:30am GMT on Sunday: five and a half real hours.
    factory.booking(room, starts_at=uk(date(2026, 10, 24), 23), ends_at=uk(sunday, 3, 30))

    found = measure(db_session, Period.between(sunday, sunday))

    assert found.available == 4 * HOUR
    assert found.booked == 4 * HOUR + 30 * 60  # from midnight (BST), the period's start
    assert found.bookings == 0  # it started the day before, and is counted then
    saturday = measure(db_session, Period.between(date(2026, 10, 24), date(2026, 10, 24)))
    assert saturday.booked == HOUR and saturday.bookings == 1


def test_the_spring_clock_change_night_has_an_hour_less(
    factory: Factory, db_session: Session
) -> None:
    sunday = date(2026, 3, 29)
    room = factory.space(factory.building(hours=NIGHT_HOURS), kind=SpaceKind.MEETING_ROOM)
    factory.booking(room, starts_at=uk(sunday, 0, 30), ends_at=uk(sunday, 3, 30))

    found = measure(db_session, Period.between(sunday, sunday))

    assert found.available == 2 * HOUR
    assert found.booked == 2 * HOUR
    assert found.utilisation == 1.0


def test_cancelled_bookings_hold_nothing_and_no_shows_hold_until_released(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    factory.booking(
        desk,
        starts_at=at(7, 9),
        ends_at=at(7, 17),
        status=BookingStatus.CANCELLED,
        cancelled_at=at(6, 12),
    )
    factory.booking(
        desk,
        starts_at=at(8, 9),
        ends_at=at(8, 17),
        status=BookingStatus.NO_SHOW,
        released_at=at(8, 9, 30),
    )
    # Checked in, then cancelled at noon to free the desk for the afternoon.
    factory.booking(
        desk,
        starts_at=at(9, 9),
        ends_at=at(9, 17),
        checked_in_at=at(9, 9),
        status=BookingStatus.CANCELLED,
        cancelled_at=at(9, 12),
    )
    factory.booking(desk, starts_at=at(10, 9), ends_at=at(10, 17), checked_in_at=at(10, 9))

    found = measure(db_session)

    assert found.booked == (30 * 60) + 3 * HOUR + 8 * HOUR
    assert found.checked_in == 3 * HOUR + 8 * HOUR
    assert (found.made, found.bookings, found.cancelled, found.no_shows) == (4, 2, 2, 1)
    assert found.cancellation_rate == 0.5
    assert found.no_show_rate == 0.5


def test_the_no_show_rate_counts_only_bookings_that_have_started(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    factory.booking(
        desk, starts_at=at(7, 9), status=BookingStatus.NO_SHOW, released_at=at(7, 9, 30)
    )
    factory.booking(desk, starts_at=at(11, 9))

    found = measure(db_session, now=at(8, 9))

    assert found.started == 1 and found.no_show_rate == 1.0


def test_an_empty_period_has_no_ratios(db_session: Session) -> None:
    found = measure(db_session)

    assert found == Usage()
    assert found.utilisation is None and found.occupancy is None
    assert found.no_show_rate is None and found.cancellation_rate is None


def test_people_and_organisations_are_counted_once(factory: Factory, db_session: Session) -> None:
    desk, room = factory.space(), factory.space(kind=SpaceKind.MEETING_ROOM)
    nurse, colleague = factory.person(), factory.person()
    colleague.organisation = nurse.organisation
    officer = factory.person()
    factory.booking(desk, nurse, starts_at=at(7, 9))
    factory.booking(desk, nurse, starts_at=at(8, 9))
    factory.booking(room, colleague, starts_at=at(8, 9))
    factory.booking(room, officer, starts_at=at(9, 9), status=BookingStatus.CANCELLED)

    found = measure(db_session)

    assert (found.bookings, found.people, found.organisations) == (3, 2, 1)


def test_filters_narrow_the_spaces_and_the_bookers(factory: Factory, db_session: Session) -> None:
    building = factory.building()
    desk = factory.space(building)
    room = factory.space(building, kind=SpaceKind.MEETING_ROOM)
    nurse, officer = factory.person(), factory.person()
    factory.booking(desk, nurse, starts_at=at(7, 9))
    factory.booking(room, officer, starts_at=at(7, 9))

    desks = measure(db_session, filters=Filters(kind=SpaceKind.DESK))
    nurses = measure(db_session, filters=Filters(organisation=nurse.organisation))

    assert (desks.available, desks.booked) == (40 * HOUR, HOUR)
    assert (nurses.available, nurses.booked) == (80 * HOUR, HOUR)
    assert measure(db_session, filters=Filters(building=factory.building())).available == 0
    assert desk.id != room.id


def test_the_median_lead_time_is_the_middle_one_or_the_mean_of_the_middle_two(
    factory: Factory, db_session: Session
) -> None:
    desk = factory.space()
    query = ReportQuery(EVERYTHING, WEEK)
    for day, hours_before in ((7, 1), (8, 2), (9, 4)):
        start = at(day, 9)
        factory.booking(desk, starts_at=start, created_at=start - timedelta(hours=hours_before))

    assert median_lead_seconds(db_session, query, NOW) == 2 * HOUR

    factory.booking(desk, starts_at=at(10, 9), created_at=at(10, 9) - timedelta(hours=10))

    assert median_lead_seconds(db_session, query, NOW) == 3 * HOUR


def test_no_median_lead_time_without_bookings(db_session: Session) -> None:
    assert median_lead_seconds(db_session, ReportQuery(EVERYTHING, WEEK), NOW) is None


def test_who_works_where_counts_bookings_by_organisation_and_neighbourhood(
    factory: Factory, db_session: Session
) -> None:
    reddish = factory.building(neighbourhood=factory.neighbourhood(name="Heatons & Reddish"))
    marple = factory.building(neighbourhood=factory.neighbourhood(name="Marple"))
    nhs = factory.organisation(name="NHS Stockport")
    police = factory.organisation(name="Greater Manchester Police")
    nurse, officer = factory.person(organisation=nhs), factory.person(organisation=police)
    factory.booking(factory.space(reddish), nurse, starts_at=at(7, 9))
    factory.booking(factory.space(reddish), nurse, starts_at=at(8, 9), ends_at=at(8, 12))
    factory.booking(factory.space(marple), officer, starts_at=at(9, 9))
    factory.booking(
        factory.space(marple), nurse, starts_at=at(9, 10), status=BookingStatus.CANCELLED
    )

    found = partnerships(db_session, ReportQuery(EVERYTHING, WEEK), NOW)

    assert found == [
        Partnership("Greater Manchester Police", "Marple", 1, HOUR),
        Partnership("NHS Stockport", "Heatons & Reddish", 2, 4 * HOUR),
    ]
