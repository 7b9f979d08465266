"""Importing a GWM 0.11 installation's database (gwm-manage import-gwm011)."""
