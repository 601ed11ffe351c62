"""The one mail path: SMTP when configured, .eml files otherwise, and only after commit."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from flask import Flask
from flask.testing import FlaskClient

from booking import db, mail
from tests.factories import Factory


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: tuple[int, Inbox]) -> dict[str, Any]:
    port, _ = smtp_server
    return {
        **app_config,
        "MAIL_SMTP_HOST": "127.0.0.1",
        "MAIL_SMTP_PORT": port,
        "MAIL_SMTP_STARTTLS": False,
    }


def test_mail_goes_by_smtp_when_a_server_is_configured(
    client: FlaskClient,
    factory: Factory,
    smtp_server: tuple[int, Inbox],
    mailbox: Callable[[], list[EmailMessage]],
) -> None:
    factory.person("sam@council.example")
    client.post("/forgot-password", data={"email": "sam@council.example"})
    _, inbox = smtp_server
    [message] = inbox.messages
    assert message["To"] == "sam@council.example"
    assert message["Subject"] == "Reset your password"
    assert message["From"] == "Shared Spaces <bookings@sharedspaces.example>"
    assert message.is_multipart()
    assert mailbox() == []


def test_mail_is_sent_only_when_the_transaction_commits(
    app: Flask, smtp_server: tuple[int, Inbox]
) -> None:
    _, inbox = smtp_server
    message = mail.Message(to="sam@council.example", subject="Hello", text="Hello")
    with app.test_request_context():
        session = db.session()
        mail.send(session, message)
        session.rollback()
        session.commit()
        assert inbox.messages == []
        mail.send(session, message)
        session.commit()
    assert [m["Subject"] for m in inbox.messages] == ["Hello"]
