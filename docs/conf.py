"""Sphinx configuration for the Ganeti Web Manager documentation (make docs)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ganeti_webmgr import __version__

project = "Ganeti Web Manager"
author = "Ganeti Web Manager developers"
copyright = "the Ganeti Web Manager developers"
version = release = __version__
extensions = []
exclude_patterns = ["_build", "_generated"]
# The API's schema (make docs writes it), served as /openapi.yaml beside the pages.
html_extra_path = ["_generated"]
html_theme = "alabaster"
html_title = f"Ganeti Web Manager {__version__}"
