"""The send-mail command: deliver the outbox once, or keep delivering it (`--watch`)."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import click
from flask.cli import with_appcontext

from booking.mail.sender import Report, deliver_due

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Watcher:
    """Runs a pass, sleeps `interval` seconds, and again, until asked to stop.

    The stop is only a flag, so a signal handler may set it safely (an `Event` could deadlock
    when set by a handler interrupting its own thread); the sleep looks at it often.
    """

    def __init__(self) -> None:
        self.stopping = False

    def stop(self) -> None:
        self.stopping = True

    def run(self, one_pass: Callable[[], object], interval: float) -> None:
        while not self.stopping:
            try:
                one_pass()
            except Exception:  # a database or network hiccup: log it and try again next time
                log.exception("Sending mail failed; trying again in %g seconds", interval)
            self._sleep(interval)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))

    @contextmanager
    def stopped_by_signals(self) -> Iterator[None]:
        """SIGTERM (systemd, `kill`) or SIGINT (Ctrl-C) stops the watch after the current
        message; a second one acts as usual, stopping at once."""
        previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}

        def handle(number: int, _frame: FrameType | None) -> None:
            self.stop()
            signal.signal(number, previous[signal.Signals(number)])

        for number, handler in previous.items():
            if handler is not signal.SIG_IGN:  # left ignored, as by `&` in a script, it stays so
                signal.signal(number, handle)
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def _summary(report: Report) -> str:
    words = [f"Sent {report.sent} {'message' if report.sent == 1 else 'messages'}."]
    if report.retrying:
        words.append(f"{report.retrying} could not be sent and will be tried again.")
    if report.given_up:
        was = "was" if report.given_up == 1 else "were"
        words.append(f"{report.given_up} could not be sent and {was} given up.")
    return " ".join(words)


@click.command("send-mail")
@click.option("--watch", is_flag=True, help="Keep sending mail as it is queued, until stopped.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks at the outbox, with --watch.",
)
@with_appcontext
def send_mail_command(watch: bool, interval: float) -> None:
    """Send the mail that is due (invites, account emails), by SMTP or into MAIL_DIRECTORY.

    Safe to run on several machines at once: each message is sent by one of them. Failed
    messages are tried again with back-off; administrators see stuck ones at /admin/mail.
    """
    if not watch:
        click.echo(_summary(deliver_due()))
        return
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("booking.mail").setLevel(logging.INFO)  # each message sent or written
    watcher = Watcher()

    def one_pass() -> None:
        report = deliver_due(should_stop=lambda: watcher.stopping)
        if report:
            click.echo(_summary(report))

    click.echo(f"Looking for mail to send every {interval:g} seconds; Ctrl-C stops.")
    with watcher.stopped_by_signals():
        watcher.run(one_pass, interval)
    click.echo("Stopped sending mail.")


commands: list[click.Command] = [send_mail_command]
