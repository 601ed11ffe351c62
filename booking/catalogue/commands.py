"""Catalogue commands: sync-bank-holidays."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from booking import db
from booking.catalogue.bank_holidays import sync_bank_holidays


@click.command("sync-bank-holidays")
@with_appcontext
def sync_bank_holidays_command() -> None:
    """Load England and Wales bank holidays from the govuk-bank-holidays package's data.

    Safe to run again: it only adds missing days and corrects changed titles.
    """
    with db.transaction() as session:
        changed = sync_bank_holidays(session)
    if changed:
        click.echo(f"Loaded {changed} bank holidays (new or changed).")
    else:
        click.echo("Bank holidays are already up to date.")


commands: list[click.Command] = [sync_bank_holidays_command]
