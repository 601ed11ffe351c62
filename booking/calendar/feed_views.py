"""Calendar feeds on the web: the feed itself, resetting a link, a building's feeds page.

The feed (`GET /calendar/feeds/<token>.ics`) needs no sign-in: calendar programs fetch it with
nothing but the URL. It answers conditional requests with 304, is never compressed (Outlook is
reported to drop compressed subscriptions) and answers an unknown or revoked token with a bare
404 that says nothing about why.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from booking import db
from booking.accounts.forms import Form
from booking.accounts.models import Person
from booking.calendar import feed_logs, feeds
from booking.calendar.models import CalendarFeed
from booking.catalogue.models import Space
from booking.estates.pages import managed_building
from booking.permissions import Permission, permission_required

bp = Blueprint("calendar_feeds", __name__)

CACHE_CONTROL = "private, max-age=0, must-revalidate, no-transform"
"""Kept only by the subscriber's own program, which asks again (with its ETag) every time;
`no-transform` asks proxies not to compress or otherwise rewrite it."""


@bp.record_once
def _keep_tokens_out_of_logs(state: BlueprintSetupState) -> None:
    feed_logs.install(state.app)


@dataclass(frozen=True)
class FeedLinks:
    """What a page shows of a feed."""

    name: str
    https: str
    webcal: str
    reset: str


def links(feed: CalendarFeed) -> FeedLinks:
    return FeedLinks(
        name=feeds.feed_name(feed),
        https=feeds.feed_url(feed),
        webcal=feeds.feed_url(feed, webcal=True),
        reset=url_for("calendar_feeds.reset", feed_id=feed.id),
    )


@bp.route("/calendar/feeds/<token>.ics")
def feed(token: str) -> Response:
    session = db.session()
    try:
        found = feeds.feed_by_token(session, token)
        document = feeds.feed_document(session, found) if found is not None else None
    except StatementError as error:
        # The statement's parameters (the token among them) would be in the logged error.
        error.hide_parameters = True
        raise
    if document is None:
        return Response("Not found\n", 404, mimetype="text/plain")
    response = Response(document.body, mimetype="text/calendar")
    response.set_etag(hashlib.sha256(document.body).hexdigest()[:32])
    response.last_modified = document.last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Robots-Tag"] = "noindex"
    return response.make_conditional(request)


@bp.route("/account/calendar-feeds/<int:feed_id>/reset", methods=["GET", "POST"])
@login_required
def reset(feed_id: int) -> ResponseReturnValue:
    """Ask, then give the feed a new link; the old one stops working at once."""
    person, session = _person(), db.session()
    feed = session.scalar(
        select(CalendarFeed)
        .where(
            CalendarFeed.id == feed_id,
            CalendarFeed.person_id == person.id,
            CalendarFeed.revoked_at.is_(None),
        )
        .options(
            joinedload(CalendarFeed.building),
            joinedload(CalendarFeed.space).joinedload(Space.building),
        )
    )
    if feed is None:
        abort(404)
    building = feed.space.building if feed.space is not None else feed.building
    if building is not None and not feeds.may_subscribe(person, building):
        abort(404)
    back = (
        url_for("accounts.account", _anchor="calendar-feed")
        if building is None
        else url_for(".building", building_id=building.id)
    )
    if Form().validate_on_submit():
        feeds.reset_feed(session, person, feed)
        flash(
            f"The calendar feed {feeds.feed_name(feed)} has a new link. The old link has "
            "stopped working: subscribe again with the new one.",
            "success",
        )
        return redirect(back)
    return render_template(
        "layouts/confirm.html",
        title="Reset the link of this calendar feed?",
        caption=feeds.feed_name(feed),
        paragraphs=[
            "The old link stops working at once: every calendar subscribed with it will stop "
            "showing these bookings. You will get a new link to subscribe with.",
            "Reset the link if you think someone else has it.",
        ],
        button="Reset link",
        back=back,
        warning=True,
    )


@bp.route("/estates/buildings/<int:building_id>/calendar-feeds")
@permission_required(Permission.USE_ESTATES)
def building(building_id: int) -> str:
    """The building's feed and each space's, for its managers and administrators."""
    building = managed_building(building_id)
    found = feeds.building_feeds(db.session(), _person(), building)
    return render_template(
        "calendar/building_feeds.html",
        building=building,
        building_feed=links(found.building),
        space_feeds=[(space, links(feed)) for space, feed in found.spaces],
    )


def _person() -> Person:
    """The signed-in person (the real object, not Flask-Login's proxy, for the services)."""
    return cast(Person, current_user._get_current_object())
