"""Estates management: buildings, spaces, opening hours, facilities, closures, CSV import.

Building managers work on the buildings they are granted; administrators on every building.
Every route checks on the server: `USE_ESTATES` (or a narrower unscoped permission) first, then
`MANAGE_BUILDING` for the building a page is about. The pages live in one blueprint per thing
(`buildings`, `spaces`, `closures`, `imports`), nested in this one.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from wtforms import SelectChoice

from booking import db, timezones
from booking.catalogue.csv_import import export_lines
from booking.estates import buildings, closures, imports, queries, spaces
from booking.estates.forms import NeighbourhoodFilterForm
from booking.estates.pages import actor
from booking.feedback.estates_views import bp as problems
from booking.permissions import Permission, permission_required
from booking.timezones import today

bp = Blueprint("estates", __name__, url_prefix="/estates")
for child in (buildings.bp, spaces.bp, closures.bp, imports.bp, problems):
    bp.register_blueprint(child)


@bp.route("/")
@permission_required(Permission.USE_ESTATES)
def dashboard() -> str:
    person, session = actor(), db.session()
    filter_form, chosen = None, None
    if person.is_administrator:
        neighbourhoods = queries.neighbourhoods(session)
        filter_form = NeighbourhoodFilterForm(request.args)
        filter_form.neighbourhood.choices = [
            SelectChoice("", "All neighbourhoods"),
            *(SelectChoice(n.slug, n.name) for n in neighbourhoods),
        ]
        chosen = next((n for n in neighbourhoods if n.slug == filter_form.neighbourhood.data), None)
    rows = queries.managed_buildings(session, person, timezones.now(), chosen)
    return render_template(
        "estates/dashboard.html", rows=rows, filter_form=filter_form, chosen=chosen
    )


@bp.route("/export.csv")
@permission_required(Permission.USE_ESTATES)
def export() -> Response:
    """The person's buildings and spaces as the import's CSV, written a line at a time.

    Everything is loaded before the response starts (see `buildings_to_export`): the lines are
    written after the request, and its database session, have finished.
    """
    found = queries.buildings_to_export(db.session(), actor())
    filename = f"shared-spaces-catalogue-{today():%Y-%m-%d}.csv"
    return Response(
        export_lines(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
