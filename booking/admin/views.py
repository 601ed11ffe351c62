"""Administration: organisations and their email domains, people, role grants, the audit log."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
def dashboard() -> str:
    return "admin"
