"""Account commands: create-user, set-password, deactivate-user, reactivate-user.

Each command is one transaction (`booking.db.transaction`): it either does everything or, on
any error, writes nothing and exits with status 1.
"""

from __future__ import annotations

import secrets
from typing import TypeVar

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking import db
from booking.accounts import people, services
from booking.accounts.models import Person, Role
from booking.accounts.roles import GrantError, grant_role
from booking.accounts.token_commands import create_token
from booking.catalogue.models import Building, Neighbourhood, Organisation

ROLES = {
    "staff": None,
    "administrator": Role.ADMINISTRATOR,
    "building-manager": Role.BUILDING_MANAGER,
    "neighbourhood-lead": Role.NEIGHBOURHOOD_LEAD,
}

T = TypeVar("T")


def _one(found: list[T], kind: str, wanted: str) -> T:
    if not found:
        raise click.ClickException(f"No {kind} matches {wanted!r}.")
    if len(found) > 1:
        raise click.ClickException(f"More than one {kind} matches {wanted!r}: use its id.")
    return found[0]


def _organisation(session: Session, wanted: str) -> Organisation:
    """An organisation by id or by name, whatever its case."""
    condition = func.lower(Organisation.name) == wanted.strip().lower()
    if wanted.isdigit():
        condition = condition | (Organisation.id == int(wanted))
    return _one(
        list(session.scalars(select(Organisation).where(condition))), "organisation", wanted
    )


def _building(session: Session, wanted: str) -> Building:
    condition = func.lower(Building.name) == wanted.strip().lower()
    if wanted.isdigit():
        condition = condition | (Building.id == int(wanted))
    return _one(list(session.scalars(select(Building).where(condition))), "building", wanted)


def _neighbourhood(session: Session, wanted: str) -> Neighbourhood:
    condition = (func.lower(Neighbourhood.name) == wanted.strip().lower()) | (
        Neighbourhood.slug == wanted.strip().lower()
    )
    found = list(session.scalars(select(Neighbourhood).where(condition)))
    return _one(found, "neighbourhood", wanted)


def _person(session: Session, email: str) -> Person:
    person = services.find_person(session, email)
    if person is None:
        raise click.ClickException(f"There is no account for {email}.")
    return person


def _name_from_email(email: str) -> str:
    """ "lead.central@council.example" becomes "Lead Central"."""
    local = email.partition("@")[0]
    return " ".join(
        part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".")
    )


@click.command("create-user")
@click.argument("email")
@click.option("--org", "organisation", required=True, help="Organisation name or id.")
@click.option("--role", type=click.Choice(list(ROLES)), required=True, help="The person's role.")
@click.option("--name", help="Full name (default: from the email address).")
@click.option("--password", help="Password (default: generated and printed once).")
@click.option(
    "--building", "buildings", multiple=True, help="Building name or id (building managers)."
)
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    help="Neighbourhood slug or name (neighbourhood leads).",
)
@with_appcontext
def create_user(
    email: str,
    organisation: str,
    role: str,
    name: str | None,
    password: str | None,
    buildings: tuple[str, ...],
    neighbourhoods: tuple[str, ...],
) -> None:
    """Create a verified account for EMAIL, with a role."""
    if role == "building-manager" and not buildings:
        raise click.UsageError("A building manager needs at least one --building.")
    if role == "neighbourhood-lead" and not neighbourhoods:
        raise click.UsageError("A neighbourhood lead needs at least one --neighbourhood.")
    if buildings and role != "building-manager":
        raise click.UsageError("--building goes with --role building-manager only.")
    if neighbourhoods and role != "neighbourhood-lead":
        raise click.UsageError("--neighbourhood goes with --role neighbourhood-lead only.")
    chosen = password or secrets.token_urlsafe(12)
    with db.transaction() as session:
        try:
            person = services.create_person(
                session,
                email=email,
                name=name or _name_from_email(email),
                organisation=_organisation(session, organisation),
                password=chosen,
                verified=True,
            )
            granted = ROLES[role]
            scopes: list[str] = []
            if granted is Role.ADMINISTRATOR:
                grant_role(session, None, person, granted)
            for wanted in buildings:
                building = _building(session, wanted)
                grant_role(session, None, person, Role.BUILDING_MANAGER, building=building)
                scopes.append(building.name)
            for wanted in neighbourhoods:
                area = _neighbourhood(session, wanted)
                grant_role(session, None, person, Role.NEIGHBOURHOOD_LEAD, neighbourhood=area)
                scopes.append(area.name)
        except (services.AccountError, GrantError) as error:
            raise click.ClickException(error.args[0]) from error
        summary = f"Created {person.email} ({person.name}, {person.organisation.name}) as {role}"
    click.echo(summary + (f" of {', '.join(scopes)}." if scopes else "."))
    if password is None:
        click.echo(f"Password (shown once, ask them to change it): {chosen}")


@click.command("set-password")
@click.argument("email")
@click.option(
    "--password",
    prompt="New password",
    hide_input=True,
    confirmation_prompt=True,
    help="The new password (asked for, hidden, if not given).",
)
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Set the password of EMAIL's account; it is signed out everywhere."""
    with db.transaction() as session:
        person = _person(session, email)
        try:
            services.set_password(session, person, password, actor=None)
        except services.AccountError as error:
            raise click.ClickException(error.message) from error
        done = f"Password changed for {person.email}; they have been signed out everywhere."
    click.echo(done)


@click.command("deactivate-user")
@click.argument("email")
@with_appcontext
def deactivate_user(email: str) -> None:
    """Stop EMAIL from signing in (their bookings and history stay)."""
    with db.transaction() as session:
        person = _person(session, email)
        try:
            people.deactivate_person(session, None, person)
        except people.PersonError as error:
            raise click.ClickException(error.message) from error
        done = f"{person.email} is deactivated and signed out everywhere."
    click.echo(done)


@click.command("reactivate-user")
@click.argument("email")
@with_appcontext
def reactivate_user(email: str) -> None:
    """Let EMAIL sign in again."""
    with db.transaction() as session:
        person = _person(session, email)
        people.reactivate_person(session, None, person)
        done = f"{person.email} can sign in again."
    click.echo(done)


commands: list[click.Command] = [
    create_user,
    set_password_command,
    deactivate_user,
    reactivate_user,
    create_token,
]
