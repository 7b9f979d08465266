"""Files that hold what others on the host must not read: the SQLite database
(password hashes, sessions, encrypted credentials) and the log.

Created here 0640 before SQLite or logging creates them with the process's umask
(0644 under the usual 022, whatever the data directory's own mode); SQLite gives
its -wal and -shm files the database file's mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MODE = 0o640


def make_private(path: str | Path) -> None:
    """Create path 0640 if it is missing, or take others' access off one we own."""
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return
    path = Path(path)
    if not path.parent.is_dir():
        return  # gwm-init makes the directory; nothing to protect before that
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    except FileExistsError:
        try:
            info = path.stat()
            if info.st_uid == os.geteuid() and info.st_mode & stat.S_IRWXO:
                path.chmod(stat.S_IMODE(info.st_mode) & ~stat.S_IRWXO)
        except OSError:
            pass  # not ours to change: the owner's mode stands
        return
    except OSError:
        return  # a read-only or foreign directory: SQLite or logging will say so
    os.fchmod(fd, MODE)  # regardless of the umask
    os.close(fd)
