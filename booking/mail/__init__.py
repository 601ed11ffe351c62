"""The one mail path: every message the service sends goes through `send` (or `send_email`).

Sending a message writes it to the outbox (`booking.mail.outbox`) in the caller's database
transaction: it goes out only if that transaction commits, and it cannot be lost once it has.
`flask send-mail` (`booking.mail.sender`) then delivers it, by SMTP when `MAIL_SMTP_HOST` is
set, otherwise as an `.eml` file in `instance/mail/` so that a developer can open a
verification link without a mail server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from sqlalchemy.orm import Session

from booking.mail.models import OutboxMessage
from booking.mail.outbox import queue


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
    """Plain text, with an HTML alternative and attachments when the message has them."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    for filename, mime_type, content in message.attachments:
        maintype, subtype = mime_type.split("/", 1)
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return email


def send(session: Session, message: Message) -> OutboxMessage:
    """Send `message` once `session`'s transaction commits (never if it rolls back)."""
    return queue(session, build_email(message, current_app.config["MAIL_FROM"]))


def send_email(session: Session, email: EmailMessage) -> OutboxMessage:
    """Send a message the caller built itself (a calendar invite's own MIME structure, say).

    It goes out with exactly the MIME structure given, from `MAIL_FROM` unless it names a
    sender, to the addresses in its To and Cc headers; Date and Message-ID are added when
    missing.
    """
    if "From" not in email:
        email["From"] = current_app.config["MAIL_FROM"]
    return queue(session, email)
