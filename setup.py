# Shim for tools that still call setup.py (dh-virtualenv, old pip);
# all metadata lives in pyproject.toml.
from setuptools import setup

setup()
