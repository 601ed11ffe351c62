"""Problems reported with spaces, for the managers of their buildings (administrators: all).

Nested in the estates blueprint (`/estates/problems`). A problem in a building someone does
not manage does not exist for them (404).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from booking import db
from booking.bookings.errors import NotYours
from booking.bookings.wording import period
from booking.catalogue.models import Building
from booking.estates.pages import actor
from booking.feedback import services
from booking.feedback.forms import FixForm
from booking.feedback.services import FeedbackError
from booking.permissions import Permission, can, permission_required
from booking.timezones import now

bp = Blueprint("problems", __name__)


@bp.context_processor
def _wording() -> dict[str, Any]:
    return {"period": period}


@bp.route("/problems")
@permission_required(Permission.USE_ESTATES)
def index() -> str:
    """Open problems, oldest first; `?building=<id>` for one building the person manages."""
    person, session = actor(), db.session()
    building = None
    building_id = request.args.get("building", type=int)
    if building_id is not None:
        building = session.get(Building, building_id)
        if building is None or not can(person, Permission.MANAGE_BUILDING, building):
            abort(404)
    problems = services.open_problems(
        session, person, building_ids=None if building is None else [building.id]
    )
    return render_template("feedback/problems.html", problems=problems, building=building)


@bp.route("/problems/<int:problem_id>/fix", methods=["GET", "POST"])
@permission_required(Permission.USE_ESTATES)
def fix(problem_id: int) -> Response | tuple[str, int]:
    person, session = actor(), db.session()
    problem = services.managed_problem(session, person, problem_id)
    if problem is None:
        abort(404)
    if not problem.is_open:
        flash("This problem has already been marked as fixed.")
        return redirect(url_for(".index"))
    form = FixForm()
    if form.validate_on_submit():
        try:
            services.fix_problem(session, person, problem, form.note.data or "", now=now())
        except NotYours:
            abort(404)
        except FeedbackError as error:
            form.show(error)
        else:
            flash(f"Marked as fixed. {problem.reported_by.name} has been told by email.", "success")
            return redirect(url_for(".index"))
    page = render_template("feedback/fix.html", form=form, problem=problem)
    return page, 422 if form.errors else 200
