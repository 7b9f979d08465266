"""Ganeti clusters GWM manages (models arrive with issue 5: cluster state in the database)."""
