"""Unmet demand: searches that found no free space, and the report of where more is needed."""
