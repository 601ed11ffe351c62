"""Feedback on spaces after a booking: one-tap ratings and problem reports for their managers."""
