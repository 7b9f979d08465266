"""Ganeti instances, called virtual machines in GWM (models arrive with issue 5)."""
