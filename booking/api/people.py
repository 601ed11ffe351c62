"""Who the token belongs to, and their settings."""

from __future__ import annotations

from typing import Any

from booking import db
from booking.accounts.models import Person
from booking.api.auth import current_person
from booking.api.framework import Blueprint
from booking.api.schemas import PersonChangeSchema, PersonSchema
from booking.calendar import feeds, invites

bp = Blueprint("people", __name__, description="The person whose token it is")
TAGS = ["You"]


@bp.route("/me", tags=TAGS)
@bp.response(200, PersonSchema)
def me() -> dict[str, Any]:
    """The person whose token this is"""
    return _described(current_person())


@bp.route("/me", methods=["PATCH"], tags=TAGS)
@bp.arguments(PersonChangeSchema)
@bp.response(200, PersonSchema)
def change_me(args: dict[str, Any]) -> dict[str, Any]:
    """Change your settings

    `invites_enabled`: whether your bookings are emailed to you as calendar invites.
    """
    person: Person = current_person()
    invites.set_invites_enabled(db.session(), person, args["invites_enabled"])
    return _described(person)


def _described(person: Person) -> dict[str, Any]:
    grants = sorted(person.grants, key=lambda grant: grant.id)
    feed = feeds.personal_feed(db.session(), person)
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "organisation": person.organisation,
        "is_administrator": person.is_administrator,
        "manages_buildings": [g.building for g in grants if g.building is not None],
        "leads_neighbourhoods": [g.neighbourhood for g in grants if g.neighbourhood is not None],
        "invites_enabled": person.invites_enabled,
        "calendar_feed_url": feeds.feed_url(feed),
        "calendar_feed_webcal_url": feeds.feed_url(feed, webcal=True),
    }
