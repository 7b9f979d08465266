"""Ganeti Web Manager: a web interface for Ganeti virtual machine clusters."""

__version__ = "1.0.0.dev1"
