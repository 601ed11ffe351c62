"""`seed-demo` and `demo-sign-ins`."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import click
from flask import current_app

from booking import db
from booking.demo import data
from booking.demo.bench import bench_data_exists, seed_bench
from booking.demo.history import seed_history
from booking.demo.seed import catalogue_is_empty, seed_demo


def _password_file() -> Path:
    return Path(current_app.instance_path) / "demo-password"


def _remember_password(password: str) -> None:
    """Keep the demo password in instance/ (git-ignored) so `make run` can show it every time."""
    path = _password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password)
    path.chmod(0o600)


@click.command("seed-demo")
@click.option("--password", help="Password for every demo person (default: generated).")
@click.option("--if-empty", is_flag=True, help="Do nothing unless the catalogue is empty.")
@click.option("--force", is_flag=True, help="Allow seeding when BOOKING_ENV=production.")
def seed_demo_command(password: str | None, if_empty: bool, force: bool) -> None:
    """Load the demo buildings, spaces, people and bookings (safe to run again)."""
    if current_app.config["PRODUCTION"] and not force:
        raise click.ClickException("Refusing to load demo data in production (use --force).")
    with db.transaction() as session:
        if if_empty and not catalogue_is_empty(session):
            click.echo("The database already has buildings: demo data not loaded.")
            return
        remembered = _password_file().read_text().strip() if _password_file().exists() else None
        chosen = password or remembered or secrets.token_urlsafe(9)
        result = seed_demo(session, chosen, reset_passwords=password is not None)
        history = seed_history(session)
    if password or not remembered:
        _remember_password(chosen)
    click.echo(
        f"Demo data: added {result.neighbourhoods} neighbourhoods, "
        f"{result.organisations} organisations, {result.buildings} buildings, "
        f"{result.spaces} spaces and {result.people} people."
    )
    click.echo(
        f"Demo bookings: added {history.bookings} bookings"
        f" (and {history.people} colleagues who made them)."
    )
    if not if_empty:  # `make run` prints the sign-ins itself, every time
        _print_sign_ins()


@click.command("demo-sign-ins")
def demo_sign_ins_command() -> None:
    """Print the demo people's email addresses and password."""
    _print_sign_ins()


def _print_sign_ins() -> None:
    path = _password_file()
    password = path.read_text().strip() if path.exists() else "(set by seed-demo --password)"
    click.echo("  Demo sign-ins (password for all: " + password + "):")
    for person in data.PEOPLE:
        role = person.role.replace("_", " ")
        if person.neighbourhood:
            role += f" for {dict(data.NEIGHBOURHOODS)[person.neighbourhood]}"
        click.echo(f"    {person.email:<32} {role}")


@click.command("seed-bench")
@click.option("--bookings", default=1_000_000, show_default=True, help="How many bookings.")
@click.option("--people", default=20_000, show_default=True, help="How many people book.")
@click.option("--force", is_flag=True, help="Allow seeding when BOOKING_ENV=production.")
def seed_bench_command(bookings: int, people: int, force: bool) -> None:
    """Load borough-scale data for benchmarks: 3,000 spaces, 20,000 people, N bookings."""
    if current_app.config["PRODUCTION"] and not force:
        raise click.ClickException("Refusing to load benchmark data in production (use --force).")
    started = time.perf_counter()
    with db.transaction() as session:
        if bench_data_exists(session):
            raise click.ClickException("Benchmark data is already loaded.")
        result = seed_bench(session, bookings, people=people)
    click.echo(
        f"Loaded {result.buildings} buildings, {result.spaces} spaces, {result.people} people "
        f"and {result.bookings} bookings in {time.perf_counter() - started:.0f} s."
    )


commands = [seed_demo_command, demo_sign_ins_command, seed_bench_command]
