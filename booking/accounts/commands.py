"""Account commands: create-user and friends."""

import click

commands: list[click.Command] = []
