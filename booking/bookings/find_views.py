"""Finding and booking a space, phone first: "Find a space", the book page, a building's day
and a space's week.

Views only parse what was typed and call `booking.bookings.search` and the booking service.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from booking import db
from booking.accounts.models import Person
from booking.bookings import search as finder
from booking.bookings import services, timeline
from booking.bookings.availability import day_availability
from booking.bookings.errors import BookingError, SpaceTaken
from booking.bookings.forms import (
    NOW,
    BookForm,
    FindForm,
    day_in_range,
    length_choices,
    start_choices,
)
from booking.bookings.presets import free_presets, preset_named
from booking.bookings.rules import START_GRACE
from booking.bookings.wording import period
from booking.catalogue.bank_holidays import bank_holidays_between
from booking.catalogue.models import Building, Neighbourhood, Space, SpaceKind
from booking.catalogue.queries import hours_on, reasons_not_bookable
from booking.demand.recording import record_unmet, wanted_by
from booking.permissions import Permission, can
from booking.templating import format_time
from booking.timezones import now, to_local, today

bp = Blueprint("find", __name__)

REMEMBERED = "find_neighbourhood"
"""The session key of the neighbourhood last searched, to search it again straight away."""
HISTORY_DAYS = 3660
"""How far back the day and week views go (ten years of history)."""


@bp.context_processor
def _wording() -> dict[str, Any]:
    """Helpers for saying UTC times in UK time on these pages (and their hidden fields)."""
    return {
        "clock": _clock,
        "wall_time": lambda moment: f"{to_local(moment):%H:%M}",
        "local_day": lambda moment: to_local(moment).date().isoformat(),
        "minutes": lambda starts_at, ends_at: int((ends_at - starts_at).total_seconds() // 60),
        "distance_text": finder.distance_text,
        "book_arguments": timeline.book_arguments,
    }


def _clock(moment: datetime) -> str:
    """ "9am", "12:30pm": the UK time of a UTC instant."""
    return format_time(to_local(moment).time())


def _actor() -> Person:
    return cast(Person, current_user._get_current_object())


def _day_argument(today: date, *, past_days: int = 0) -> date:
    """The `date` query argument (2026-03-17), or today when it is missing, not a date, or
    out of range (`past_days` back, two years ahead)."""
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return today
    return day if day_in_range(day, today, past_days=past_days) else today


@bp.route("/find")
@login_required
def search() -> tuple[str, int]:
    db_session, person, moment = db.session(), _actor(), now()
    neighbourhoods = {
        n.slug: n for n in db_session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))
    }
    formdata: MultiDict[str, str] | None = request.args or None
    if formdata is None and session.get(REMEMBERED) in neighbourhoods:
        formdata = MultiDict({"neighbourhood": session[REMEMBERED]})
    form = FindForm(formdata, data={"date": today(moment)})
    form.neighbourhood.choices = [
        SelectChoice("", "Choose a neighbourhood"),
        *(SelectChoice(slug, n.name) for slug, n in neighbourhoods.items()),
    ]
    page: dict[str, Any] = {"form": form, "results": None, "alternatives": []}
    if formdata is None:
        return render_template("bookings/find.html", **page), 200
    form.validate()
    times = form.validate_when_and_times(today(moment), moment)
    if form.errors:
        return render_template("bookings/find.html", **page), 422
    session[REMEMBERED] = form.neighbourhood.data
    kind = SpaceKind(form.kind.data)
    criteria = finder.Criteria(
        neighbourhood=neighbourhoods[form.neighbourhood.data],
        day=form.date.data,
        kind=kind,
        starts_at=times[0] if times else None,
        ends_at=times[1] if times else None,
        now=form.when.data == NOW,
        min_capacity=1 if kind is SpaceKind.DESK else (form.capacity.data or 1),
        facilities=form.facilities,
        origin=form.origin,
    )
    results = finder.search(db_session, person, criteria, now=moment)
    if not results.count:
        record_unmet(wanted_by(criteria))
        page["alternatives"] = finder.search_alternatives(
            db_session, person, criteria, results, now=moment
        )
    links = _search_links(formdata)
    page.update(criteria=criteria, results=results, links=links, search_on=links["search_on"])
    return render_template("bookings/find.html", **page), 200


def _search_links(formdata: MultiDict[str, str]) -> dict[str, Any]:
    """The same search today, tomorrow or another day, and without the phone's location."""
    arguments = formdata.to_dict(flat=False)
    day = today()
    return {
        "today": _search_url(arguments, day),
        "tomorrow": _search_url(arguments, day + timedelta(days=1)),
        "without_location": _search_url(
            {k: v for k, v in arguments.items() if k not in ("lat", "lon")}
        ),
        "search_on": lambda moment: _search_url(arguments, to_local(moment).date()),
    }


def _search_url(arguments: dict[str, list[str]], day: date | None = None) -> str:
    """The find page's address for `arguments`, on `day` if given (at any time, if it was
    "now": now is only today)."""
    if day is not None:
        arguments = {**arguments, "date": [day.isoformat()]}
        if arguments.get("when") == [NOW]:
            arguments["when"] = []
    return f"{url_for('.search')}?{urlencode(arguments, doseq=True)}"


def _visible_space(space_id: int) -> Space:
    """The space and its building (hours, who may book), or 404; deactivated ones are only
    for the people who manage the building (who still cannot book them)."""
    space = db.session().scalar(
        select(Space)
        .where(Space.id == space_id)
        .options(
            joinedload(Space.building).options(
                joinedload(Building.owner),
                joinedload(Building.neighbourhood),
                selectinload(Building.opening_hours),
                selectinload(Building.allowed_organisations),
            )
        )
    )
    if space is None:
        abort(404)
    active = space.active and space.building.active
    if not active and not can(current_user, Permission.MANAGE_BUILDING, space.building):
        abort(404)
    return space


@bp.route("/spaces/<int:space_id>/book", methods=["GET", "POST"])
@login_required
def book(space_id: int) -> Response | tuple[str, int]:
    space = _visible_space(space_id)
    db_session, person, moment = db.session(), _actor(), now()
    reasons = reasons_not_bookable(space, person)
    if reasons:
        return render_template("bookings/book.html", space=space, reasons=reasons), 403
    room = space.kind is not SpaceKind.DESK
    posted = request.method == "POST"
    if posted:
        form = BookForm()
    else:  # links may choose the date and times ("Book 10am to 12pm" on a room)
        form = BookForm(request.args or None, data={"date": _day_argument(today(moment))})
        form.length.data = form.length.data or 60
    if posted and form.check_input(room=room, today=today(moment)):
        times = _chosen_times(form, space, moment)
        if times is not None:
            proposal = services.Proposal(
                space, *times, title=form.title.data or "", attendees=form.attendee_emails()
            )
            try:
                booking = services.book(db_session, person, proposal, now=moment)
            except SpaceTaken as error:
                return _taken(space, proposal, form, str(error)), 409
            except BookingError as error:
                form.show(error, room=room)
            else:
                where = f"{space.name}, {space.building.name}"
                flash(f"Booked: {where}, {period(booking.starts_at, booking.ends_at)}", "success")
                return redirect(url_for("bookings.mine.show", booking_id=booking.id))
    day = form.date.data if not form.date.errors and form.date.data else today(moment)
    space_day = day_availability(db_session, [space], day, now=moment, person=person)[space.id]
    hours = space_day.hours
    starts = start_choices(day, hours.opens, hours.closes, moment - START_GRACE) if hours else []
    if hours is None or (room and not starts):
        form.blame_date()
    page = render_template(
        "bookings/book.html",
        form=form,
        space=space,
        day=day,
        space_day=space_day,
        presets=[] if room else free_presets(space_day, moment),
        starts=starts,
        lengths=length_choices(space.building.room_max_minutes),
        room=room,
        today=today(moment),
        tomorrow=today(moment) + timedelta(days=1),
    )
    return page, 422 if form.errors else 200


def _chosen_times(
    form: BookForm, space: Space, moment: datetime
) -> tuple[datetime, datetime] | None:
    """The UTC times the person chose: a desk preset as of now, or the times typed."""
    if space.kind is not SpaceKind.DESK or not form.preset.data:
        return form.times()
    day = form.date.data
    holidays = bank_holidays_between(db.session(), day, day)
    preset = preset_named(form.preset.data, day, hours_on(space.building, day, holidays), moment)
    if preset is None:
        form.preset.errors = ["That time is no longer available: choose another"]
        return None
    return preset.starts_at, preset.ends_at


def _taken(space: Space, proposal: services.Proposal, form: BookForm, message: str) -> str:
    """The "Sorry, just taken" page, with one-tap alternatives (the request rolls back: 409)."""
    alternatives = finder.alternatives(
        db.session(),
        _actor(),
        space,
        proposal.starts_at,
        proposal.ends_at,
        now(),
        min_capacity=1 + len(proposal.attendees),
    )
    return render_template(
        "bookings/taken.html",
        space=space,
        message=message,
        proposal=proposal,
        alternatives=alternatives,
        title=proposal.title,
        attendees=", ".join(proposal.attendees),
    )


@bp.route("/buildings/<int:building_id>/day")
@login_required
def building_day(building_id: int) -> str:
    db_session, person, moment = db.session(), _actor(), now()
    building = timeline.load_building(db_session, building_id)
    if building is None:
        abort(404)
    manager = can(person, Permission.MANAGE_BUILDING, building)
    if not building.active and not manager:
        abort(404)
    day = _day_argument(today(moment), past_days=HISTORY_DAYS)
    lines = timeline.building_day(db_session, building, day, now=moment, person=person)
    return render_template(
        "bookings/day.html",
        building=building,
        day=day,
        lines=lines,
        manager=manager,
        bookers=timeline.bookers(db_session, lines) if manager else {},
        can_book=building.is_open_to(person),
        today=today(moment),
        previous=day - timedelta(days=1),
        next=day + timedelta(days=1),
    )


@bp.route("/spaces/<int:space_id>/week")
@login_required
def space_week(space_id: int) -> str:
    space = _visible_space(space_id)
    db_session, person, moment = db.session(), _actor(), now()
    first = _day_argument(today(moment), past_days=HISTORY_DAYS)
    lines = timeline.space_week(db_session, space, first, now=moment, person=person)
    manager = can(person, Permission.MANAGE_BUILDING, space.building)
    return render_template(
        "bookings/week.html",
        space=space,
        building=space.building,
        first=first,
        lines=lines,
        manager=manager,
        bookers=timeline.bookers(db_session, lines) if manager else {},
        can_book=not reasons_not_bookable(space, person),
        today=today(moment),
        previous=first - timedelta(days=timeline.DAYS_IN_WEEK),
        next=first + timedelta(days=timeline.DAYS_IN_WEEK),
    )
