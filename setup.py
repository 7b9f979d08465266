# Shim for tools that still call setup.py (dh-virtualenv, old pip); all metadata
# lives in pyproject.toml. One addition: the build compiles the translation
# catalogs (.po -> .mo, gettext's msgfmt), so every wheel and package has them.
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ganeti_webmgr.core import catalogs  # standard library only


class BuildWithCatalogs(build_py):
    def run(self):
        catalogs.compile_catalogs()
        self.__dict__.pop("data_files", None)  # found again, with the new .mo files
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
