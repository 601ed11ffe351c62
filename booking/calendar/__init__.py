"""Calendars: invites by email (iTIP) and subscription feeds (iCalendar)."""
