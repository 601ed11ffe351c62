"""Keeping calendar feed tokens out of the logs.

A feed's URL is its only secret, and the request line of every refresh carries it. Three
places write request lines: gunicorn's access log (and its error log), Werkzeug's development
server, and Flask's "Exception on <path>" message. Each gets `TokenScrubber`, a logging filter
that rewrites `/calendar/feeds/<token>.ics` to `/calendar/feeds/….ics` in the finished message:
gunicorn through `ScrubbingLogger` (named by `logger_class` in gunicorn.conf.py), the other two
when the feeds blueprint is registered (`install`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask.sansio.app import App
from gunicorn.glogging import Logger

FEED_PATH = re.compile(r"(/calendar/feeds/)[^/\s\"'?#.]+")
HIDDEN = "…"


def scrub(text: str) -> str:
    """`text` with the token of every feed URL in it replaced by "…"."""
    return FEED_PATH.sub(rf"\g<1>{HIDDEN}", text) if "/calendar/feeds/" in text else text


class TokenScrubber(logging.Filter):
    """Formats each record's message once, without any feed token in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), ()
        return True


class ScrubbingLogger(Logger):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's logger, with feed tokens scrubbed from its access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            _add_once(log)


def install(app: App) -> None:
    """Scrub feed tokens from Werkzeug's request lines and from the app's own log."""
    _add_once(logging.getLogger("werkzeug"))
    _add_once(app.logger)


def _add_once(log: logging.Logger) -> None:
    if not any(isinstance(each, TokenScrubber) for each in log.filters):
        log.addFilter(TokenScrubber())
