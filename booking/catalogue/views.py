"""Browsing the catalogue: neighbourhoods, their buildings, a building, a space."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("catalogue", __name__)


@bp.route("/")
@login_required
def neighbourhoods() -> str:
    return render_template("catalogue/neighbourhoods.html")


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("catalogue/neighbourhoods.html")


@bp.route("/privacy")
def privacy() -> str:
    return render_template("catalogue/neighbourhoods.html")
