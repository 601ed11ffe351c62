"""Calendar invites by email (iTIP over iMIP, RFC 5546 and RFC 6047): who gets what, and the email.

The booking service decides when a booking was made, changed or cancelled and calls the
functions here in the same transaction (`booking.bookings.services`, `recurrence`, the no-show
release in `checkin`). Every message goes to the outbox, so an invite leaves only if the change
commits, and a change that rolls back sends nothing.

Who gets what:

- The booker, unless they turned invites off; for a room, every attendee too, except an
  attendee whose account has invites off. One email per person, one booking (or one
  repeating booking) per email.
- Booked or changed: a REQUEST with the booking's SEQUENCE (the service bumps it on every
  change), so calendars replace the event they already have. Attendees removed by a change get
  a CANCEL listing only them.
- Cancelled: a CANCEL with the same UID and a higher SEQUENCE, and the reason when someone
  other than the booker cancelled (a building manager, a closure, the no-show release).
- A repeating booking is one event with a rule (`ics.series_invite_calendar`), SEQUENCE
  `series.sequence`. Cancelling one date sends a CANCEL of that date (its RECURRENCE-ID). When
  several dates are cancelled at once ("this and following"), the series is sent again as a
  REQUEST in which those dates are excluded (EXDATE): Outlook's own model has one cancellation
  per message and shortens a series by updating it, so a single CANCEL carrying several
  RECURRENCE-IDs risks cancelling only the first date there. Once no date of the series is
  left, the whole series is cancelled.

The email (RFC 6047): multipart/mixed holding multipart/alternative (plain text, HTML, and the
calendar as text/calendar with the same `method` parameter as inside) and the same calendar as
the attachment `invite.ics`. Both calendar parts are base64, so the CRLF line endings iCalendar
requires reach the calendar program byte for byte, whatever relays do to text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from email.headerregistry import Address
from email.message import EmailMessage

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts.emails import external_url
from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings.models import Booking, BookingSeries
from booking.bookings.wording import period
from booking.calendar import ics
from booking.calendar.ics import Method
from booking.catalogue.models import Building
from booking.mail import send_email
from booking.templating import format_date, format_time
from booking.timezones import to_local

ATTACHMENT = "invite.ics"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""
    is_booker: bool = False
    has_account: bool = False
    """Whether they can turn invites off (an attendee may have no account)."""


@dataclass(frozen=True)
class Notice:
    """What one email says, before it is addressed to each recipient."""

    method: Method
    calendar: bytes
    verb: str
    """ "Booked", "Changed" or "Cancelled": the subject's first word."""
    what: str
    """ "Desk 4, Reddish Library", or a room booking's title first."""
    when: str
    """For the subject: "Tue 8 Jan 2030, 10am to 11am"."""
    dates: list[str]
    """For the body: each date concerned in words, or a repeating booking's pattern."""
    where: str
    """ "Reddish Library, 1 Gorton Road, Reddish, SK5 6UG"."""
    building: Building
    booker: Person
    manage_link: str
    reason: str = ""
    repeating: bool = False
    removed: bool = False
    """Sent to attendees taken off the booking (it goes on without them)."""


# What the booking service calls.


def booking_booked(session: Session, booking: Booking) -> None:
    """A new booking (not part of a series): a REQUEST to the booker and attendees."""
    notice = _booking_notice(booking, "Booked")
    _send(session, notice, _recipients(session, booking.person, _attendees(booking)))


def booking_changed(session: Session, booking: Booking, *, removed: Collection[str] = ()) -> None:
    """A changed booking or date of a series: its new form to everyone on it, and a CANCEL to
    the attendees `removed` from it."""
    series, removed = booking.series, sorted(removed)
    if series is None:
        notice = _booking_notice(booking, "Changed")
        everyone = _attendees(booking)
    else:
        notice = _series_notice(series, "Changed", [booking])
        everyone = _series_attendees(series, [booking])
    _send(session, notice, _recipients(session, booking.person, everyone))
    if not removed:
        return
    if series is None:
        dropped = _booking_notice(booking, "Cancelled", cancel=True, attendees=removed)
    else:
        dropped = _series_notice(
            series, "Cancelled", [booking], cancel=True, cancelled=[booking], attendees=removed
        )
    dropped = replace(dropped, removed=True, reason="")
    _send(session, dropped, _recipients(session, booking.person, removed, booker_too=False))


def booking_cancelled(session: Session, booking: Booking, *, booker_only: bool = False) -> None:
    """A cancelled booking, or one cancelled date of a series (a CANCEL of its RECURRENCE-ID).

    `booker_only`: the no-show release tells only the booker, who did not turn up.
    """
    series = booking.series
    if series is None:
        notice = _booking_notice(booking, "Cancelled", cancel=True)
    else:
        notice = _series_notice(series, "Cancelled", [booking], cancel=True, cancelled=[booking])
    attendees = [] if booker_only else _attendees(booking)
    _send(session, notice, _recipients(session, booking.person, attendees))


def series_booked(session: Session, series: BookingSeries, pattern: str) -> None:
    """A new repeating booking: one REQUEST of the whole series. `pattern` is in words."""
    occurrences = _active(series)
    notice = replace(
        _series_notice(series, "Booked", occurrences[:1]),
        dates=[f"{pattern}, starting {format_date(occurrences[0].starts_at)}"],
        when=f"repeating from {_short_date(occurrences[0])}",
    )
    _send(session, notice, _recipients(session, series.person, _series_attendees(series)))


def occurrences_cancelled(
    session: Session, series: BookingSeries, cancelled: Sequence[Booking]
) -> None:
    """Dates of a series cancelled together: a CANCEL of that one date, the series again
    without them, or a CANCEL of the whole series once none is left (see the module's
    docstring for why)."""
    attendees = _series_attendees(series, cancelled)
    if not _active(series):
        notice = _series_notice(series, "Cancelled", cancelled, cancel=True)
    elif len(cancelled) == 1:
        notice = _series_notice(series, "Cancelled", cancelled, cancel=True, cancelled=cancelled)
    else:
        notice = _series_notice(series, "Cancelled", cancelled)
    _send(session, notice, _recipients(session, series.person, attendees))


def set_invites_enabled(session: Session, person: Person, enabled: bool) -> None:
    """Turn `person`'s calendar invites on or off (recorded in the audit log when it changes)."""
    if person.invites_enabled == enabled:
        return
    person.invites_enabled = enabled
    record(
        session,
        person,
        "person.invites",
        person,
        f"{person.name} turned calendar invites {'on' if enabled else 'off'}",
        {"invites_enabled": [not enabled, enabled]},
    )
    session.flush()


# What each email says.


def _booking_notice(
    booking: Booking, verb: str, *, cancel: bool = False, attendees: Sequence[str] | None = None
) -> Notice:
    """A notice about one booking: its REQUEST, or with `cancel` its CANCEL."""
    method = Method.CANCEL if cancel else Method.REQUEST
    return Notice(
        method=method,
        calendar=ics.invite_calendar(booking, method, attendees=attendees),
        verb=verb,
        what=ics.summary(booking.space, booking.title),
        when=_short_period(booking),
        dates=[period(booking.starts_at, booking.ends_at)],
        where=ics.location(booking.space.building),
        building=booking.space.building,
        booker=booking.person,
        manage_link=external_url("bookings.mine.show", booking_id=booking.id),
        reason=_reason(booking),
    )


def _series_notice(
    series: BookingSeries,
    verb: str,
    about: Sequence[Booking],
    *,
    cancel: bool = False,
    cancelled: Sequence[Booking] = (),
    attendees: Sequence[str] | None = None,
) -> Notice:
    """A notice about the dates `about` of `series`: the series' REQUEST, or with `cancel` a
    CANCEL of the dates `cancelled` (of the whole series when there are none)."""
    method = Method.CANCEL if cancel else Method.REQUEST
    calendar = ics.series_invite_calendar(
        series, method, occurrences=cancelled, attendees=attendees
    )
    first = about[0]
    return Notice(
        method=method,
        calendar=calendar,
        verb=verb,
        what=ics.summary(first.space, series.title),
        when=_short_period(first)
        if len(about) == 1
        else f"{len(about)} dates from {_short_date(first)}",
        dates=[period(b.starts_at, b.ends_at) for b in about],
        where=ics.location(first.space.building),
        building=first.space.building,
        booker=series.person,
        manage_link=external_url("bookings.series.show", series_id=series.id),
        reason="; ".join(sorted({_reason(b) for b in about} - {""})),
        repeating=True,
    )


def _short_date(booking: Booking) -> str:
    """ "Tue 8 Jan 2030"."""
    start = to_local(booking.starts_at)
    return f"{start:%a} {start.day} {start:%b %Y}"


def _short_period(booking: Booking) -> str:
    """ "Tue 8 Jan 2030, 10am to 11am": short enough for a subject line."""
    start, end = to_local(booking.starts_at), to_local(booking.ends_at)
    ends = format_time(end.time()) if end.date() == start.date() else _short_date(booking)
    return f"{_short_date(booking)}, {format_time(start.time())} to {ends}"


def _reason(booking: Booking) -> str:
    """Why the booking was cancelled, when someone or something other than its booker did it."""
    if booking.released_at is not None:
        minutes = booking.space.building.check_in_grace_minutes
        return (
            f"Nobody checked in within {minutes} minutes of the start, "
            "so the space was released for others to book."
        )
    if booking.cancelled_by_id not in (None, booking.person_id):
        return booking.cancellation_reason
    return ""


# Who gets it.


def _attendees(booking: Booking) -> list[str]:
    return [attendee.email for attendee in booking.attendees]


def _active(series: BookingSeries) -> list[Booking]:
    return [b for b in series.bookings if b.is_active]


def _series_attendees(series: BookingSeries, occurrences: Iterable[Booking] = ()) -> list[str]:
    """Everyone invited to any date of the series still on, or to the `occurrences` given."""
    return sorted({a.email for b in [*_active(series), *occurrences] for a in b.attendees})


def _recipients(
    session: Session, booker: Person, attendees: Iterable[str], *, booker_too: bool = True
) -> list[Recipient]:
    """The booker (if `booker_too`) and `attendees`, less anyone who turned invites off.

    Attendees are matched to accounts by email address, whatever its case.
    """
    addresses = sorted({a.strip().lower() for a in attendees} - {booker.email.lower()})
    people = (
        {
            person.email.lower(): person
            for person in session.scalars(
                select(Person).where(func.lower(Person.email).in_(addresses))
            )
        }
        if addresses
        else {}
    )
    found: list[Recipient] = []
    if booker_too and booker.invites_enabled:
        found.append(Recipient(booker.email, booker.name, is_booker=True, has_account=True))
    for address in addresses:
        person = people.get(address)
        if person is None:
            found.append(Recipient(address))
        elif person.invites_enabled:
            found.append(Recipient(address, person.name, has_account=True))
    return found


# The email.


def _send(session: Session, notice: Notice, recipients: Sequence[Recipient]) -> None:
    for recipient in recipients:
        send_email(session, _email(notice, recipient))


def _subject(notice: Notice, recipient: Recipient) -> str:
    verb = notice.verb
    if verb == "Booked" and not recipient.is_booker:
        verb = "Invitation"
    return f"{verb}: {notice.what}, {notice.when}"


def _email(notice: Notice, recipient: Recipient) -> EmailMessage:
    template = "booking_invite" if notice.verb != "Cancelled" else "booking_cancelled"
    context = {
        "notice": notice,
        "recipient": recipient,
        "subject": _subject(notice, recipient),
        "account_link": external_url("accounts.account"),
    }
    email = EmailMessage()
    email["To"] = Address(recipient.name, addr_spec=recipient.address)
    email["Subject"] = context["subject"]
    email.set_content(render_template(f"emails/{template}.txt", **context))
    email.add_alternative(render_template(f"emails/{template}.html", **context), subtype="html")
    email.add_alternative(
        notice.calendar,
        maintype="text",
        subtype="calendar",
        params={"method": notice.method.value, "charset": "utf-8"},
    )
    email.add_attachment(
        notice.calendar,
        maintype="application",
        subtype="ics",
        filename=ATTACHMENT,
        params={"name": ATTACHMENT},
    )
    return email
