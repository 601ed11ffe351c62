"""Calendar feeds: a person's bookings, or a building's or a space's, at an unguessable URL.

Every feed belongs to a person: their own bookings, or (for building managers and
administrators) the bookings of a building or of one space. The URL's only secret is the
feed's token (256 random bits); resetting a feed revokes its token at once and makes another.

A feed is made the first time someone asks for it (their account page, the API's `/me`, a
building's feed page), so reading a page may write a row. Two first reads at the same moment
may each make one: both tokens work, everyone is shown the oldest, and a reset revokes both.

What a feed shows: active bookings from the start of the day 30 days ago to the end of the day
a year ahead. A personal feed holds the bookings the person made and the room bookings they
are invited to as an attendee (matched by email address, whether or not they had an account
when invited): everything they are expected at, which is what people who subscribe instead of
receiving invites need. Cancelled and no-show bookings are left out: Outlook shows a cancelled
event in a subscribed calendar as an ordinary one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from booking.accounts.emails import external_url
from booking.accounts.models import Person
from booking.audit.services import record
from booking.bookings.models import Booking, BookingAttendee, BookingSeries, BookingStatus
from booking.bookings.rules import LONGEST_BOOKING
from booking.calendar.ics import feed_calendar
from booking.calendar.models import CalendarFeed
from booking.catalogue.models import Building, Space
from booking.permissions import Permission, can
from booking.timezones import local_day_bounds, today
from booking.timezones import now as clock_now

SERVICE = "Shared Spaces"
DAYS_BACK = 30
DAYS_AHEAD = 365
"""The feed's window: from the start of the day 30 days ago to the end of the day 365 days on."""
TOKEN_BYTES = 32


class FeedNotAllowed(Exception):
    """Only a building's managers (and administrators) may have its feed or its spaces'."""


@dataclass(frozen=True)
class FeedDocument:
    """A feed's calendar as served: its bytes, and when what it shows last changed."""

    body: bytes
    last_modified: datetime


@dataclass(frozen=True)
class BuildingFeeds:
    building: CalendarFeed
    spaces: list[tuple[Space, CalendarFeed]]
    """Each active space of the building, with its feed."""


def may_subscribe(person: Person, building: Building) -> bool:
    """Whether `person` may have the feed of `building` and of its spaces."""
    return can(person, Permission.MANAGE_BUILDING, building)


def personal_feed(session: Session, person: Person) -> CalendarFeed:
    """The person's own feed, made on first use."""
    feed = session.scalars(_active_of(person.id, None, None).limit(1)).first()
    if feed is None:
        feed = _new_feed(session, person, None, None)
        session.flush()
    return feed


def building_feeds(session: Session, person: Person, building: Building) -> BuildingFeeds:
    """`person`'s feeds of `building` and of each of its active spaces, made on first use.

    One query finds the ones that exist and one flush makes the rest, however many spaces.
    """
    if not may_subscribe(person, building):
        raise FeedNotAllowed()
    spaces = [space for space in building.spaces if space.active]
    found: dict[tuple[int | None, int | None], CalendarFeed] = {}
    for feed in session.scalars(
        select(CalendarFeed)
        .where(
            CalendarFeed.person_id == person.id,
            CalendarFeed.revoked_at.is_(None),
            or_(
                CalendarFeed.building_id == building.id,
                CalendarFeed.space_id.in_([space.id for space in spaces]),
            ),
        )
        .order_by(CalendarFeed.created_at, CalendarFeed.id)
    ):
        found.setdefault((feed.building_id, feed.space_id), feed)

    def feed_of(building_id: int | None, space: Space | None) -> CalendarFeed:
        key = (building_id, space.id if space is not None else None)
        if key not in found:
            found[key] = _new_feed(session, person, building_id, space)
        return found[key]

    made = BuildingFeeds(
        feed_of(building.id, None), [(space, feed_of(None, space)) for space in spaces]
    )
    session.flush()
    return made


def reset_feed(session: Session, person: Person, feed: CalendarFeed) -> CalendarFeed:
    """Revoke every working token of the feed's subject at once, and make a new one.

    Anyone subscribed with an old link gets "not found" from the next refresh on. Only the
    feed's holder may reset it, and a building's or space's feed only while they may have it.
    """
    building = _subject_building(feed)
    if feed.person_id != person.id or (
        building is not None and not may_subscribe(person, building)
    ):
        raise FeedNotAllowed()
    now = clock_now()
    for old in session.scalars(_active_of(feed.person_id, feed.building_id, feed.space_id)):
        old.revoked_at = now
    fresh = _new_feed(session, feed.person, feed.building_id, feed.space)
    session.flush()
    record(
        session,
        person,
        "calendar_feed.reset",
        fresh,
        f"Reset the link of the calendar feed {feed_name(feed)!r}",
    )
    return fresh


def feed_by_token(session: Session, token: str) -> CalendarFeed | None:
    """The working feed with this token, or None (unknown, revoked, or no longer allowed).

    A building or space feed stops working when its holder stops managing the building, and
    every feed of a person whose account is deactivated stops with it.
    """
    if not 0 < len(token) <= 64:
        return None
    feed = session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.token == token, CalendarFeed.revoked_at.is_(None))
        .options(
            joinedload(CalendarFeed.person).selectinload(Person.grants),
            joinedload(CalendarFeed.building),
            joinedload(CalendarFeed.space).joinedload(Space.building),
        )
    )
    if feed is None or not feed.person.is_active:
        return None
    building = _subject_building(feed)
    if building is not None and not may_subscribe(feed.person, building):
        return None
    return feed


def feed_name(feed: CalendarFeed) -> str:
    """ "Shared Spaces — your bookings", "Shared Spaces — Room 2 at Reddish Library".

    No comma of our own: escaped (as iCalendar text must be), ical.js shows it as "\\,".
    """
    if feed.space is not None:
        return f"{SERVICE} — {feed.space.name} at {feed.space.building.name}"
    if feed.building is not None:
        return f"{SERVICE} — {feed.building.name}"
    return f"{SERVICE} — your bookings"


def feed_url(feed: CalendarFeed, *, webcal: bool = False) -> str:
    """The feed's address on BASE_URL (https in production); `webcal` swaps the scheme.

    The https address is the one to give people: some programs fetch a webcal:// address
    over plain http.
    """
    url = external_url("calendar_feeds.feed", token=feed.token)
    if webcal:
        _scheme, _, rest = url.partition("://")
        url = f"webcal://{rest}"
    return url


def feed_window(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC instants between which a feed shows bookings, seen at `moment`.

    Whole Europe/London days, so that the feed changes only when bookings do, and at midnight.
    """
    day = today(moment)
    starts, _ = local_day_bounds(day - timedelta(days=DAYS_BACK))
    _, ends = local_day_bounds(day + timedelta(days=DAYS_AHEAD))
    return starts, ends


def feed_bookings(session: Session, feed: CalendarFeed, moment: datetime) -> list[Booking]:
    """The active bookings the feed shows, soonest first, with all the calendar needs loaded.

    Spaces, buildings and series are loaded by `selectinload`, one query each for all the
    bookings: joining them in would repeat each building's long text columns on every row,
    which made reading 2,000 bookings four times slower.
    """
    query = select(Booking).where(*_in_window(feed, moment), Booking.status == BookingStatus.ACTIVE)
    return list(
        session.scalars(
            query.options(
                selectinload(Booking.space).selectinload(Space.building),
                selectinload(Booking.series)
                .selectinload(BookingSeries.space)
                .selectinload(Space.building),
                # A daily series' dates come from all its occurrences (see ics._pattern).
                selectinload(Booking.series).selectinload(BookingSeries.bookings),
            ).order_by(Booking.starts_at, Booking.id)
        )
    )


def feed_version(session: Session, feed: CalendarFeed, moment: datetime) -> datetime:
    """When what the feed shows last changed: its `Last-Modified`.

    The newest change to any booking in the window, counting cancelled and no-show ones (a
    cancellation removes an event, and is the newest change to its booking), to the spaces and
    buildings they are in, and to the feed's own building or space (their names and addresses
    are in the events); the feed's creation; and the start of today, because the window moves
    at midnight. The ETag (a hash of the bytes) is the exact check; this is a bound for the
    programs that only send If-Modified-Since.
    """
    newest = session.execute(
        select(
            func.max(Booking.updated_at),
            func.max(Space.updated_at),
            func.max(Building.updated_at),
        )
        .join(Space, Booking.space_id == Space.id)
        .join(Building, Space.building_id == Building.id)
        .where(*_in_window(feed, moment))
    ).one()
    subject = [
        thing.updated_at for thing in (feed.space, _subject_building(feed)) if thing is not None
    ]
    day_started, _ = local_day_bounds(today(moment))
    candidates: list[datetime] = [
        feed.created_at,
        day_started,
        *subject,
        *(t for t in newest if t is not None),
    ]
    return min(max(candidates), moment)


def feed_document(
    session: Session, feed: CalendarFeed, moment: datetime | None = None
) -> FeedDocument:
    """The feed's calendar (METHOD:PUBLISH, byte-identical while nothing changes)."""
    moment = moment or clock_now()
    body = feed_calendar(feed_name(feed), feed_bookings(session, feed, moment))
    return FeedDocument(body, feed_version(session, feed, moment))


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _new_feed(
    session: Session, person: Person, building_id: int | None, space: Space | None
) -> CalendarFeed:
    feed = CalendarFeed(
        token=new_token(),
        person=person,
        building_id=building_id,
        space=space,
        created_at=clock_now(),
    )
    session.add(feed)
    return feed


def _active_of(
    person_id: int, building_id: int | None, space_id: int | None
) -> Select[CalendarFeed]:
    """The subject's working feeds, oldest first (the one to show)."""
    return (
        select(CalendarFeed)
        .where(
            CalendarFeed.person_id == person_id,
            _is(CalendarFeed.building_id, building_id),
            _is(CalendarFeed.space_id, space_id),
            CalendarFeed.revoked_at.is_(None),
        )
        .order_by(CalendarFeed.created_at, CalendarFeed.id)
    )


def _is(column: InstrumentedAttribute[int | None], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _subject_building(feed: CalendarFeed) -> Building | None:
    if feed.space is not None:
        return feed.space.building
    return feed.building


def _in_window(feed: CalendarFeed, moment: datetime) -> list[ColumnElement[bool]]:
    """The conditions picking the bookings of the feed's subject that touch its window."""
    starts, ends = feed_window(moment)
    conditions = [
        Booking.starts_at > starts - LONGEST_BOOKING,  # lets the (…, starts_at) indexes work
        Booking.starts_at < ends,
        Booking.ends_at > starts,
    ]
    if feed.space_id is not None:
        conditions.append(Booking.space_id == feed.space_id)
    elif feed.building_id is not None:
        conditions.append(
            Booking.space_id.in_(select(Space.id).where(Space.building_id == feed.building_id))
        )
    else:
        invited = select(BookingAttendee.booking_id).where(
            BookingAttendee.email == feed.person.email
        )
        conditions.append(or_(Booking.person_id == feed.person_id, Booking.id.in_(invited)))
    return conditions
