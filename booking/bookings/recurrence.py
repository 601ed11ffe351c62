"""Recurring room bookings: a pattern of dates, which of them are free, booking and cancelling.

The rules of a series, as the person sees them:

- Only rooms (meeting rooms and quiet rooms) repeat; desks are booked a day at a time.
- Every occurrence starts at the same Europe/London wall-clock time, so its UTC instant moves
  by an hour across the March and October clock changes. A start time that does not exist on
  some date (the hour the clocks skip) makes that date a conflict, not an error.
- "Daily" means every day the building is open: weekdays without opening hours and bank
  holidays (unless the building opens on them) are not dates of the series at all. "Weekly"
  means the chosen weekdays, open or not: a bank holiday on one of them shows as a conflict.
- A series ends on a date or after N dates, N counting the dates the pattern generates (free
  or not). A series has at most 52 dates: one "until" a later date stops at its 52nd date, and
  is stored as ending on that date.
- Each date is checked with the booking service's own `check`, so every rule (opening hours,
  closures, the advance window, overlaps…) applies to each date separately.
- Booking books exactly the dates the person was shown as free, through `services.book`, or
  nothing: if any of them has been taken (or closed) since, `SeriesChanged` carries a fresh
  preview and nothing is saved.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings import rules, services
from booking.bookings.errors import BookingError, NotYours, SpaceTaken
from booking.bookings.models import Booking, BookingSeries, Frequency
from booking.bookings.patterns import MAX_OCCURRENCES as MAX_OCCURRENCES
from booking.bookings.patterns import last_searched, pattern_dates
from booking.calendar import invites
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Space, SpaceKind
from booking.permissions import Permission, can
from booking.templating import WEEKDAYS, format_date, format_time
from booking.timezones import NonexistentLocalTime, local_to_utc, to_local
from booking.timezones import now as clock_now


class Choice(enum.StrEnum):
    """What the person chose after seeing the preview."""

    FREE = "free"
    """Book the dates shown as free."""
    NONE = "none"
    """Book nothing."""


class Scope(enum.StrEnum):
    """Which occurrences to cancel, counted from the one the person chose."""

    ONE = "one"
    FOLLOWING = "following"
    ALL = "all"


@dataclass(frozen=True)
class SeriesRequest:
    """A repeating booking someone asks for (or a stored series, see `of`)."""

    space: Space
    frequency: Frequency
    starts_on: date
    start_time: time
    duration_minutes: int
    weekdays: tuple[int, ...] = ()
    """For a weekly series: Monday = 0 … Sunday = 6."""
    until: date | None = None
    count: int | None = None
    title: str = ""
    attendees: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, series: BookingSeries) -> SeriesRequest:
        return cls(
            series.space,
            series.frequency,
            series.starts_on,
            series.start_time,
            series.duration_minutes,
            tuple(series.weekday_numbers),
            series.until,
            series.count,
            series.title,
        )

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Occurrence:
    """One date of a series: its local times, its UTC instants if it has them, and any problem."""

    day: date
    starts: time
    ends: time
    starts_at: datetime | None = None
    """None when the start time does not exist on that date (the clocks go forward)."""
    ends_at: datetime | None = None
    problem: str | None = None

    @property
    def is_free(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Preview:
    occurrences: list[Occurrence]
    capped: bool
    """The series ends on a date with more than 52 dates before it: only the first 52 are here."""

    @property
    def free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.is_free]


class SeriesChanged(BookingError):
    """Dates shown as free are no longer free: nothing was booked; `preview` says what is now."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(
            "Some of the dates have changed since you checked them, so nothing has been "
            "booked. Check the dates again."
        )
        self.preview = preview


def dates(session: Session, request: SeriesRequest) -> tuple[list[date], bool]:
    """The dates of the pattern, and whether the 52-date cap cut an "until" series short."""
    holidays = (
        bank_holidays_between(
            session, request.starts_on, last_searched(request.starts_on, request.until)
        )
        if request.frequency is Frequency.DAILY
        else {}
    )
    return pattern_dates(
        frequency=request.frequency,
        starts_on=request.starts_on,
        weekdays=request.weekdays,
        until=request.until,
        count=request.count,
        building=request.space.building,
        bank_holidays=holidays,
    )


def preview(
    session: Session, person: Person, request: SeriesRequest, now: datetime | None = None
) -> Preview:
    """Every date of the pattern, each free or with the reason it cannot be booked."""
    now = now or clock_now()
    request = _checked(person, request)
    days, capped = dates(session, request)
    if not days:
        raise BookingError(
            "There are no dates in that pattern: check the first date, the days and the end date"
        )
    return Preview([_occurrence(session, person, request, day, now) for day in days], capped)


def book_series(
    session: Session,
    person: Person,
    request: SeriesRequest,
    choice: Choice,
    now: datetime | None = None,
    *,
    seen_free: Collection[date] = (),
) -> BookingSeries | None:
    """Book the dates the person was shown as free (`seen_free`), all of them or none.

    Each is booked through `services.book`, so every rule and the database's own refusal of
    overlaps apply. If any of them cannot be booked any more, everything done here is rolled
    back and `SeriesChanged` says what the dates look like now.
    """
    if choice is Choice.NONE:
        return None
    now = now or clock_now()
    request = _checked(person, request)
    if not seen_free:
        raise BookingError("None of the dates is free, so there is nothing to book")
    days, capped = dates(session, request)
    if not set(seen_free) <= set(days):
        raise SeriesChanged(preview(session, person, request, now))
    try:
        with session.begin_nested():
            series = _series(session, person, request, days[-1] if capped else request.until)
            for day in sorted(seen_free):
                starts_at = local_to_utc(day, request.start_time)
                proposal = _proposal(request, starts_at, starts_at + request.length)
                booking = services.book(session, person, proposal, now=now, notify=False)
                booking.series, booking.occurrence_date = series, day
            session.flush()
            pattern = in_words(request, len(days))
            record(
                session,
                person,
                "series.create",
                series,
                f"Booked {len(seen_free)} dates of {request.space.name}, "
                f"{request.space.building.name}: {pattern}",
                {"dates": sorted(seen_free)},
            )
            invites.series_booked(session, series, pattern)
    except (BookingError, NonexistentLocalTime) as error:
        raise SeriesChanged(preview(session, person, request, now)) from error
    return series


def _checked(person: Person, request: SeriesRequest) -> SeriesRequest:
    """The request with its attendees cleaned, or the rule of the whole pattern it breaks."""
    space = request.space
    if space.kind is SpaceKind.DESK:
        raise BookingError("Only rooms can be booked as a repeating booking")
    rules.check_bookable(space, person)
    if request.frequency is Frequency.WEEKLY and (
        not request.weekdays or not set(request.weekdays) <= set(range(7))
    ):
        raise BookingError("Select the days of the week the booking repeats on", "weekdays")
    if (request.until is None) == (request.count is None):
        raise BookingError("Say when the booking stops repeating", "ends")
    if request.count is not None and not 1 <= request.count <= MAX_OCCURRENCES:
        raise BookingError(f"Enter a number of times from 1 to {MAX_OCCURRENCES}", "count")
    if request.until is not None and request.until < request.starts_on:
        raise BookingError("The end date must be on or after the first date", "until")
    if not 15 <= request.duration_minutes <= 24 * 60:
        raise BookingError("Choose how long each booking lasts", "duration")
    attendees = services.clean_attendees(request.attendees, person)
    rules.check_attendees(space, attendees)
    return replace(request, attendees=attendees, title=request.title.strip()[:200])


def _occurrence(
    session: Session, person: Person, request: SeriesRequest, day: date, now: datetime
) -> Occurrence:
    wall_end = (datetime.combine(day, request.start_time) + request.length).time()
    try:
        starts_at = local_to_utc(day, request.start_time)
    except NonexistentLocalTime as error:
        return Occurrence(day, request.start_time, wall_end, problem=str(error))
    ends_at = starts_at + request.length
    occurrence = Occurrence(day, request.start_time, to_local(ends_at).time(), starts_at, ends_at)
    try:
        services.check(session, person, _proposal(request, starts_at, ends_at), now=now)
    except SpaceTaken:
        problem = f"{request.space.name} is already booked for some of that time"
        return replace(occurrence, problem=problem)
    except BookingError as error:
        return replace(occurrence, problem=error.message)
    return occurrence


def _proposal(request: SeriesRequest, starts_at: datetime, ends_at: datetime) -> services.Proposal:
    return services.Proposal(request.space, starts_at, ends_at, request.title, request.attendees)


def _series(
    session: Session, person: Person, request: SeriesRequest, until: date | None
) -> BookingSeries:
    series = BookingSeries(
        person=person,
        space=request.space,
        title=request.title,
        frequency=request.frequency,
        weekdays=",".join(str(d) for d in sorted(set(request.weekdays)))
        if request.frequency is Frequency.WEEKLY
        else "",
        starts_on=request.starts_on,
        start_time=request.start_time,
        duration_minutes=request.duration_minutes,
        until=until,
        count=request.count,
    )
    session.add(series)
    session.flush()
    return series


def in_words(request: SeriesRequest, number: int) -> str:
    """ "Every Tuesday and Thursday, 10am to 11:30am, 14 occurrences"."""
    if request.frequency is Frequency.DAILY:
        days = f"Every day {request.space.building.name} is open"
    else:
        names = [WEEKDAYS[d] for d in sorted(set(request.weekdays))]
        days = "Every " + (
            names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        )
    end = (datetime.combine(request.starts_on, request.start_time) + request.length).time()
    times = f"{format_time(request.start_time)} to {format_time(end)}"
    return f"{days}, {times}, {number} occurrence{'' if number == 1 else 's'}"


def capped_warning(request: SeriesRequest, last: date) -> str:
    """What the preview says when the 52-date cap cuts a series short."""
    return (
        f"A repeating booking can have up to {MAX_OCCURRENCES} dates, so this one stops on "
        f"{format_date(last)}, before {format_date(request.until)}. "
        "Make another repeating booking for the dates after that."
    )


# Seeing and cancelling a series.


def may_see(person: Person, series: BookingSeries) -> bool:
    """The booker, and the managers of the building, may see (and cancel) a series."""
    return series.person_id == person.id or can(
        person, Permission.MANAGE_BUILDING, series.space.building
    )


def in_scope(booking: Booking, scope: Scope, now: datetime) -> list[Booking]:
    """The occurrences of `booking`'s series that `scope` picks and that are still active and
    not over: past occurrences are never cancelled."""
    series = booking.series
    if series is None:
        return []
    if scope is Scope.ONE:
        chosen = [booking]
    elif scope is Scope.FOLLOWING:
        start = booking.occurrence_date or to_local(booking.starts_at).date()
        chosen = [b for b in series.bookings if (b.occurrence_date or start) >= start]
    else:
        chosen = list(series.bookings)
    return [b for b in chosen if b.is_active and b.ends_at > now]


def to_cancel(
    person: Person, booking: Booking, scope: Scope, reason: str, now: datetime
) -> list[Booking]:
    """What cancelling `scope` from `booking` would cancel, or why it cannot be done."""
    if booking.series is None or not may_see(person, booking.series):
        raise NotYours()
    if booking.person_id != person.id and not reason.strip():
        raise BookingError("Say why you are cancelling: the booker will be told", "reason")
    chosen = in_scope(booking, scope, now)
    if not chosen:
        raise BookingError("There are no upcoming dates to cancel", "scope")
    return chosen


def cancel_occurrences(
    session: Session,
    person: Person,
    booking: Booking,
    scope: Scope,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> list[Booking]:
    """Cancel the occurrences `scope` picks, each through `services.cancel`, all or none,
    and send one invite (or cancellation) for them all."""
    now = now or clock_now()
    chosen = to_cancel(person, booking, scope, reason, now)
    with session.begin_nested():
        for occurrence in chosen:
            services.cancel(session, person, occurrence, reason, now=now, notify=False)
        assert booking.series is not None  # to_cancel refuses a booking of no series
        invites.occurrences_cancelled(session, booking.series, chosen)
    return chosen
