"""flask-smorest, set up for this API: OpenAPI 3.1, bearer tokens, problem+json errors.

flask-smorest registers its error handler on the whole app and documents errors as its own
JSON shape; here errors are problems (`booking.api.problems`) handled for /api only, and the
document says so.
"""

from __future__ import annotations

import http
import json
from typing import Any, NoReturn

import flask_smorest
from flask import Request
from flask_smorest.utils import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from booking.api.problems import DETAILS, PROBLEM_JSON, PROBLEM_TYPES, Problem, ProblemSchema

OPENAPI_VERSION = "3.1.0"

DESCRIPTION = """\
The Shared Spaces booking API: the catalogue of buildings and spaces, when they are free, and
your own bookings. Every call needs a personal access token (create one on your account page),
sent as `Authorization: Bearer <token>`.

Times are ISO 8601. Responses give them with the Europe/London offset of the moment. Requests
may give an offset, or none for Europe/London wall-clock time: a time skipped when the clocks
go forward is refused, and a time that happens twice when they go back means the first
(British Summer Time).

Errors are RFC 9457 problems (`application/problem+json`).
"""


def _problem_types_description() -> str:
    lines = ["", "Problem types:", ""]
    for kind, meaning in PROBLEM_TYPES.items():
        lines.append(f'- <a id="problem-{kind}"></a>`{kind}`: {meaning}')
    return "\n".join(lines) + "\n"


class Parser(FlaskParser):
    """webargs' parser, refusing bodies that are not JSON (415) or cannot be read (400)."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            if req.get_data(cache=True):
                raise Problem(415, DETAILS[415])
            return core.missing
        return core.parse_json(req.get_data(cache=True))

    def load_json(self, req: Request, schema: Any) -> Any:
        try:
            return super().load_json(req, schema)
        except (RecursionError, ValueError) as error:  # too deep, or a number too long
            self._handle_invalid_json_error(error, req)

    def _handle_invalid_json_error(
        self, error: Exception, req: Request, *args: Any, **kwargs: Any
    ) -> NoReturn:
        abort(400, exc=error, messages={"json": ["The request body is not valid JSON."]})


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = Parser()


class Api(flask_smorest.Api):  # type: ignore[misc]
    """The API's OpenAPI document and documentation defaults."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Any) -> None:
        super().__init__(
            app,
            spec_kwargs={
                "title": "Shared Spaces API",
                "version": "1",
                "openapi_version": OPENAPI_VERSION,
                "info": {"description": DESCRIPTION + _problem_types_description()},
                "security": [{"bearerAuth": []}],
            },
        )
        self.spec.components.security_scheme(
            "bearerAuth",
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal access token from your account page",
            },
        )

    def register_blueprint(self, blp: Blueprint, **options: Any) -> None:
        """flask-smorest's, without adding a tag named after the blueprint: the operations
        are tagged by area ("Catalogue", "Bookings"), and those tags are described instead."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=blp.name, parameters=None)

    def _register_error_handlers(self) -> None:
        """Errors are handled by `booking.api.problems` for /api only, not app-wide."""

    def _register_responses(self) -> None:
        """Document every error response as a problem (flask-smorest's own uses plain JSON)."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "An error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document, as served."""
        spec: dict[str, Any] = json.loads(json.dumps(self.spec.to_dict(), default=str))
        return spec
