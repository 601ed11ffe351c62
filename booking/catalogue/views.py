"""Browsing the catalogue: neighbourhoods, their buildings, a building, a space.

Also the service's accessibility statement and privacy notice, which need no sign-in.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from booking import db
from booking.catalogue import queries
from booking.catalogue.forms import BuildingFilterForm
from booking.catalogue.models import Building, Facility
from booking.permissions import Permission, can
from booking.timezones import now

bp = Blueprint("catalogue", __name__)

MISSING = {
    Facility.WIFI: "No Wi-Fi",
    Facility.REFRESHMENTS: "No refreshments",
    Facility.STEP_FREE: "No step-free access",
    Facility.ACCESSIBLE_TOILET: "No accessible toilet",
    Facility.HEARING_LOOP: "No hearing loop",
    Facility.BABY_CHANGE: "No baby changing",
    Facility.PARKING: "No parking",
    Facility.CYCLE_STORAGE: "No cycle storage",
    Facility.PUBLIC_TRANSPORT: "Not near public transport",
}
"""How the building page says a facility is missing."""


def map_links(building: Building) -> dict[str, str]:
    """Links that open the building in the phone's map app (Google Maps) and OpenStreetMap."""
    if building.latitude is not None and building.longitude is not None:
        lat, lon = f"{building.latitude:f}", f"{building.longitude:f}"
        return {
            "maps": f"https://www.google.com/maps/search/?api=1&query={lat},{lon}",
            "openstreetmap": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}",
        }
    place = quote_plus(f"{building.address}, {building.postcode}")
    return {
        "maps": f"https://www.google.com/maps/search/?api=1&query={place}",
        "openstreetmap": f"https://www.openstreetmap.org/search?query={place}",
    }


def _visible(building: Building, *, active: bool) -> bool:
    """Deactivated buildings and spaces are only for the people who manage the building."""
    return active or can(current_user, Permission.MANAGE_BUILDING, building)


@bp.route("/")
@login_required
def neighbourhoods() -> str:
    summaries = queries.neighbourhood_summaries(db.session())
    return render_template("catalogue/neighbourhoods.html", summaries=summaries)


@bp.route("/neighbourhoods/<slug>")
@login_required
def neighbourhood(slug: str) -> tuple[str, int]:
    session = db.session()
    found = queries.neighbourhood_by_slug(session, slug)
    if found is None:
        abort(404)
    form = BuildingFilterForm(request.args)
    valid = form.validate()
    buildings = queries.buildings_in(session, found, form.facilities, form.kinds, now=now())
    page = render_template(
        "catalogue/neighbourhood.html", neighbourhood=found, form=form, buildings=buildings
    )
    return page, 200 if valid else 422


@bp.route("/buildings/<int:building_id>")
@login_required
def building(building_id: int) -> str:
    page = queries.building_page(db.session(), building_id, now=now())
    if page is None or not _visible(page.building, active=page.building.active):
        abort(404)
    return render_template(
        "catalogue/building.html",
        page=page,
        building=page.building,
        upcoming=page.upcoming,
        map_links=map_links(page.building),
        accessibility=queries.ACCESSIBILITY,
        facilities=queries.FACILITIES,
        missing=MISSING,
    )


@bp.route("/spaces/<int:space_id>")
@login_required
def space(space_id: int) -> str:
    page = queries.space_page(db.session(), space_id, now=now())
    if page is None or not _visible(
        page.building, active=page.building.active and page.space.active
    ):
        abort(404)
    return render_template(
        "catalogue/space.html",
        page=page,
        space=page.space,
        building=page.building,
        upcoming=page.upcoming,
        reasons=queries.reasons_not_bookable(page.space, current_user),
    )


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("catalogue/accessibility.html")


@bp.route("/privacy")
def privacy() -> str:
    return render_template("catalogue/privacy.html")
