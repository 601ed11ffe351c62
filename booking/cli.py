"""Operator commands: `flask --app booking <command>`.

Each domain package registers its own commands; this module adds the database commands and
wires them all to the app.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from booking import migrate

db_cli = AppGroup("db", help="Database schema migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (default: one step)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("current")
def current() -> None:
    """Show the database's migration revision."""
    migrate.current(current_app.config["DATABASE_URL"])


@db_cli.command("history")
def history() -> None:
    """List every migration."""
    migrate.history(current_app.config["DATABASE_URL"])


def init_app(app: Flask) -> None:
    from booking.accounts.commands import commands as account_commands
    from booking.bookings.commands import commands as booking_commands
    from booking.catalogue.commands import commands as catalogue_commands
    from booking.demo import commands as demo_commands
    from booking.mail.commands import commands as mail_commands

    app.cli.add_command(db_cli)
    for command in [
        *account_commands,
        *catalogue_commands,
        *booking_commands,
        *demo_commands,
        *mail_commands,
    ]:
        app.cli.add_command(command)
