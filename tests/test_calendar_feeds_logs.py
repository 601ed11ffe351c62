"""Feed tokens never reach a log: gunicorn's, Werkzeug's development server's, or the app's."""

from __future__ import annotations

import logging
import runpy
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from gunicorn.config import Config
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from booking.calendar import feeds
from booking.calendar.feed_logs import ScrubbingLogger, scrub
from tests.factories import Factory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def token() -> str:
    return feeds.new_token()


def test_scrub_hides_the_token_of_every_feed_url_and_nothing_else(token: str) -> None:
    line = f'1.2.3.4 "GET /calendar/feeds/{token}.ics HTTP/1.1" 200 "/calendar/feeds/{token}"'

    assert scrub(line) == '1.2.3.4 "GET /calendar/feeds/….ics HTTP/1.1" 200 "/calendar/feeds/…"'
    assert scrub("GET /bookings/12 HTTP/1.1") == "GET /bookings/12 HTTP/1.1"


def test_gunicorn_loads_the_scrubbing_logger_from_its_config_file() -> None:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("logger_class", settings["logger_class"])

    assert config.logger_class is ScrubbingLogger


def test_gunicorns_access_and_error_logs_never_show_a_token(tmp_path: Path, token: str) -> None:
    """Through gunicorn's own Logger API: `access(resp, req, environ, request_time)`."""
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s %(U)s %({raw_uri}e)s "%(f)s"')
    logger = ScrubbingLogger(config)
    uri = f"/calendar/feeds/{token}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": uri,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
    }
    response = SimpleNamespace(status="304 Not Modified", headers=[], sent=0)
    request = SimpleNamespace(headers=[("HOST", "sharedspaces.example")])

    logger.access(response, request, environ, timedelta(milliseconds=12))
    logger.error("Error handling request %s", uri)
    for handler in [*logger.access_log.handlers, *logger.error_log.handlers]:
        handler.flush()

    access = (tmp_path / "access.log").read_text()
    error = (tmp_path / "error.log").read_text()
    assert token not in access and token not in error
    hidden = "/calendar/feeds/….ics"
    assert access == f'192.0.2.7 "GET {hidden} HTTP/1.1" 304 {hidden} {hidden} "-"\n'
    assert error.rstrip().endswith(f"Error handling request {hidden}")


@pytest.fixture
def dev_server(app: Flask) -> Iterator[str]:
    """The app under Werkzeug's development server (what `flask run` uses), on a free port."""
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_the_development_servers_request_log_never_shows_a_token(
    dev_server: str, caplog: pytest.LogCaptureFixture, token: str
) -> None:
    with (
        caplog.at_level(logging.INFO, logger="werkzeug"),
        pytest.raises(urllib.error.HTTPError) as refused,
    ):
        urllib.request.urlopen(f"{dev_server}/calendar/feeds/{token}.ics")

    refused.value.close()
    assert refused.value.code == 404
    assert "GET /calendar/feeds/….ics HTTP/1.1" in caplog.text
    assert token not in caplog.text


def test_the_apps_own_log_never_shows_a_token(
    app: Flask, caplog: pytest.LogCaptureFixture, token: str
) -> None:
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error("Exception on /calendar/feeds/%s.ics [GET]", token)

    assert caplog.messages == ["Exception on /calendar/feeds/….ics [GET]"]


def test_a_database_error_while_reading_a_feed_does_not_carry_the_token(
    app: Flask, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Such errors are logged with their statement and, by default, its parameters."""
    feed = feeds.personal_feed(factory.session, factory.person())

    def broken(session: Session, token: str) -> None:
        session.execute(
            text("SELECT no_such_column FROM calendar_feed WHERE token = :token"),
            {"token": token},
        )

    monkeypatch.setattr(feeds, "feed_by_token", broken)

    with pytest.raises(StatementError) as failed:
        app.test_client().get(f"/calendar/feeds/{feed.token}.ics")

    assert "no_such_column" in str(failed.value)
    assert feed.token not in str(failed.value)
