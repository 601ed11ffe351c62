"""Every error the API gives is an RFC 9457 problem: `application/problem+json` with `type`,
`title`, `status`, `detail` and, when the request had mistakes, `errors` (field → messages).

Views raise `Problem`; werkzeug's HTTP errors (404, 405, 413 …) and webargs' validation errors
(422, carrying marshmallow's messages) are turned into problems by `problem_for`. Flask only
lets a blueprint handle the errors raised inside its own views, so errors met while routing
(an unknown /api URL, a method a URL does not allow) are handled at the app level, by path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Blueprint, Flask, Response, current_app, request
from flask.typing import ErrorHandlerCallable, ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
API_PATH = "/api/"

DETAILS = {
    400: "The request could not be read.",
    401: "Send a personal access token in the Authorization header: Bearer <token>.",
    403: "You do not have permission to do that.",
    404: "There is nothing here. Check the address.",
    413: "The request is too large.",
    415: "Send the request body as JSON, with Content-Type: application/json.",
    422: "The request has mistakes: see errors.",
    429: "Too many requests. Wait a minute, then try again.",
    500: "Sorry, something went wrong on our side. Try again later.",
}

PROBLEM_TYPES = {
    "invalid-request": "The request has mistakes; `errors` names each field with its messages.",
    "booking-rule": "The booking breaks a booking rule; `detail` says which, in plain words.",
    "space-taken": "Someone else has the space for some of that time.",
    "feedback-rule": "Feedback cannot be given on that booking (yet); `detail` says why.",
}
"""The API's own problem types; HTTP errors with nothing more to say are `about:blank`."""


class Problem(HTTPException):
    """An HTTP error with the API's problem details; raise it from any API view."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = status
        self.detail = detail
        self.kind = kind
        self.errors = dict(errors) if errors is not None else None
        self.extra_headers = dict(headers or {})


class ProblemSchema(ma.Schema):
    """The shape of every error response (RFC 9457), for the OpenAPI document."""

    type = ma.fields.String(
        required=True,
        metadata={"description": "A URI naming the kind of problem (about:blank for plain HTTP)"},
    )
    title = ma.fields.String(required=True, metadata={"description": "A short summary"})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    detail = ma.fields.String(
        required=True, metadata={"description": "What went wrong this time, in plain words"}
    )
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={
            "description": "For mistakes in the request: each field (`_schema` for the request "
            "as a whole) with its messages"
        },
    )


def problem_type_uri(kind: str) -> str:
    return f"{current_app.config['BASE_URL']}/api/docs#problem-{kind}"


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": problem_type_uri(kind) if kind else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    return response


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages flattened: {"attendees.0": ["Not a valid string."]}."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(messages, list | tuple) and any(isinstance(m, Mapping) for m in messages):
        flat = {}
        for message in messages:
            flat.update(field_errors(message, prefix))
        return flat
    found = list(messages) if isinstance(messages, list | tuple) else [messages]
    return {prefix or "_schema": [str(message) for message in found]}


def _request_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """webargs' messages are keyed by location ("json", "query"); the fields are what matter."""
    errors: dict[str, list[str]] = {}
    for messages in data.get("messages", {}).values():
        errors.update(field_errors(messages))
    return errors


def problem_for(error: HTTPException) -> Response:
    """The problem response for any HTTP error met while serving the API."""
    status = error.code or 500
    headers = {
        key: value
        for key, value in error.get_headers()
        if key.lower() not in {"content-type", "content-length"}
    }
    if isinstance(error, Problem):
        headers.update(error.extra_headers)
        return problem_response(
            status, error.detail, kind=error.kind, errors=error.errors, headers=headers
        )
    data = getattr(error, "data", None)
    if isinstance(data, Mapping) and "messages" in data:
        errors = _request_errors(data)
        detail = "; ".join(
            (f"{field}: " if field != "_schema" else "") + " ".join(messages).rstrip(".")
            for field, messages in errors.items()
        )
        detail = f"{detail}." if detail else detail
        return problem_response(
            status, detail or DETAILS[422], kind="invalid-request", errors=errors, headers=headers
        )
    if status == 405:
        allowed = headers.get("Allow", "")
        detail = f"{request.method} is not allowed here. Allowed methods: {allowed}."
    else:
        detail = DETAILS.get(status, DETAILS[400 if status < 500 else 500])
    return problem_response(status, detail, headers=headers)


def is_api_request() -> bool:
    return request.path.startswith(API_PATH)


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """An exception no view expected: logged, and answered with a 500 problem.

    In tests it propagates instead, with its traceback (as `booking.errors` does for pages).
    """
    if isinstance(error, HTTPException):
        return problem_for(error)
    if current_app.testing:
        raise error
    log.exception("Unhandled error in the API", exc_info=error)
    return problem_for(InternalServerError())


def register(blueprint: Blueprint) -> None:
    """Problems for every error raised in the API's views."""
    blueprint.register_error_handler(HTTPException, problem_for)
    blueprint.register_error_handler(Exception, handle_unexpected)


def init_app(app: Flask) -> None:
    """Problems for the errors met under /api/ before any view is chosen (404, 405).

    The app-level handler registered before this one (the HTML error page) still answers for
    every other path.
    """
    html_handler: ErrorHandlerCallable | None = app.error_handler_spec[None][None].get(
        HTTPException
    )

    def handle_http_error(error: HTTPException) -> ResponseReturnValue:
        if is_api_request():
            return problem_for(error)
        if html_handler is None:
            return error
        page: ResponseReturnValue = current_app.ensure_sync(html_handler)(error)
        return page

    app.register_error_handler(HTTPException, handle_http_error)
