"""Booking commands (release-no-shows, seed-bench)."""

import click

from booking.bookings.checkin_commands import release_no_shows_command

commands: list[click.Command] = [release_no_shows_command]
