"""The JSON API v1, at /api/v1: a thin layer over the same services as the web pages.

Made with flask-smorest, which writes the OpenAPI 3.1 document (/api/v1/openapi.json, shown at
/api/docs) from the code. Every call is authenticated by a personal access token
(`booking.api.auth`); every error is an RFC 9457 problem (`booking.api.problems`).
"""

from __future__ import annotations

from flask import Flask

from booking.api import auth, bookings, catalogue, docs, people, problems
from booking.api.framework import Api, Blueprint
from booking.extensions import csrf
from booking.reports import api as reports

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.before_request(auth.authenticate)
problems.register(bp)
for area in (catalogue, people, bookings, reports):
    bp.register_blueprint(area.bp)


def init_app(app: Flask) -> None:
    """Register the API on `app`."""
    api = Api(app)
    api.register_blueprint(bp)
    for tag, area in (
        ("Catalogue", catalogue),
        ("You", people),
        ("Bookings", bookings),
        ("Reports", reports),
    ):
        api.spec.tag({"name": tag, "description": area.bp.description})
    app.extensions["booking.api"] = api
    app.register_blueprint(docs.bp)
    # The API never reads the session cookie (tokens only), so cross-site forgery cannot act
    # through it: CSRF tokens are for the web forms.
    for blueprint in (bp, catalogue.bp, people.bp, bookings.bp, reports.bp):
        csrf.exempt(blueprint)
    problems.init_app(app)
