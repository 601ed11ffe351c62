"""Time across the clock changes of 2026 and 2027: stored in UTC, entered and shown in London.

The UK's clocks go forward at 1am GMT (01:00 UTC) on the last Sunday of March, so 01:00-01:59
that night never happens; they go back at 2am BST (01:00 UTC) on the last Sunday of October,
so 01:00-01:59 happens twice. Time is injected with an explicit `now=` or the `CLOCK` app
setting, never with freezegun, which loses the `fold` that tells the two 1:30s apart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from booking.bookings import services
from booking.bookings.availability import Window, day_availability
from booking.bookings.errors import BookingError
from booking.bookings.models import Booking
from booking.catalogue.models import Building, SpaceKind
from booking.timezones import (
    NonexistentLocalTime,
    local_day_bounds,
    local_to_utc,
    now,
    to_local,
    today,
    wall_clock_to_utc,
)
from tests.factories import Factory

SPRING = [date(2026, 3, 29), date(2027, 3, 28)]
AUTUMN = [date(2026, 10, 25), date(2027, 10, 31)]
EVERY_DAY = {day: (time(9), time(17)) for day in range(7)}
DAY_AND_NIGHT = {day: (time(0), time(23, 45)) for day in range(7)}


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def the_day_before(day: date) -> datetime:
    return utc(day - timedelta(days=1), 12)


def building(factory: Factory, hours: dict[int, tuple[time, time]]) -> Building:
    return factory.building(name="Stepping Hill Hub", hours=hours)


# Converting wall-clock times.


@pytest.mark.parametrize("day", SPRING)
def test_a_time_in_the_spring_forward_hour_does_not_exist(day: date) -> None:
    with pytest.raises(NonexistentLocalTime) as refused:
        local_to_utc(day, time(1, 30))

    assert str(refused.value) == (
        f"01:30 on {day.day} March {day.year} does not exist in the UK: "
        "the clocks go forward an hour that night."
    )


@pytest.mark.parametrize("day", SPRING)
def test_the_times_either_side_of_the_spring_forward_hour_exist(day: date) -> None:
    assert local_to_utc(day, time(0, 59)) == utc(day, 0, 59)
    assert local_to_utc(day, time(2)) == utc(day, 1)
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(day, time(1))


@pytest.mark.parametrize("day", AUTUMN)
@pytest.mark.parametrize("fold", [0, 1])
def test_a_time_in_the_repeated_autumn_hour_is_its_first_occurrence(day: date, fold: int) -> None:
    """01:30 happens twice on the day the clocks go back: at 00:30 UTC (BST) and at 01:30 UTC
    (GMT). Everywhere in the app a wall-clock 01:30 means the first, British Summer Time one,
    even when the time given carries `fold=1` (as `to_local(...).time()` of the second does).
    """
    assert local_to_utc(day, time(1, 30, fold=fold)) == utc(day, 0, 30)
    assert local_to_utc(day, time(0, 59)) == utc(day, 23, 59) - timedelta(days=1)
    assert local_to_utc(day, time(2)) == utc(day, 2)


@pytest.mark.parametrize("day", SPRING)
def test_opening_hours_in_the_skipped_hour_are_read_as_if_the_clocks_had_not_gone_forward(
    day: date,
) -> None:
    assert wall_clock_to_utc(day, time(1, 30)) == utc(day, 1, 30)  # 2:30am BST
    assert wall_clock_to_utc(day, time(1)) == wall_clock_to_utc(day, time(2)) == utc(day, 1)
    assert wall_clock_to_utc(day, time(9)) == local_to_utc(day, time(9)) == utc(day, 8)


@pytest.mark.parametrize("day", AUTUMN)
def test_both_repeated_hours_show_as_the_same_wall_clock_time(day: date) -> None:
    first, second = to_local(utc(day, 0, 30)), to_local(utc(day, 1, 30))

    assert first.time() == second.time() == time(1, 30)
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=1), timedelta(0))


@pytest.mark.parametrize(
    ("day", "hours"), [(SPRING[0], 23), (SPRING[1], 23), (AUTUMN[0], 25), (AUTUMN[1], 25)]
)
def test_a_clock_change_day_is_an_hour_shorter_or_longer(day: date, hours: int) -> None:
    starts, ends = local_day_bounds(day)

    assert ends - starts == timedelta(hours=hours)
    assert to_local(starts).time() == to_local(ends).time() == time(0)


# The injected clock.


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The app's clock reads 00:45 UTC on 25 October 2026: 1:45am BST, before the clocks go back."""
    return {**app_config, "CLOCK": lambda: utc(AUTUMN[0], 0, 45)}


def test_the_app_clock_is_the_injected_one(app: Flask) -> None:
    assert now() == utc(AUTUMN[0], 0, 45)
    assert today() == AUTUMN[0]
    assert to_local(now()).fold == 0


def test_the_service_uses_the_injected_clock_when_not_given_now(
    app: Flask, factory: Factory, db_session: Session
) -> None:
    desk = factory.space(building(factory, DAY_AND_NIGHT))
    person = factory.person()

    booking = services.book(
        db_session, person, services.Proposal(desk, utc(AUTUMN[0], 0, 40), utc(AUTUMN[0], 3))
    )
    with pytest.raises(BookingError) as refused:
        services.change(
            db_session,
            person,
            booking,
            services.Proposal(desk, utc(AUTUMN[0], 0, 39), utc(AUTUMN[0], 3)),
        )

    assert refused.value.message == "The start time has already passed"


# Bookings and opening hours on clock-change days.


@pytest.mark.parametrize(
    ("day", "nine_am"),
    [(SPRING[0], 8), (SPRING[1], 8), (AUTUMN[0], 9), (AUTUMN[1], 9)],
)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_opening_hours_on_a_clock_change_day_are_local_times(
    factory: Factory, db_session: Session, day: date, nine_am: int
) -> None:
    desk = factory.space(building(factory, EVERY_DAY))
    person = factory.person()
    now = the_day_before(day)

    booking = services.book(
        db_session,
        person,
        services.Proposal(desk, utc(day, nine_am), utc(day, nine_am + 8)),
        now=now,
    )
    for start, end in [(nine_am - 1, nine_am + 1), (nine_am + 7, nine_am + 9)]:
        with pytest.raises(BookingError) as refused:
            services.change(
                db_session,
                person,
                booking,
                services.Proposal(desk, utc(day, start), utc(day, end)),
                now=now,
            )
        assert refused.value.message == (
            f"Stepping Hill Hub is open 9am to 5pm on Sunday {day.day} {day:%B %Y}"
        )

    db_session.expire_all()
    stored = db_session.get(Booking, booking.id)
    assert stored is not None
    assert (stored.starts_at, stored.ends_at) == (utc(day, nine_am), utc(day, nine_am + 8))
    assert to_local(stored.starts_at).time() == time(9)


@pytest.mark.parametrize("day", SPRING + AUTUMN)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_a_booking_made_in_local_time_is_stored_as_the_right_instant(
    factory: Factory, db_session: Session, day: date
) -> None:
    room = factory.space(building(factory, DAY_AND_NIGHT), kind=SpaceKind.MEETING_ROOM)
    starts_at, ends_at = local_to_utc(day, time(0, 30)), local_to_utc(day, time(3))

    booking = services.book(
        db_session,
        factory.person(),
        services.Proposal(room, starts_at, ends_at),
        now=the_day_before(day),
    )

    db_session.expire_all()
    stored = db_session.get(Booking, booking.id)
    assert stored is not None
    if day in SPRING:  # 00:30 GMT to 3am BST
        assert (stored.starts_at, stored.ends_at) == (utc(day, 0, 30), utc(day, 2))
    else:  # 00:30 BST (the evening before, in UTC) to 3am GMT
        assert (stored.starts_at, stored.ends_at) == (
            utc(day, 0, 30) - timedelta(hours=1),
            utc(day, 3),
        )


@pytest.mark.parametrize("day", AUTUMN)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_a_booking_can_start_in_the_second_repeated_hour(
    factory: Factory, db_session: Session, day: date
) -> None:
    """The service takes instants, so the second 1:15am (01:15 UTC, GMT) can be booked exactly."""
    room = factory.space(building(factory, DAY_AND_NIGHT), kind=SpaceKind.MEETING_ROOM)

    booking = services.book(
        db_session,
        factory.person(),
        services.Proposal(room, utc(day, 1, 15), utc(day, 2)),
        now=the_day_before(day),
    )

    assert to_local(booking.starts_at).fold == 1
    assert to_local(booking.starts_at).time() == time(1, 15)


@pytest.mark.parametrize(
    ("day", "end", "allowed"),
    [
        # From midnight to 9am on the spring day is 8 real hours: allowed.
        (SPRING[0], time(9), True),
        # From midnight to 8am on the autumn day is 9 real hours: too long.
        (AUTUMN[0], time(8), False),
        (AUTUMN[1], time(7), True),
    ],
)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_a_rooms_length_is_measured_in_real_time_across_a_clock_change(
    factory: Factory, db_session: Session, day: date, end: time, allowed: bool
) -> None:
    room = factory.space(building(factory, DAY_AND_NIGHT), kind=SpaceKind.MEETING_ROOM)
    proposal = services.Proposal(room, local_to_utc(day, time(0)), local_to_utc(day, end))
    now = the_day_before(day)

    if allowed:
        assert services.book(db_session, factory.person(), proposal, now=now).is_active
    else:
        with pytest.raises(BookingError) as refused:
            services.book(db_session, factory.person(), proposal, now=now)
        assert refused.value.message == "You can book a room for up to 8 hours"


@pytest.mark.parametrize("day", AUTUMN)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_a_building_opening_in_the_repeated_hour_opens_at_its_first_occurrence(
    factory: Factory, db_session: Session, day: date
) -> None:
    desk = factory.space(building(factory, {6: (time(1, 30), time(17))}))
    person = factory.person()
    now = the_day_before(day)

    with pytest.raises(BookingError):
        services.book(
            db_session, person, services.Proposal(desk, utc(day, 0, 15), utc(day, 3)), now=now
        )
    booking = services.book(
        db_session, person, services.Proposal(desk, utc(day, 0, 30), utc(day, 3)), now=now
    )
    [window] = day_availability(db_session, [desk], day, now=now)[desk.id].free

    assert booking.starts_at == utc(day, 0, 30)
    assert window == Window(utc(day, 3), utc(day, 17))


@pytest.mark.parametrize("day", SPRING)
@pytest.mark.usefixtures("app")  # the service sends calendar invites
def test_a_building_opening_in_the_skipped_hour_opens_when_the_clocks_go_forward(
    factory: Factory, db_session: Session, day: date
) -> None:
    """Opening hours are kept whatever the clocks do: a building that opens at 1:30am opens,
    on the night the clocks skip from 1am to 2am, at 2:30am BST (01:30 UTC) - an hour and a
    half after midnight, as on any other night - instead of failing.
    """
    desk = factory.space(building(factory, {6: (time(1, 30), time(17))}))
    person = factory.person()
    now = the_day_before(day)

    [window] = day_availability(db_session, [desk], day, now=now)[desk.id].free
    with pytest.raises(BookingError) as refused:
        services.book(
            db_session, person, services.Proposal(desk, utc(day, 1), utc(day, 3)), now=now
        )
    booking = services.book(
        db_session, person, services.Proposal(desk, utc(day, 1, 30), utc(day, 3)), now=now
    )

    assert window == Window(utc(day, 1, 30), utc(day, 16))
    assert refused.value.message == (
        f"Stepping Hill Hub is open 1:30am to 5pm on Sunday {day.day} March {day.year}"
    )
    assert booking.is_active


# Availability on clock-change days.


@pytest.mark.parametrize(
    ("day", "nine_am"),
    [(SPRING[0], 8), (SPRING[1], 8), (AUTUMN[0], 9), (AUTUMN[1], 9)],
)
def test_free_windows_on_a_clock_change_day_follow_local_opening_hours(
    factory: Factory, db_session: Session, day: date, nine_am: int
) -> None:
    desk = factory.space(building(factory, EVERY_DAY))
    factory.booking(desk, starts_at=utc(day, nine_am + 1), ends_at=utc(day, nine_am + 2))

    space_day = day_availability(db_session, [desk], day, now=the_day_before(day))[desk.id]

    assert space_day.free == [
        Window(utc(day, nine_am), utc(day, nine_am + 1)),
        Window(utc(day, nine_am + 2), utc(day, nine_am + 8)),
    ]
    assert [b.starts_at for b in space_day.bookings] == [utc(day, nine_am + 1)]


@pytest.mark.parametrize("day", AUTUMN)
def test_a_rooms_free_time_after_the_clocks_go_back_stays_on_the_quarter_hour(
    factory: Factory, db_session: Session, day: date
) -> None:
    """A closure ending at 1:07am GMT (the second 1:07) leaves a room's time free from the
    second 1:15am, not from the first one an hour earlier."""
    room = factory.space(building(factory, DAY_AND_NIGHT), kind=SpaceKind.MEETING_ROOM)
    factory.closure(space=room, starts_at=utc(day, 0), ends_at=utc(day, 1, 7), reason="Cleaning")
    now = the_day_before(day)

    space_day = day_availability(db_session, [room], day, now=now)[room.id]

    assert space_day.free[1] == Window(utc(day, 1, 15), local_to_utc(day, time(23, 45)))
    assert not space_day.is_free(utc(day, 0, 15), utc(day, 0, 30))
    with pytest.raises(BookingError):
        services.book(
            db_session,
            factory.person(),
            services.Proposal(room, utc(day, 0, 15), utc(day, 0, 30)),
            now=now,
        )


@pytest.mark.parametrize("day", SPRING + AUTUMN)
def test_the_whole_night_of_a_clock_change_is_free_when_nothing_is_booked(
    factory: Factory, db_session: Session, day: date
) -> None:
    desk = factory.space(building(factory, DAY_AND_NIGHT))
    starts, _ = local_day_bounds(day)

    [window] = day_availability(db_session, [desk], day, now=the_day_before(day))[desk.id].free

    assert window == Window(starts, local_to_utc(day, time(23, 45)))
    assert window.minutes == (23 * 60 + 45) + (-60 if day in SPRING else 60)
