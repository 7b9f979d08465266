"""Test-wide setup: a throwaway configuration directory, made before Django loads.

Loaded with `-p` (see pyproject.toml) because pytest-django reads the settings
before any conftest.py is imported.

The database comes from GWM_DATABASE_* when set (make test-databases runs the
suite on PostgreSQL and MariaDB that way); otherwise SQLite.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_config_dir = Path(tempfile.mkdtemp(prefix="gwm-test-config-"))
atexit.register(shutil.rmtree, _config_dir, ignore_errors=True)
(_config_dir / "settings.conf").write_text(f"[paths]\ndata_dir = {_config_dir}/data\n")
(_config_dir / "data/static").mkdir(parents=True)  # WhiteNoise warns when it is missing
os.environ["GWM_CONFIG_DIR"] = str(_config_dir)

from ganeti_webmgr.conf import secret_key  # noqa: E402 - needs GWM_CONFIG_DIR set first

secret_key.create(_config_dir / "secret_key")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
