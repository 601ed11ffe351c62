"""Catalogue commands: sync-bank-holidays."""

import click

commands: list[click.Command] = []
