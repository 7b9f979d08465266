"""Ganeti jobs started from GWM and followed to their end (models arrive with issue 5)."""
