"""`GET /healthz`: the process is up (for load balancers; also the benchmarks' ceiling route).

It touches nothing — no database, no session — so it measures the cost of Flask and gunicorn
alone. `GET /readyz` also checks that the database answers.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from booking import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/readyz")
def readyz() -> tuple[str, int, dict[str, str]]:
    db.session().execute(text("SELECT 1"))
    return "ready", 200, {"Content-Type": "text/plain"}
