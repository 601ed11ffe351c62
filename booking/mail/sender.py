"""Delivering the outbox: by SMTP when `MAIL_SMTP_HOST` is set, otherwise as `.eml` files.

`send_due` claims due messages a batch at a time, hands each to a transport outside any
database transaction, and records what happened (see `booking.mail.outbox` for the rules).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, Protocol

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from booking import timezones
from booking.mail import outbox
from booking.mail.models import OutboxStatus
from booking.mail.outbox import Claim

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 30
"""Seconds; `outbox.CLAIM_LEASE` must cover a whole batch of attempts this long."""


class Transport(Protocol):
    def deliver(self, claim: Claim) -> str:
        """Hand the message over, or raise; returns a note about recipients refused (or "")."""

    def close(self) -> None: ...


def envelope(content: bytes) -> tuple[str, list[str]]:
    """The SMTP sender and recipients of a stored message: its From, and its To and Cc."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(content)
    sender = headers["From"].addresses[0].addr_spec
    recipients = [
        address.addr_spec
        for name in ("To", "Cc")
        for header in headers.get_all(name, [])
        for address in header.addresses
    ]
    return sender, recipients


class SmtpTransport:
    """One connection to the mail server, opened when first needed and reused while it works."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def deliver(self, claim: Claim) -> str:
        sender, recipients = envelope(claim.content)
        try:
            smtp = self._connection()
            eight_bit = any(byte > 127 for byte in claim.content)
            options = ["BODY=8BITMIME"] if eight_bit and smtp.has_extn("8bitmime") else []
            refused = smtp.sendmail(sender, recipients, claim.content, mail_options=options)
        except BaseException:
            self.close()
            raise
        log.info("Sent %r to %s by SMTP", claim.subject, claim.recipient)
        return "; ".join(
            f"{address} refused: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in refused.items()
        )

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = self.config
            smtp = smtplib.SMTP(
                config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=SMTP_TIMEOUT
            )
            try:
                if config.get("MAIL_SMTP_STARTTLS"):
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("MAIL_SMTP_USERNAME"):
                    smtp.login(config["MAIL_SMTP_USERNAME"], config["MAIL_SMTP_PASSWORD"])
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class DirectoryTransport:
    """Development mail: each message written to `directory` as an `.eml` file, and logged."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, claim: Claim) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        recipient = "".join(c if c.isalnum() or c in "@.-" else "_" for c in claim.recipient)
        path = self.directory / f"{stamp}-{claim.id:08d}-{recipient[:100]}.eml"
        partial = path.with_suffix(".partial")  # never read half-written
        partial.write_bytes(claim.content)
        partial.replace(path)
        log.info("Wrote %r to %s as %s", claim.subject, claim.recipient, path)
        return ""

    def close(self) -> None:
        return None


def transport_for(config: Mapping[str, Any]) -> Transport:
    if config.get("MAIL_SMTP_HOST"):
        return SmtpTransport(config)
    return DirectoryTransport(Path(config["MAIL_DIRECTORY"]))


@dataclass
class Report:
    """What one run did: messages sent, failed but to be tried again, and given up."""

    sent: int = 0
    retrying: int = 0
    given_up: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.given_up)


def send_due(
    sessions: sessionmaker[Session],
    transport: Transport,
    *,
    clock: Callable[[], datetime],
    max_attempts: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> Report:
    """Deliver every message due now, a claimed batch at a time, until none is left.

    `sessions` must give writing sessions (`BEGIN IMMEDIATE` on SQLite). `should_stop` is
    asked between messages; claims not yet tried are handed back when it says yes.
    """
    report = Report()
    while not should_stop():
        with sessions.begin() as session:
            claims = outbox.claim_due(session, clock())
        if not claims:
            break
        for index, claim in enumerate(claims):
            if should_stop():
                with sessions.begin() as session:
                    outbox.release(session, claims[index:])
                break
            _attempt(sessions, transport, claim, clock, max_attempts, report)
    return report


def _attempt(
    sessions: sessionmaker[Session],
    transport: Transport,
    claim: Claim,
    clock: Callable[[], datetime],
    max_attempts: int,
    report: Report,
) -> None:
    try:
        note = transport.deliver(claim)
    except Exception as error:  # whatever went wrong, the message waits and is tried again
        reason = f"{type(error).__name__}: {error}"[:2000]
        log.warning("Could not send %r to %s: %s", claim.subject, claim.recipient, reason)
        with sessions.begin() as session:
            status = outbox.record_failure(session, claim, reason, clock(), max_attempts)
        if status is OutboxStatus.FAILED:
            report.given_up += 1
        elif status is OutboxStatus.PENDING:
            report.retrying += 1
        return
    with sessions.begin() as session:
        if not outbox.mark_sent(session, claim, clock(), note):
            log.warning("%r to %s had already been settled", claim.subject, claim.recipient)
    report.sent += 1


def deliver_due(should_stop: Callable[[], bool] = lambda: False) -> Report:
    """One run of the sender for the current app, with its configuration and clock."""
    config = current_app.config
    transport = transport_for(config)
    try:
        return send_due(
            current_app.extensions["booking.write_sessions"],
            transport,
            clock=timezones.now,
            max_attempts=config["MAIL_MAX_ATTEMPTS"],
            should_stop=should_stop,
        )
    finally:
        transport.close()
