"""Demo data for trying the service: `flask --app booking seed-demo`."""

from booking.demo.commands import commands

__all__ = ["commands"]
