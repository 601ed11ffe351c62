"""Estates management: buildings, spaces, opening hours, facilities, closures, CSV import."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("estates", __name__, url_prefix="/estates")


@bp.route("/")
def dashboard() -> str:
    return "estates"
