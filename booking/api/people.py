"""Who the token belongs to."""

from __future__ import annotations

from typing import Any

from booking.accounts.models import Person
from booking.api.auth import current_person
from booking.api.framework import Blueprint
from booking.api.schemas import PersonSchema

bp = Blueprint("people", __name__, description="The person whose token it is")
TAGS = ["You"]


@bp.route("/me", tags=TAGS)
@bp.response(200, PersonSchema)
def me() -> dict[str, Any]:
    """The person whose token this is"""
    person: Person = current_person()
    grants = sorted(person.grants, key=lambda grant: grant.id)
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "organisation": person.organisation,
        "is_administrator": person.is_administrator,
        "manages_buildings": [g.building for g in grants if g.building is not None],
        "leads_neighbourhoods": [g.neighbourhood for g in grants if g.neighbourhood is not None],
        "calendar_feed_url": None,
    }
