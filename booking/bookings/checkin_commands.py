"""The release-no-shows command, for a cron job or a systemd timer (see docs/OPERATIONS.md)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from booking import db
from booking.bookings.checkin import release_no_shows


@click.command("release-no-shows")
@with_appcontext
def release_no_shows_command() -> None:
    """Release bookings nobody checked in to within their building's grace period.

    Safe to run often and at the same time as another run: each booking is released once.
    """
    with db.transaction() as session:
        released = release_no_shows(session)
    count = len(released)
    click.echo(f"Released {count} {'booking' if count == 1 else 'bookings'} as no-shows.")
