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
# A build without it (packaging/release's, whose tools have no Django to write it)
# goes on without the file rather than failing on a missing directory.
html_extra_path = [p for p in ["_generated"] if (Path(__file__).parent / p).is_dir()]
html_theme = "alabaster"
html_title = f"Ganeti Web Manager {__version__}"
