"""The Django SECRET_KEY, kept in its own file beside settings.conf.

Not in settings.conf: that file is a conffile people paste into bug reports.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ganeti_webmgr.conf.loader import ConfigError

MIN_LENGTH = 50


def read(path: Path) -> str:
    key = read_private_file(path, "secret key").strip()
    if len(key) < MIN_LENGTH:
        raise ConfigError(
            [
                f"{path}: secret key is too short ({len(key)} characters, needs {MIN_LENGTH}); "
                "delete the file and run gwm-init to make a new one"
            ]
        )
    return key


def read_private_file(path: Path, what: str) -> str:
    """The text of a key file, or ConfigError saying what is wrong with it (missing,
    unreadable, or readable by everyone)."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: {what} file is missing; run gwm-init"]) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a key file"
        raise ConfigError([f"{path}: cannot read the {what}: {reason}"]) from None
    if mode & stat.S_IROTH:
        raise ConfigError([f"{path}: {what} file is readable by everyone; run: chmod 0640 {path}"])
    return text


def create(path: Path, group: str | None = None) -> bool:
    """Write a new random key unless one exists; True if a key was written."""
    return create_private_file(path, secrets.token_urlsafe(64) + "\n", group)


def create_private_file(path: Path, text: str, group: str | None = None) -> bool:
    """Create a 0640 file holding a key, unless it exists; True if it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never replace a key another gwm-init wrote meanwhile.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        os.fchmod(fd, 0o640)  # regardless of umask
        if group is not None:
            os.fchown(fd, -1, _gid(group))
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    return True


def _gid(group: str) -> int:
    import grp

    return grp.getgrnam(group).gr_gid
