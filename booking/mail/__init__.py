"""The one mail path: every message the service sends goes through `send`.

Messages are delivered only after the database transaction that caused them commits, by SMTP
when `MAIL_SMTP_HOST` is set, otherwise written as `.eml` files to `instance/mail/` (and logged)
so that a developer can open a verification link without a mail server.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from sqlalchemy.orm import Session

from booking.db import after_commit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = field(default=())
    """(filename, MIME type, content) triples."""


def render_message(template: str, to: str, subject: str, **context: Any) -> Message:
    """A message from `templates/emails/<template>.txt` and `.html` (plain text and HTML)."""
    context = {"subject": subject, **context}
    return Message(
        to=to,
        subject=subject,
        text=render_template(f"emails/{template}.txt", **context),
        html=render_template(f"emails/{template}.html", **context),
    )


def build_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    for filename, mime_type, content in message.attachments:
        maintype, subtype = mime_type.split("/", 1)
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return email


def send(session: Session, message: Message) -> None:
    """Deliver `message` once `session`'s transaction commits (never if it rolls back)."""
    config = dict(current_app.config)
    after_commit(session, lambda: deliver(build_email(message, config["MAIL_FROM"]), config))


def deliver(email: EmailMessage, config: dict[str, Any]) -> None:
    if config.get("MAIL_SMTP_HOST"):
        _deliver_by_smtp(email, config)
    else:
        _write_to_directory(email, Path(config["MAIL_DIRECTORY"]))


def _deliver_by_smtp(email: EmailMessage, config: dict[str, Any]) -> None:
    with smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=30) as smtp:
        if config.get("MAIL_SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_SMTP_USERNAME"):
            smtp.login(config["MAIL_SMTP_USERNAME"], config["MAIL_SMTP_PASSWORD"])
        smtp.send_message(email)
    log.info("Sent %r to %s by SMTP", email["Subject"], email["To"])


def _write_to_directory(email: EmailMessage, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    recipient = "".join(c if c.isalnum() or c in "@.-" else "_" for c in str(email["To"]))
    path = directory / f"{stamp}-{recipient}.eml"
    path.write_bytes(bytes(email))
    log.info("Wrote %r to %s as %s", email["Subject"], email["To"], path)
