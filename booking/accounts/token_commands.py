"""`flask --app booking create-token EMAIL [--name NAME]`: an API token, printed once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from booking import db
from booking.accounts import access_tokens, services


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What will use it.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create a personal access token for EMAIL's account and print it (once)."""
    with db.transaction() as session:
        person = services.find_person(session, email)
        if person is None:
            raise click.ClickException(f"There is no account for {email}.")
        if not person.is_active:
            raise click.ClickException(
                f"{person.email} cannot sign in (deactivated or not verified): "
                "a token would not work."
            )
        try:
            made = access_tokens.create_token(session, person, name, actor=None)
        except access_tokens.TokenError as error:
            raise click.ClickException(error.message) from error
        done = f"Created API token {made.token.name!r} for {person.email}."
    click.echo(done)
    click.echo("Token (shown once, keep it secret):")
    click.echo(made.secret)
