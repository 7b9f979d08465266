"""Ganeti nodes and node groups (models arrive with issue 5)."""
