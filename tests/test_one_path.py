"""One way from a user's action to Ganeti: only these modules may hold a RAPI client.

Reads go through the sync (inventory) and the connection check; writes are
submitted by gwm-worker through the action layer. A view, a form or a service that
took a client itself would be a second path (and a web request waiting on Ganeti).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ganeti_webmgr"
RAPI = "ganeti_webmgr.clusters.rapi"
ALLOWED = {
    "clusters/rapi.py": "the one place a client is made",
    "clusters/connection.py": "checking a cluster before it is saved (short timeouts)",
    "clusters/management/commands/cluster.py": "gwm-manage cluster add checks it too",
    "clusters/views.py": "closes a removed or edited cluster's client (forget)",
    "inventory/sync.py": "the sync's reads",
    "console/target.py": "the console's address, confirmed just before the proxy connects",
    "worker/lanes.py": "gwm-worker: submissions and following",
    "vmkeys/mapping.py": "the OS definitions read when a cluster admin saves or checks a key "
    "mapping (its own client, short timeouts; a read)",
}


def rapi_imports(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == RAPI:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "ganeti_webmgr.clusters":
            if any(alias.name == "rapi" for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(a.name == RAPI for a in node.names):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_listed_modules_take_a_rapi_client():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative.startswith("testing/"):
            continue
        found += [f"{relative}:{line}" for line in rapi_imports(path) if relative not in ALLOWED]
    assert found == [], (
        "these modules reach Ganeti themselves; an action goes through "
        "ganeti_webmgr/actions/ (docs/development.rst, The action layer): " + ", ".join(found)
    )


def test_the_check_sees_every_form_of_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text(
        "from ganeti_webmgr.clusters.rapi import client_for\n"
        "def f():\n"
        "    from ganeti_webmgr.clusters import rapi\n"
        "import ganeti_webmgr.clusters.rapi\n"
    )
    assert rapi_imports(module) == [1, 3, 4]
