"""Booking commands (release-no-shows, seed-bench)."""

import click

commands: list[click.Command] = []
