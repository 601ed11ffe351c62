"""The OpenAPI document and the interactive documentation page (Swagger UI).

Swagger UI is served from our own static files (copied from the `swagger-ui-dist` npm package
into static/build/swagger-ui/ by `make assets`) and started by static/api-docs.js, so the page
keeps the app's Content-Security-Policy: scripts and styles from this site only.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("api_docs", __name__)


@bp.route("/api/v1/openapi.json")
def openapi_json() -> ResponseReturnValue:
    response = jsonify(current_app.extensions["booking.api"].document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/api/docs")
def docs() -> ResponseReturnValue:
    return render_template("api/docs.html")
