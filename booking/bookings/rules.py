"""The booking rules that do not depend on other bookings: where, when and how long.

`check_rules` raises `BookingError` with a message in the user's words for the first rule a
proposed booking breaks. Overlaps with other bookings are checked by the service (and refused
by the database as a backstop).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.errors import BookingError
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Building, Closure, Space, SpaceKind
from booking.catalogue.queries import bookers, hours_on
from booking.templating import format_date, format_datetime, format_time
from booking.timezones import to_local, wall_clock_to_utc

START_GRACE = timedelta(minutes=5)
"""A booking may start this long ago ("now" as the clock ticks while the form is filled in)."""
ROOM_GRID_MINUTES = 15
LONGEST_BOOKING = timedelta(days=1)
"""No booking is longer (a desk for one opening day, a room for at most 24 hours), so overlap
checks only look at bookings starting in the day before: a short range of the index on
(space_id, starts_at) instead of the space's whole history."""
MAX_ATTENDEES = 100


def advance_days(building: Building, space: Space, person: Person) -> int:
    """How many days ahead `person` may book `space`: partners' window, or the owner's."""
    partners = (
        building.desk_advance_days if space.kind is SpaceKind.DESK else (building.room_advance_days)
    )
    if building.owner_advance_days and person.organisation_id == building.owner_id:
        return max(partners, building.owner_advance_days)
    return partners


def check_bookable(space: Space, person: Person) -> None:
    building = space.building
    if not (space.active and building.active):
        raise BookingError(f"{space.name} is no longer available to book")
    if not space.bookable:
        raise BookingError(f"{space.name} cannot be booked")
    if not building.is_open_to(person):
        names = ", ".join(o.name for o in bookers(building))
        raise BookingError(f"Only staff of {names} can book in {building.name}")


def check_times(
    session: Session,
    space: Space,
    person: Person,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime,
) -> None:
    building = space.building
    if ends_at <= starts_at:
        raise BookingError("The end time must be after the start time", "end")
    if starts_at < now - START_GRACE:
        raise BookingError("The start time has already passed", "start")
    local_start, local_end = to_local(starts_at), to_local(ends_at)
    day = local_start.date()
    window = advance_days(building, space, person)
    if day > to_local(now).date() + timedelta(days=window):
        kind = "desks" if space.kind is SpaceKind.DESK else "rooms"
        raise BookingError(
            f"You can book {kind} in {building.name} up to {window} days ahead", "start"
        )
    if space.kind is not SpaceKind.DESK:
        _check_room_length(building, local_start, local_end, ends_at - starts_at)
    _check_opening_hours(session, building, day, starts_at, ends_at)


def _check_room_length(
    building: Building, local_start: datetime, local_end: datetime, lasts: timedelta
) -> None:
    """Quarter hours on the wall clock; the length in real time (local datetimes subtract as
    wall-clock times, an hour out on the days the clocks change)."""
    for moment, field in ((local_start, "start"), (local_end, "end")):
        if moment.minute % ROOM_GRID_MINUTES or moment.second or moment.microsecond:
            raise BookingError(
                "Rooms are booked on the quarter hour, for example 9:00, 9:15 or 9:30", field
            )
    minutes = lasts.total_seconds() / 60
    if minutes > building.room_max_minutes:
        hours = building.room_max_minutes / 60
        length = f"{hours:g} hours" if hours != 1 else "1 hour"
        raise BookingError(f"You can book a room for up to {length}", "end")


def _check_opening_hours(
    session: Session, building: Building, day: date, starts_at: datetime, ends_at: datetime
) -> None:
    holidays = bank_holidays_between(session, day, day)
    hours = hours_on(building, day, holidays)
    if hours is None:
        why = f" ({holidays[day]})" if day in holidays else ""
        raise BookingError(f"{building.name} is closed on {format_date(day)}{why}", "start")
    opens, closes = wall_clock_to_utc(day, hours.opens), wall_clock_to_utc(day, hours.closes)
    if starts_at < opens or ends_at > closes:
        raise BookingError(
            f"{building.name} is open {format_time(hours.opens)} to "
            f"{format_time(hours.closes)} on {format_date(day)}",
            "start" if starts_at < opens else "end",
        )


def check_closures(session: Session, space: Space, starts_at: datetime, ends_at: datetime) -> None:
    closure = session.scalar(
        select(Closure)
        .where(
            or_(Closure.building_id == space.building_id, Closure.space_id == space.id),
            Closure.starts_at < ends_at,
            Closure.ends_at > starts_at,
        )
        .order_by(Closure.starts_at)
        .limit(1)
    )
    if closure is not None:
        what = space.name if closure.space_id else space.building.name
        raise BookingError(
            f"{what} is closed from {format_datetime(closure.starts_at)} to "
            f"{format_datetime(closure.ends_at)}: {closure.reason}",
            "start",
        )


def check_attendees(space: Space, attendees: list[str]) -> None:
    if space.kind is SpaceKind.DESK and attendees:
        raise BookingError("A desk is for one person: you cannot invite others", "attendees")
    if len(attendees) > MAX_ATTENDEES:
        raise BookingError(f"You can invite up to {MAX_ATTENDEES} people", "attendees")
    if 1 + len(attendees) > space.capacity:
        raise BookingError(
            f"{space.name} holds up to {space.capacity} people: you have invited "
            f"{len(attendees)} as well as yourself",
            "attendees",
        )
