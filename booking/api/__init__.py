"""The JSON API v1 (placeholder until the API lands)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API on `app`."""
