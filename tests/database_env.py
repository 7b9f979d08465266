"""Print the GWM_DATABASE_* settings that point the test suite at a database server.

    python tests/database_env.py postgresql|mysql

Exit 0 and print `VAR=value ...` when the server answers; otherwise exit 1 and
print one "skipped: ..." line saying why. Hosts and ports come from TEST_POSTGRES_*
and TEST_MYSQL_* (defaults: the local servers of the development machines); the
database name from TEST_DATABASE_NAME (default gwm; Django's test database is test_<name>).
"""

from __future__ import annotations

import os
import sys


def postgresql() -> dict[str, str]:
    host = os.environ.get("TEST_POSTGRES_HOST", "127.0.0.1")
    port = os.environ.get("TEST_POSTGRES_PORT", "5432")
    user = os.environ.get("TEST_POSTGRES_USER", "postgres")
    import psycopg

    try:
        psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", connect_timeout=3
        ).close()
    except psycopg.Error as error:
        raise Unreachable(f"no PostgreSQL at {host}:{port} ({_first_line(error)})") from None
    return {"ENGINE": "postgresql", "HOST": host, "PORT": port, "USER": user, "NAME": _name()}


def mysql() -> dict[str, str]:
    host = os.environ.get("TEST_MYSQL_HOST", "127.0.0.1")
    port = os.environ.get("TEST_MYSQL_PORT", "3306")
    user = os.environ.get("TEST_MYSQL_USER", "root")
    import MySQLdb

    try:
        MySQLdb.connect(host=host, port=int(port), user=user, connect_timeout=3).close()
    except MySQLdb.Error as error:
        raise Unreachable(f"no MariaDB/MySQL at {host}:{port} ({_first_line(error)})") from None
    return {"ENGINE": "mysql", "HOST": host, "PORT": port, "USER": user, "NAME": _name()}


def _name() -> str:
    # Checkouts that test side by side on one server each set their own name.
    return os.environ.get("TEST_DATABASE_NAME", "gwm")


class Unreachable(Exception):
    pass


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def main(argv: list[str]) -> int:
    probes = {"postgresql": postgresql, "mysql": mysql}
    if len(argv) != 1 or argv[0] not in probes:
        print("usage: database_env.py postgresql|mysql", file=sys.stderr)
        return 2
    try:
        settings = probes[argv[0]]()
    except Unreachable as error:
        print(f"skipped: {error}")
        return 1
    print(" ".join(f"GWM_DATABASE_{key}={value}" for key, value in settings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
