"""A believable booking history for the demo: the last 8 weeks and the next 2.

Loaded by `seed-demo` only while the database has no bookings at all, so running it again adds
nothing. About 60 colleagues in the partner organisations (without passwords: they cannot sign
in) book alongside the demo people: desks for a morning, an afternoon or the whole day, rooms for
an hour or two on the quarter-hour grid, more often mid-week and in the morning, some buildings
busy and others quiet. The demo people also get upcoming bookings of their own, so My bookings
shows something.

Like `seed-bench`, the bookings are worked out in Python — keeping each space's and each
person's busy times, so no rule the database enforces is broken — and inserted in bulk, without
calendar invites, emails or audit entries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from booking.accounts.models import Person
from booking.bookings.models import Booking, BookingAttendee, BookingSeries, Frequency
from booking.bookings.presets import desk_presets
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Building, Closure, Organisation, Space, SpaceKind
from booking.catalogue.queries import hours_on
from booking.demo import data
from booking.demo.bench import outcome
from booking.feedback.models import ProblemCategory, ProblemReport, SpaceRating
from booking.timezones import local_day_bounds, now, to_local, today, wall_clock_to_utc

WEEKS_BEFORE, WEEKS_AFTER = 8, 2
SEED = 2026
CANCELLED, NO_SHOW = 0.10, 0.08
RATED = 0.25
WEEKDAY_DEMAND = (0.75, 1.0, 1.0, 0.95, 0.55, 0.3, 0.2)
"""How busy each weekday is, Monday first: mid-week is the peak, weekends are quiet."""
BUILDING_DEMAND = (1.0, 0.85, 0.6, 0.35, 0.15)
"""How busy buildings are, assigned in turn: a few busy ones, most middling, some quiet."""
MORNING_STARTS = 0.65
"""The share of room bookings that start before 1pm."""

FIRST_NAMES = (
    "Aisha",
    "Ben",
    "Carla",
    "Dan",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Imran",
    "Jade",
    "Kieran",
    "Leah",
    "Mo",
    "Nadia",
    "Owen",
    "Pat",
    "Rosa",
    "Sean",
    "Tariq",
    "Una",
    "Vik",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Amir",
    "Beth",
    "Callum",
    "Dina",
    "Eddie",
    "Fran",
)
LAST_NAMES = (
    "Ahmed",
    "Brennan",
    "Clarke",
    "Dawson",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kaur",
    "Lowe",
    "Murphy",
    "Nolan",
    "O'Brien",
    "Price",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
)
COLLEAGUES_PER_ORGANISATION = {
    data.COUNCIL: 14,
    data.NHS: 10,
    data.POLICE: 6,
    data.COMMUNITY: 5,
    data.LEISURE: 4,
    data.HOMES: 6,
    data.AGE_UK: 4,
    data.PENNINE: 5,
    data.VIADUCT: 3,
    data.CARERS: 3,
}
MEETING_TITLES = (
    "Team huddle",
    "Case review",
    "Multi-agency meeting",
    "Partnership catch-up",
    "Safeguarding review",
    "Training session",
    "Project planning",
    "Interview panel",
    "Drop-in session",
)
QUIET_TITLES = ("One-to-one", "Supervision", "Confidential call", "Appraisal")
PROBLEMS = (
    (ProblemCategory.WIFI, "The Wi-Fi kept dropping out all morning."),
    (ProblemCategory.HEATING, "The room was very cold; the radiator would not come on."),
)


@dataclass(frozen=True)
class HistoryResult:
    people: int
    bookings: int


@dataclass(frozen=True)
class _Day:
    """A day a building is open: its opening and closing times and desk presets, in UTC."""

    building: Building
    day: date
    opens: datetime
    closes: datetime
    presets: dict[str, tuple[datetime, datetime]]


@dataclass
class _Plan:
    """The bookings worked out so far, and who and what is busy when."""

    now: datetime
    rng: random.Random
    rows: list[dict[str, Any]] = field(default_factory=list)
    attendees: list[list[Person]] = field(default_factory=list)
    busy: dict[tuple[str, int, date], list[tuple[datetime, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Busy times by space, or by person at a desk or in a room, and (UTC) day: no booking
    crosses midnight UTC, as no demo building opens then."""

    def _keys(self, space: Space, person: Person, starts_at: datetime) -> list[Any]:
        day = starts_at.date()
        return [("space", space.id, day), ("desk" if _is_desk(space) else "room", person.id, day)]

    def is_free(self, space: Space, person: Person, starts_at: datetime, ends_at: datetime) -> bool:
        """Neither the space nor the person (at a desk, or in a room) is busy then."""
        return all(
            ends_at <= start or end <= starts_at
            for key in self._keys(space, person, starts_at)
            for start, end in self.busy[key]
        )

    def add(
        self,
        space: Space,
        person: Person,
        starts_at: datetime,
        ends_at: datetime,
        *,
        title: str = "",
        attendees: Sequence[Person] = (),
        attended: bool = False,
        series: BookingSeries | None = None,
    ) -> None:
        """Book it, with an outcome drawn at the demo's rates (`attended`: checked in if past)."""
        for key in self._keys(space, person, starts_at):
            self.busy[key].append((starts_at, ends_at))
        grace = timedelta(minutes=space.building.check_in_grace_minutes)
        rates = (0.0, 0.0) if attended else (CANCELLED, NO_SHOW)
        result = outcome(
            self.rng, starts_at, self.now, cancelled=rates[0], no_show=rates[1], grace=grace
        )
        self.rows.append(
            {
                "space_id": space.id,
                "person_id": person.id,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "is_desk": _is_desk(space),
                "status": result.status,
                "title": title,
                "series_id": series.id if series else None,
                "occurrence_date": _local_date(starts_at) if series else None,
                "sequence": 0,
                "checked_in_at": result.checked_in_at,
                "cancelled_at": result.cancelled_at,
                "cancelled_by_id": person.id if result.cancelled_at else None,
                "cancellation_reason": result.cancellation_reason,
                "released_at": result.released_at,
                "created_at": result.created_at,
                "updated_at": result.updated_at,
            }
        )
        self.attendees.append(list(attendees))


def _is_desk(space: Space) -> bool:
    return space.kind is SpaceKind.DESK


def _local_date(moment: datetime) -> date:
    return to_local(moment).date()


def bookings_exist(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Booking)))


def seed_history(session: Session, *, seed: int = SEED) -> HistoryResult:
    """Add the colleagues and the booking history, unless there are bookings already."""
    if bookings_exist(session):
        return HistoryResult(0, 0)
    rng = random.Random(seed)
    colleagues, added_people = _colleagues(session)
    demo_emails = {d.email for d in data.PEOPLE}
    people = list(
        session.scalars(
            select(Person)
            .where(Person.email.in_([*colleagues, *demo_emails]))
            .options(selectinload(Person.organisation))
            .order_by(Person.id)
        )
    )
    demo = {p.email: p for p in people if p.email in demo_emails}
    buildings = list(
        session.scalars(
            select(Building)
            .where(Building.is_demo, Building.active)
            .options(
                selectinload(Building.opening_hours),
                selectinload(Building.spaces),
                selectinload(Building.allowed_organisations),
            )
            .order_by(Building.id)
        )
    )
    plan = _Plan(now(), rng)
    days = _open_days(session, buildings)
    _demo_people_bookings(session, plan, days, demo)
    _everyone_elses_bookings(plan, days, [p for p in people if p.email not in demo])
    session.execute(insert(Booking), plan.rows)
    # No space has two bookings starting at once, so the space and start find each one's id.
    ids = {
        (space_id, starts_at): booking_id
        for booking_id, space_id, starts_at in session.execute(
            select(Booking.id, Booking.space_id, Booking.starts_at)
        )
    }
    booking_ids = [ids[row["space_id"], row["starts_at"]] for row in plan.rows]
    _attendees(session, booking_ids, plan.attendees)
    _feedback(session, plan, booking_ids)
    session.flush()
    return HistoryResult(added_people, len(booking_ids))


def _colleagues(session: Session) -> tuple[list[str], int]:
    """The colleagues' email addresses, and how many of them were missing and are added.

    Inserted in bulk like bench.py's people, but without passwords: they cannot sign in.
    """
    known = set(session.scalars(select(Person.email)))
    organisations = {o.name: o for o in session.scalars(select(Organisation))}
    names = iter(
        (first, last) for n, first in enumerate(FIRST_NAMES) for last in LAST_NAMES[n % 7 :: 7]
    )
    created = now()
    emails, wanted = [], []
    for organisation_name, count in COLLEAGUES_PER_ORGANISATION.items():
        organisation = organisations[organisation_name]
        domain = organisation.domains[0].domain
        for _ in range(count):
            first, last = next(names)
            email = f"{first}.{last}@{domain}".lower().replace("'", "")
            emails.append(email)
            if email not in known:
                wanted.append(
                    {
                        "email": email,
                        "name": f"{first} {last}",
                        "organisation_id": organisation.id,
                        "password_hash": None,
                        "email_verified_at": created,
                        "active": True,
                        "session_version": 1,
                        "created_at": created,
                    }
                )
    if wanted:
        session.execute(insert(Person), wanted)
    return emails, len(wanted)


def _open_days(session: Session, buildings: list[Building]) -> list[_Day]:
    """Every day in the window on which a building opens and has no closure."""
    first = today() - timedelta(weeks=WEEKS_BEFORE)
    last = today() + timedelta(weeks=WEEKS_AFTER)
    holidays = bank_holidays_between(session, first, last)
    # A closure of one space closes its whole building for the demo: simpler, and as believable.
    closures = session.execute(
        select(
            func.coalesce(Closure.building_id, Space.building_id),
            Closure.starts_at,
            Closure.ends_at,
        ).outerjoin(Space, Space.id == Closure.space_id)
    )
    closed: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for building_id, starts_at, ends_at in closures:
        closed[building_id].append((starts_at, ends_at))
    days = []
    for building in buildings:
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            hours = hours_on(building, day, holidays)
            if hours is None:
                continue
            start, end = local_day_bounds(day)
            if any(s < end and start < e for s, e in closed[building.id]):
                continue
            presets = desk_presets(day, hours, start)
            days.append(
                _Day(
                    building,
                    day,
                    wall_clock_to_utc(day, hours.opens),
                    wall_clock_to_utc(day, hours.closes),
                    {p.name: (p.starts_at, p.ends_at) for p in presets},
                )
            )
    return days


def _spaces(building: Building, *kinds: SpaceKind) -> list[Space]:
    return [s for s in building.spaces if s.kind in kinds and s.active and s.bookable]


def _room_times(rng: random.Random, day: _Day) -> tuple[datetime, datetime] | None:
    """One or two hours on the quarter-hour grid, within the day's opening hours."""
    length = timedelta(minutes=rng.choice((60, 60, 90, 120)))
    quarters = int((day.closes - length - day.opens) / timedelta(minutes=15))
    if quarters < 0:
        return None
    midday = int((wall_clock_to_utc(day.day, time(13)) - day.opens) / timedelta(minutes=15))
    morning = rng.random() < MORNING_STARTS and 0 < midday <= quarters
    quarter = rng.randint(0, midday - 1) if morning else rng.randint(0, quarters)
    starts_at = day.opens + quarter * timedelta(minutes=15)
    return starts_at, starts_at + length


def _demo_people_bookings(
    session: Session, plan: _Plan, days: list[_Day], demo: dict[str, Person]
) -> None:
    """The demo people's own bookings: a desk tomorrow in Reddish, a weekly team meeting…"""
    start = today()
    upcoming = [d for d in days if d.day > start]
    past = [d for d in days if d.day < start]
    for person in demo.values():
        for preset in ("day", "morning", "day", "afternoon", "day", "morning"):
            _book_desk(plan, past, person, preset, attended=False)
    nurse = demo.get("nurse@nhs.example")
    if nurse:
        reddish = [d for d in upcoming if d.building.neighbourhood.slug == "heatons-reddish"]
        _book_desk(plan, sorted(reddish, key=_date), nurse, "day", first_free=True)
        _book_room(plan, upcoming, nurse, SpaceKind.QUIET_ROOM, "Supervision")
    lead = demo.get("lead.central@council.example")
    if lead:
        _weekly_meeting(session, plan, days, lead)
    for email in ("admin@council.example", "estates@council.example"):
        if email in demo:
            _book_desk(plan, upcoming, demo[email], "morning")
            _book_room(plan, upcoming, demo[email], SpaceKind.MEETING_ROOM, "Partnership catch-up")
    for email in ("officer@police.example", "worker@community.example"):
        if email in demo:
            _book_desk(plan, upcoming, demo[email], "day")
            _book_desk(plan, upcoming, demo[email], "afternoon")


def _book_desk(
    plan: _Plan,
    days: list[_Day],
    person: Person,
    preset: str,
    *,
    first_free: bool = False,
    attended: bool = True,
) -> None:
    """A desk for `preset` on one of `days` (the earliest free one when `first_free`);
    `attended`: never cancelled or missed."""
    candidates = days if first_free else plan.rng.sample(days, len(days))
    for day in candidates:
        if preset not in day.presets or not day.building.is_open_to(person):
            continue
        starts_at, ends_at = day.presets[preset]
        for desk in _spaces(day.building, SpaceKind.DESK):
            if plan.is_free(desk, person, starts_at, ends_at):
                plan.add(desk, person, starts_at, ends_at, attended=attended)
                return


def _book_room(plan: _Plan, days: list[_Day], person: Person, kind: SpaceKind, title: str) -> None:
    for day in plan.rng.sample(days, len(days)):
        times = _room_times(plan.rng, day)
        if times is None or not day.building.is_open_to(person):
            continue
        for room in _spaces(day.building, kind):
            if plan.is_free(room, person, *times):
                plan.add(room, person, *times, title=title, attended=True)
                return


def _weekly_meeting(session: Session, plan: _Plan, days: list[_Day], lead: Person) -> None:
    """The lead's team meeting every Tuesday at 10am in Central: a series across the window."""
    tuesdays = [
        d
        for d in days
        if d.building.neighbourhood.slug == "central"
        and d.day.weekday() == 1
        and _spaces(d.building, SpaceKind.MEETING_ROOM)
        and d.building.is_open_to(lead)
        and d.opens <= wall_clock_to_utc(d.day, time(10))
    ]
    if not tuesdays:
        return
    building = tuesdays[0].building
    room = _spaces(building, SpaceKind.MEETING_ROOM)[0]
    first = today() - timedelta(weeks=WEEKS_BEFORE)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
    last = today() + timedelta(weeks=WEEKS_AFTER)
    series = BookingSeries(
        person=lead,
        space=room,
        title="Central neighbourhood team meeting",
        frequency=Frequency.WEEKLY,
        weekdays="1",
        starts_on=first_tuesday,
        start_time=time(10),
        duration_minutes=60,
        count=(last - first_tuesday).days // 7 + 1,
        until=None,
        created_at=wall_clock_to_utc(first_tuesday - timedelta(days=7), time(9)),
    )
    session.add(series)
    session.flush()
    team = session.scalars(
        select(Person)
        .where(Person.organisation_id == lead.organisation_id, Person.id != lead.id)
        .order_by(Person.id)
        .limit(4)
    ).all()
    for day in (d for d in tuesdays if d.building is building):
        starts_at = wall_clock_to_utc(day.day, time(10))
        if plan.is_free(room, lead, starts_at, starts_at + timedelta(hours=1)):
            plan.add(
                room,
                lead,
                starts_at,
                starts_at + timedelta(hours=1),
                title=series.title,
                attendees=team,
                attended=True,
                series=series,
            )


def _everyone_elses_bookings(plan: _Plan, days: list[_Day], people: list[Person]) -> None:
    """Desks and rooms across every open day, as busy as the building and the weekday."""
    rng = plan.rng
    buildings = sorted({d.building for d in days}, key=_id)
    demand = {
        building.id: BUILDING_DEMAND[n % len(BUILDING_DEMAND)]
        for n, building in enumerate(rng.sample(buildings, len(buildings)))
    }
    allowed: dict[int, list[Person]] = {}
    for day in days:
        busy = demand[day.building.id] * WEEKDAY_DEMAND[day.day.weekday()]
        bookers = allowed.get(day.building.id) or allowed.setdefault(
            day.building.id, [p for p in people if day.building.is_open_to(p)]
        )
        for desk in _spaces(day.building, SpaceKind.DESK):
            roll = rng.random()
            shapes = (
                ["day"]
                if roll < 0.4
                else ["morning"]
                if roll < 0.7
                else ["morning", "afternoon"]
                if roll < 0.85
                else ["afternoon"]
            )
            for shape in shapes:
                if shape in day.presets and rng.random() < busy:
                    _try(plan, desk, bookers, *day.presets[shape])
        for room in _spaces(day.building, SpaceKind.MEETING_ROOM, SpaceKind.QUIET_ROOM):
            for _ in range(round(3 * busy + rng.random())):
                times = _room_times(rng, day)
                if times is not None:
                    _try(plan, room, bookers, *times)


def _id(building: Building) -> int:
    return building.id


def _date(day: _Day) -> date:
    return day.day


def _try(
    plan: _Plan, space: Space, bookers: list[Person], starts_at: datetime, ends_at: datetime
) -> None:
    """Book `space` for one of a few `bookers` who is free then (if the space is)."""
    rng = plan.rng
    for person in rng.sample(bookers, min(3, len(bookers))):
        if plan.is_free(space, person, starts_at, ends_at):
            if _is_desk(space):
                plan.add(space, person, starts_at, ends_at)
            else:
                others = [p for p in rng.sample(bookers, min(4, len(bookers))) if p is not person]
                titles = MEETING_TITLES if space.kind is SpaceKind.MEETING_ROOM else QUIET_TITLES
                plan.add(
                    space,
                    person,
                    starts_at,
                    ends_at,
                    title=rng.choice(titles),
                    attendees=others[: rng.randint(0, min(2, space.capacity - 1))],
                )
            return


def _attendees(session: Session, booking_ids: list[int], attendees: list[list[Person]]) -> None:
    rows = [
        {"booking_id": booking_id, "email": person.email, "person_id": person.id}
        for booking_id, people in zip(booking_ids, attendees, strict=True)
        for person in people
    ]
    if rows:
        session.execute(insert(BookingAttendee), rows)


def _feedback(session: Session, plan: _Plan, booking_ids: list[int]) -> None:
    """Ratings of some checked-in bookings that have ended, mostly good; two open problems."""
    rng = plan.rng
    attended = [
        (booking_id, row)
        for booking_id, row in zip(booking_ids, plan.rows, strict=True)
        if row["checked_in_at"] is not None and row["ends_at"] <= plan.now
    ]
    ratings = [
        {
            "booking_id": booking_id,
            "space_id": row["space_id"],
            "rating": rng.choices((1, 2, 3), weights=(1, 3, 6))[0],
            "created_at": row["ends_at"],
            "updated_at": row["ends_at"],
        }
        for booking_id, row in attended
        if rng.random() < RATED
    ]
    if ratings:
        session.execute(insert(SpaceRating), ratings)
    recent = sorted(attended, key=lambda pair: pair[1]["ends_at"])[-40:]
    buildings = {
        space_id: building_id
        for space_id, building_id in session.execute(select(Space.id, Space.building_id))
    }
    for (booking_id, row), (category, comment) in zip(
        rng.sample(recent, min(len(PROBLEMS), len(recent))), PROBLEMS, strict=False
    ):
        session.add(
            ProblemReport(
                booking_id=booking_id,
                space_id=row["space_id"],
                building_id=buildings[row["space_id"]],
                category=category,
                comment=comment,
                reported_by_id=row["person_id"],
                created_at=row["ends_at"],
            )
        )
