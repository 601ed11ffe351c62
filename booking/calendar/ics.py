"""Bookings as iCalendar (RFC 5545): invites (iTIP, RFC 5546), "Add to calendar" and feeds.

The calendars are written here, content line by content line, rather than with the
`icalendar` library: the library writes a Europe/London VTIMEZONE (a list of RDATEs) that
Outlook and ical.js misread after a clock change, a REFRESH-INTERVAL without its VALUE
parameter and an X-PUBLISHED-TTL that is no duration; and it takes about half a millisecond
of CPU an event, four times the budget of a 2,000-event feed. What we write is small (one
VTIMEZONE, VEVENTs with a fixed set of properties), and it is checked by independent parsers
(ical.js, vobject) and an Outlook lint in the tests. docs/CALENDAR.md, "What we write, and
why", has the decisions.

Times are written as Europe/London wall-clock times with `TZID`, except in the repeated autumn
hour, where a wall-clock time names two moments: those are written in UTC.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parseaddr
from functools import lru_cache

from flask import current_app

from booking.accounts.emails import external_url
from booking.bookings.models import Booking, BookingSeries, Frequency
from booking.bookings.patterns import pattern_dates
from booking.catalogue.models import Building, Space
from booking.timezones import now, to_local, wall_clock_to_utc

PRODID = "-//Stockport Shared Spaces//Bookings//EN"
TZID = "Europe/London"
FEED_REFRESH = "PT1H"
"""How often a subscribed program should fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL)."""

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
"""Europe/London in the yearly-rule form (the clocks change on the last Sundays of March and
October at 01:00 UTC), which Outlook and ical.js read correctly for any year."""

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BACKSLASH = ord("\\")


class Method(enum.StrEnum):
    """The calendar's METHOD: an iTIP request or cancellation, or a published calendar."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    PUBLISH = "PUBLISH"


def uid_domain() -> str:
    """The domain part of every UID (config CALENDAR_UID_DOMAIN): it must never change."""
    return str(current_app.config["CALENDAR_UID_DOMAIN"])


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.id}@{uid_domain()}"


def series_uid(series: BookingSeries) -> str:
    return f"series-{series.id}@{uid_domain()}"


# The calendars.


def invite_calendar(
    booking: Booking, method: Method, *, attendees: Sequence[str] | None = None
) -> bytes:
    """The iTIP REQUEST or CANCEL for one booking that is not part of a series.

    `attendees` (email addresses) replaces the usual list (the booker and the room's
    attendees): a CANCEL sent only to people removed from the booking.
    """
    event = _booking_event(booking, now())
    event.status = "CANCELLED" if method is Method.CANCEL else "CONFIRMED"
    event.people = _people([booking], attendees)
    return _calendar(method, [event])


def series_invite_calendar(
    series: BookingSeries,
    method: Method,
    *,
    occurrences: Sequence[Booking] = (),
    attendees: Sequence[str] | None = None,
) -> bytes:
    """The iTIP REQUEST or CANCEL for a repeating booking, as one recurring event.

    REQUEST: the whole series (RRULE, EXDATEs, overrides) as it stands. CANCEL with
    `occurrences`: those occurrences only, one VEVENT each by RECURRENCE-ID. CANCEL without:
    the whole series.
    """
    stamp = now()
    if method is Method.CANCEL and occurrences:
        invited: Sequence[Booking] = occurrences
        events = [_occurrence_event(series, booking, stamp) for booking in occurrences]
    elif method is Method.CANCEL:
        invited = series.bookings
        events = [_master(series, _pattern(series), stamp)]
    else:
        invited = [b for b in series.bookings if b.is_active]
        events = _series_events(series, invited, stamp)[1]
    people = _people(invited, attendees)
    for event in events:
        event.people = people
        if method is Method.CANCEL:
            event.status = "CANCELLED"
    return _calendar(method, events)


def download_calendar(booking: Booking) -> bytes:
    """ "Add to calendar": the booking as a published single event, without people."""
    event = _booking_event(booking, booking.updated_at)
    event.status = "CONFIRMED" if booking.is_active else "CANCELLED"
    return _calendar(Method.PUBLISH, [event])


def series_download_calendar(series: BookingSeries) -> bytes:
    """ "Add to calendar" for a repeating booking: its active occurrences as one recurring event."""
    active = [b for b in series.bookings if b.is_active]
    return _calendar(
        Method.PUBLISH, _series_events(series, active, _last_change(series.bookings))[1]
    )


def feed_calendar(
    name: str, bookings: Sequence[Booking], *, series_overrides: bool = True
) -> bytes:
    """A subscription feed of the active bookings given (the caller picks the window).

    Occurrences of a series are one recurring event (RRULE, an EXDATE for every date of the
    pattern without an active occurrence among `bookings`, an override for each occurrence the
    rule alone would show wrongly), or with `series_overrides=False` single events of their
    own, like any booking. DTSTAMP is the last change of what the event shows, and events are
    sorted by start and UID, so the same data gives the same bytes. Load `Booking.space` →
    `Space.building`, `Booking.series` and `BookingSeries.bookings` eagerly.
    """
    groups: list[tuple[datetime, str, list[_Event]]] = []
    by_series: dict[int, list[Booking]] = {}
    for booking in bookings:
        if not booking.is_active:
            continue
        if booking.series is not None and series_overrides:
            by_series.setdefault(booking.series.id, []).append(booking)
            continue
        event = _booking_event(booking, booking.updated_at)
        groups.append((booking.starts_at, event.uid, [event]))
    for occurrences in by_series.values():
        series = occurrences[0].series
        assert series is not None
        starts_at, events = _series_events(series, occurrences, _last_change(occurrences))
        groups.append((starts_at, events[0].uid, events))
    groups.sort(key=lambda group: (group[0], group[1]))
    header = [
        f"NAME:{_text(name)}",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{FEED_REFRESH}",
        f"X-PUBLISHED-TTL:{FEED_REFRESH}",
    ]
    return _calendar(Method.PUBLISH, [e for _, _, events in groups for e in events], header)


# Events.


@dataclass
class _Event:
    uid: str
    sequence: int
    stamp: datetime
    starts_at: datetime
    ends_at: datetime
    space: Space
    title: str
    link: str
    status: str = "CONFIRMED"
    recurrence_id: datetime | None = None
    """The planned local start of an occurrence of a series (naive wall-clock time)."""
    rule: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    """Planned local starts of the series' dates left out (naive wall-clock times)."""
    people: list[tuple[str, str]] | None = None
    """(address, name) of the attendees; None in a published calendar (no ORGANIZER either)."""

    def lines(self) -> list[str]:
        building = self.space.building
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"SEQUENCE:{self.sequence}",
            f"DTSTAMP:{self.stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART{_date_time(self.starts_at)}",
            f"DTEND{_date_time(self.ends_at)}",
        ]
        if self.recurrence_id is not None:
            lines.append(f"RECURRENCE-ID;TZID={TZID}:{self.recurrence_id:%Y%m%dT%H%M%S}")
        if self.rule is not None:
            lines.append(f"RRULE:{self.rule}")
        lines += [f"EXDATE;TZID={TZID}:{day:%Y%m%dT%H%M%S}" for day in self.exdates]
        lines.append(_summary_line(self.space.name, building.name, self.title))
        lines += _place_lines(
            building.name,
            building.address,
            building.postcode,
            building.latitude,
            building.longitude,
        )
        lines += [
            _description_line(building.arrival_instructions, self.link),
            f"URL:{self.link}",
            f"STATUS:{self.status}",
            "TRANSP:OPAQUE",
        ]
        if self.people is not None:
            lines += _people_lines(self.people)
        lines.append("END:VEVENT")
        return lines


def _booking_event(booking: Booking, stamp: datetime) -> _Event:
    return _Event(
        booking_uid(booking),
        booking.sequence,
        stamp,
        booking.starts_at,
        booking.ends_at,
        booking.space,
        booking.title,
        external_url("bookings.mine.show", booking_id=booking.id),
    )


# A feed repeats the same few spaces and buildings in thousands of events: their lines are
# written once (keyed by the values they are made of, so a changed building is written anew).


@lru_cache(maxsize=4096)
def _summary_line(space_name: str, building_name: str, title: str) -> str:
    return f"SUMMARY:{_text(_summary(space_name, building_name, title))}"


@lru_cache(maxsize=1024)
def _place_lines(
    name: str, address: str, postcode: str, latitude: Decimal | None, longitude: Decimal | None
) -> tuple[str, ...]:
    lines = [f"LOCATION:{_text(_location(name, address, postcode))}"]
    if latitude is not None and longitude is not None:
        lines.append(f"GEO:{float(latitude)};{float(longitude)}")
    return tuple(lines)


@lru_cache(maxsize=1024)
def _arrival(instructions: str) -> str:
    """The start of the DESCRIPTION: the building's arrival instructions, escaped."""
    return _text(f"When you arrive: {instructions.strip()}\n\n") if instructions.strip() else ""


def _description_line(instructions: str, link: str) -> str:
    return f"DESCRIPTION:{_arrival(instructions)}{_text(_manage(link))}"


def summary(space: Space, title: str = "") -> str:
    """ "Desk 4, Reddish Library", or with a title "Team meeting — Room 2, Reddish Library"."""
    return _summary(space.name, space.building.name, title)


def _summary(space_name: str, building_name: str, title: str) -> str:
    where = f"{space_name}, {building_name}"
    return f"{title} — {where}" if title else where


def location(building: Building) -> str:
    """ "Reddish Library, 1 Gorton Road, Reddish, SK5 6UG": name, address lines, postcode."""
    return _location(building.name, building.address, building.postcode)


def _location(name: str, address: str, postcode: str) -> str:
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    return ", ".join([name, *lines, postcode])


def _manage(link: str) -> str:
    return f"See, change or cancel this booking: {link}"


@lru_cache(maxsize=8192)
def _date_time(moment: datetime) -> str:
    """A DTSTART/DTEND parameter and value: Europe/London wall-clock time with TZID.

    Except in the repeated autumn hour (01:00 to 02:00 on 25 October 2026, say), where a wall
    time names two moments and parsers disagree on which (ical.js takes the second, vobject and
    RFC 5545 the first): there the moment is written in UTC.
    """
    if _ambiguous(moment):
        return f":{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return f";TZID={TZID}:{to_local(moment):%Y%m%dT%H%M%S}"


def _ambiguous(moment: datetime) -> bool:
    """Whether the wall-clock time of `moment` happens twice (the autumn repeated hour)."""
    local = to_local(moment)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _last_change(bookings: Iterable[Booking]) -> datetime:
    return max(booking.updated_at for booking in bookings)


# People: the service's mailbox organises; the booker and the room's attendees attend.


def _people(bookings: Iterable[Booking], addresses: Sequence[str] | None) -> list[tuple[str, str]]:
    """(address, name) of everyone invited to `bookings`, bookers first, each once; or of
    `addresses` when given (named when they are a booker)."""
    bookings = list(bookings)
    names = {b.person.email.lower(): b.person.name for b in bookings}
    if addresses is None:
        addresses = [b.person.email for b in bookings] + sorted(
            {a.email for b in bookings for a in b.attendees}
        )
    unique = dict.fromkeys(address.lower() for address in addresses)
    return [(address, names.get(address, "")) for address in unique]


def _people_lines(people: Sequence[tuple[str, str]]) -> list[str]:
    """ORGANIZER is the service's mailbox (address and display name of MAIL_FROM), never the
    booker: Outlook treats an invite organised by its own reader as needing no answer. The
    attendees are asked for no reply (RSVP=FALSE): nothing reads the service's mailbox."""
    organizer_name, organizer = parseaddr(current_app.config["MAIL_FROM"])
    cn = f';CN="{_param(organizer_name)}"' if organizer_name else ""
    lines = [f"ORGANIZER{cn}:mailto:{organizer}"]
    for address, name in people:
        if address == organizer.lower():
            continue
        cn = f';CN="{_param(name)}"' if name else ""
        lines.append(
            f"ATTENDEE{cn};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
            f"RSVP=FALSE:mailto:{address}"
        )
    return lines


# Series: one recurring event.


@dataclass(frozen=True)
class _Pattern:
    """The recurrence rule written for a series, and every date it generates."""

    rule: str
    days: list[date]


def _pattern(series: BookingSeries) -> _Pattern:
    """The RRULE of a series and the dates it generates.

    Weekly: FREQ=WEEKLY;BYDAY with the series' own COUNT or UNTIL, generating exactly the
    pattern's dates. Daily means "every day the building is open", which no RRULE can say
    (opening hours, bank holidays): FREQ=DAILY from the first to the last date ever booked,
    UNTIL that date, and an EXDATE for every day in between without an active occurrence.
    """
    if series.frequency is Frequency.WEEKLY:
        days, _ = pattern_dates(
            frequency=series.frequency,
            starts_on=series.starts_on,
            weekdays=series.weekday_numbers,
            until=series.until,
            count=series.count,
            building=series.space.building,
            bank_holidays={},
        )
        if series.count is not None:
            end = f"COUNT={series.count}"
        else:
            assert series.until is not None  # a series has a count or an end date
            end = f"UNTIL={_until(series, series.until)}"
        weekdays = ",".join(_WEEKDAYS[day] for day in series.weekday_numbers)
        return _Pattern(f"FREQ=WEEKLY;{end};BYDAY={weekdays}", days)
    booked = sorted(b.occurrence_date for b in series.bookings if b.occurrence_date is not None)
    first, last = booked[0], booked[-1]
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return _Pattern(f"FREQ=DAILY;UNTIL={_until(series, last)}", days)


def _until(series: BookingSeries, day: date) -> str:
    """UNTIL in UTC (RFC 5545 requires it with a TZID start): the start on the last date."""
    return f"{wall_clock_to_utc(day, series.start_time):%Y%m%dT%H%M%SZ}"


def _planned(series: BookingSeries, day: date) -> datetime:
    """The planned wall-clock start of the series on `day`: the RECURRENCE-ID of that date."""
    return datetime.combine(day, series.start_time)


def _master(series: BookingSeries, pattern: _Pattern, stamp: datetime) -> _Event:
    starts_at = wall_clock_to_utc(pattern.days[0], series.start_time)
    return _Event(
        series_uid(series),
        series.sequence,
        stamp,
        starts_at,
        starts_at + timedelta(minutes=series.duration_minutes),
        series.space,
        series.title,
        external_url("bookings.series.show", series_id=series.id),
        rule=pattern.rule,
    )


def _series_events(
    series: BookingSeries, active: Sequence[Booking], stamp: datetime
) -> tuple[datetime, list[_Event]]:
    """The master event (excluding every date without an active occurrence) and the
    overrides it needs, and the UTC start of the master (for sorting)."""
    pattern = _pattern(series)
    master = _master(series, pattern, stamp)
    booked = {b.occurrence_date for b in active}
    master.exdates = [_planned(series, day) for day in pattern.days if day not in booked]
    overrides = [
        _occurrence_event(series, booking, stamp)
        for booking in sorted(active, key=lambda b: (b.occurrence_date or date.min, b.id))
        if _needs_override(series, booking)
    ]
    return master.starts_at, [master, *overrides]


def _needs_override(series: BookingSeries, booking: Booking) -> bool:
    """Whether the rule alone would show `booking` wrongly: it moved (time, space or title), or
    it is in the repeated autumn hour, which only an override's UTC times pin down."""
    assert booking.occurrence_date is not None
    planned = wall_clock_to_utc(booking.occurrence_date, series.start_time)
    return (
        booking.starts_at != planned
        or booking.ends_at != planned + timedelta(minutes=series.duration_minutes)
        or booking.space_id != series.space_id
        or booking.title != series.title
        or _ambiguous(booking.starts_at)
        or _ambiguous(booking.ends_at)
    )


def _occurrence_event(series: BookingSeries, booking: Booking, stamp: datetime) -> _Event:
    """One occurrence of the series as it is: an override (or cancellation) by RECURRENCE-ID."""
    assert booking.occurrence_date is not None
    return _Event(
        series_uid(series),
        series.sequence,
        stamp,
        booking.starts_at,
        booking.ends_at,
        booking.space,
        booking.title,
        external_url("bookings.series.show", series_id=series.id),
        recurrence_id=_planned(series, booking.occurrence_date),
    )


# Content lines (RFC 5545 section 3.1).


def _calendar(method: Method, events: Iterable[_Event], header: Sequence[str] = ()) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method.value}",
        *header,
        *VTIMEZONE,
    ]
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    lines.append("")  # the last line ends in CRLF too
    return "\r\n".join(
        line if len(line) <= 75 and line.isascii() else _fold(line) for line in lines
    ).encode()


def _text(value: str) -> str:
    """A TEXT value, escaped (section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A quoted parameter value's content: no double quotes or control characters allowed."""
    return "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in value.replace('"', "'"))


def _fold(line: str) -> str:
    """The line folded into pieces of at most 75 octets, joined by CRLF and a space (section 3.1).

    Never inside a UTF-8 sequence, and never right after a backslash: some programs misread an
    escape split across lines.
    """
    data = line.encode()
    pieces = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        slashes = 0
        while data[cut - 1 - slashes] == BACKSLASH:
            slashes += 1
        cut -= slashes % 2  # an odd run ends in the first half of an escape
        pieces.append(data[start:cut])
        start, limit = cut, 74  # the leading space counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()
