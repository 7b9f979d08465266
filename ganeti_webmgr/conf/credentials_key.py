"""The key that encrypts RAPI credentials in the database (<config dir>/credentials_key).

Kept apart from the Django secret key so that rotating either never loses the
other. The file holds one Fernet key per line: the first encrypts, all decrypt,
so a new key can be put on top and old ciphertexts re-encrypted at leisure
(gwm-manage cluster rekey).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from ganeti_webmgr.conf.loader import ConfigError
from ganeti_webmgr.conf.secret_key import create_private_file, read_private_file

FILE_NAME = "credentials_key"


def create(path: Path, group: str | None = None) -> bool:
    return create_private_file(path, Fernet.generate_key().decode() + "\n", group)


def read(path: Path) -> MultiFernet:
    lines = read_private_file(path, "credentials key").split()
    keys = []
    for number, line in enumerate(lines, start=1):
        try:
            keys.append(Fernet(line))
        except ValueError:
            raise ConfigError(
                [f"{path}: key {number} is not a Fernet key (32 url-safe base64-encoded bytes)"]
            ) from None
    if not keys:
        raise ConfigError([f"{path}: the credentials key file is empty"])
    return MultiFernet(keys)
