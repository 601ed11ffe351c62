"""Friendly error pages: every failure is a page that says what happened and what to do."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        "There was a problem with your request",
        "Go back, check what you entered and try again.",
    ),
    403: (
        "You cannot see this page",
        "Your account does not have permission to do this. "
        "If you think it should, ask an administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted it, check you copied the entire address.",
    ),
    405: ("There was a problem with your request", "Go back and try again."),
    413: ("The file is too big", "Choose a smaller file and try again."),
    429: ("Too many attempts", "You have tried too many times. Wait 5 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def render_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, advice = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template("errors/error.html", title=title, advice=advice), code


def render_csrf_error(_error: CSRFError) -> tuple[str, int]:
    return (
        render_template(
            "errors/error.html",
            title="Your form could not be sent",
            advice="This can happen if you were signed out or the page was open for a long "
            "time. Go back, reload the page and try again.",
        ),
        400,
    )


def render_unexpected(error: Exception) -> tuple[str, int]:
    log.exception("Unhandled error", exc_info=error)
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_error)
    if not app.testing:
        # In tests an unexpected error should fail loudly with its traceback.
        app.register_error_handler(Exception, render_unexpected)
