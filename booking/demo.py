"""Demo data: seed-demo."""

import click

commands: list[click.Command] = []
