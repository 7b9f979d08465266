"""The import direction between GWM's packages (docs/development.rst, Layout).

Every module under ganeti_webmgr/ gets a layer; it may import modules of lower
layers, and of its own layer only inside its own package. The imports are read
with ast, function-level ones included, so nothing is imported to check them.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "ganeti_webmgr"

# Bottom first; each layer: the packages, or dotted modules, placed in it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # The RAPI client (no Django, nothing else of GWM), the configuration, the version.
    ("base", ("ganeti", "conf", "")),
    # What settings.py derives LDAP sign-in's Django settings with.
    ("site settings", ("accounts.ldap_settings", "accounts.ldap_groups", "accounts.names")),
    ("site", ("settings", "wsgi")),
    ("core", ("core",)),
    ("accounts", ("accounts",)),
    ("clusters", ("clusters",)),
    # Models (and migrations), in the order of their foreign keys.
    ("nodes.models", ("nodes.models",)),
    ("virtual_machines.models", ("virtual_machines.models",)),
    ("jobs.models", ("jobs.models",)),
    ("permissions.models", ("permissions.models",)),
    ("audit.models", ("audit.models",)),
    ("imports.models", ("imports.models",)),
    ("provisioning.models", ("provisioning.models",)),
    ("console.models", ("console.models",)),
    ("quotas.models", ("quotas.models",)),
    ("vmkeys.models", ("vmkeys.models",)),
    ("api.models", ("api.models",)),
    ("gwm011.models", ("gwm011.models",)),
    # The domain: rules, records, Ganeti's data written into rows, services.
    ("nodes", ("nodes",)),
    ("permissions", ("permissions",)),
    ("audit", ("audit",)),
    # Changes to users, groups and grants with their audit entries (pages and API).
    ("recorded changes", ("accounts.activation", "accounts.changes", "permissions.granting")),
    # Sign-in through LDAP: writes the accounts and group memberships it mirrors, logged.
    ("sign-in", ("accounts.ldap_backend",)),
    # Sign-in: the second factor, then single sign-on (which may ask for it).
    ("two_factor", ("two_factor",)),
    ("sso", ("sso",)),
    ("virtual_machines", ("virtual_machines",)),
    ("inventory", ("inventory",)),
    ("jobs", ("jobs",)),  # follows a job to its end, refreshes its targets through inventory
    ("provisioning", ("provisioning",)),
    ("quotas", ("quotas",)),  # what owners use, and the check the action layer makes
    ("vmkeys", ("vmkeys",)),  # users' keys into a creation's OS parameters; the key feed
    ("actions", ("actions",)),
    ("console", ("console",)),
    ("search", ("search",)),  # asks the rules about every kind of object
    # What runs actions for others: on many VMs, the creation wizard's submission.
    ("action callers", ("virtual_machines.bulk", "provisioning.submit")),
    ("imports", ("imports",)),
    # Moving from GWM 0.11: writes users, groups, clusters, quotas, owners, grants,
    # templates and log entries, logged; applies VM claims when a sync sends its signal.
    ("gwm011", ("gwm011",)),
    # The REST API's parts (tokens, authentication, serializers) below its views.
    ("api", ("api",)),
    ("worker", ("worker",)),
    ("commands", ("commands", "*.management")),
    # The web: page parts several apps' views share, then views, then URLs.
    ("page parts", ("clusters.header", "jobs.live", "core.dashboard")),
    ("views", ("*.views", "provisioning.template_views")),
    ("urls", ("*.urls", "urls")),
    # The ASGI application (pages and websockets), then the server that loads it.
    ("asgi", ("asgi",)),
    ("server", ("commands.server",)),
    # Tests and the pytest plugin may import anything (but see ganeti below).
    ("tests", ("*.tests", "testing")),
]
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}
# <package>.models and <package>.migrations.* sit in the layer "<package>.models".
MODEL_MODULES = ("models", "migrations")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.imported}: {self.why}"


def placements() -> dict[str, str]:
    return {entry: name for name, entries in LAYERS for entry in entries}


def layer_of(module: str, placed: dict[str, str] | None = None) -> str | None:
    """The layer of a dotted module under the project (without the project prefix):
    the most specific entry of LAYERS that names it, None if none does."""
    placed = placements() if placed is None else placed
    parts = module.split(".") if module else [""]
    package = parts[0]
    if package != "ganeti" and "tests" in parts[1:]:
        return "tests"
    for end in range(len(parts), 0, -1):  # the longest dotted prefix first
        prefix = ".".join(parts[:end])
        if prefix in placed:
            return placed[prefix]
        if end >= 2:
            wildcard = "*." + ".".join(parts[1:end])
            if wildcard in placed:
                return placed[wildcard]
        if end == 2 and parts[1] in MODEL_MODULES and f"{package}.models" in placed:
            return placed[f"{package}.models"]
    return None


def package_of(module: str) -> str:
    return module.split(".")[0] if module else ""


def module_name(path: Path, root: Path) -> str:
    """ganeti_webmgr/jobs/follow.py -> "jobs.follow"; the project's __init__ -> ""."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree: ast.AST, module: str, is_package: bool, known) -> list[tuple[int, str]]:
    """(line, dotted module under the project) for every import of the project's modules.

    known(name) tells whether a dotted name is a module (so `from ganeti_webmgr import
    audit` is the audit package, `from ganeti_webmgr.ganeti import Node` the ganeti one)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importing module's package
                anchor = [PROJECT, *module.split(".")] if module else [PROJECT]
                if not is_package:
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.append((node.lineno, name if known(name) else base))
    result = []
    for line, name in found:
        if name == PROJECT:
            result.append((line, ""))
        elif name.startswith(PROJECT + "."):
            result.append((line, name[len(PROJECT) + 1 :]))
        elif name.split(".")[0] == "django" and module.split(".")[0] == "ganeti":
            result.append((line, "django"))
    return result


def check(root: Path) -> list[Violation]:
    """Every forbidden import in the package at root (a directory named like PROJECT)."""
    paths = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    names = {module_name(p, root) for p in paths}

    def known(dotted: str) -> bool:
        return dotted == PROJECT or dotted.removeprefix(PROJECT + ".") in names

    placed = placements()
    violations = []
    for path in paths:
        module = module_name(path, root)
        shown = str(path.relative_to(root.parent))
        own = layer_of(module, placed)
        if own is None:
            violations.append(
                Violation(shown, 1, module, "-", f"{package_of(module)!r} has no layer in LAYERS")
            )
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported in imports_of(tree, module, path.name == "__init__.py", known):
            why = forbidden(module, own, imported, placed)
            if why:
                violations.append(Violation(shown, line, module, imported or PROJECT, why))
    return violations


def forbidden(module: str, own: str, imported: str, placed: dict[str, str]) -> str:
    """Why module (in layer own) may not import imported; "" if it may."""
    if package_of(module) == "ganeti":
        if imported == "django":
            return "the RAPI client does not import Django"
        if package_of(imported) != "ganeti":
            return "the RAPI client imports nothing else of GWM"
        return ""
    if own == "tests":
        return ""
    theirs = layer_of(imported, placed)
    if theirs is None:
        return f"{package_of(imported)!r} has no layer in LAYERS"
    if theirs == "tests":
        return "only tests import tests"
    if RANK[theirs] > RANK[own]:
        return f"layer {theirs!r} is above {own!r}"
    if RANK[theirs] == RANK[own] and package_of(imported) != package_of(module):
        return f"{theirs!r} is {module}'s own layer, but another package's"
    return ""


def test_every_import_goes_down_the_layers():
    violations = check(ROOT / PROJECT)
    assert not violations, "forbidden imports (see LAYERS):\n" + "\n".join(map(str, violations))


def test_every_layer_entry_names_a_module():
    names = {module_name(p, ROOT / PROJECT) for p in (ROOT / PROJECT).rglob("*.py")}
    for _, entries in LAYERS:
        for entry in entries:
            if entry.startswith("*."):
                continue
            assert entry in names, f"LAYERS names {entry!r}: no such module"


@pytest.fixture
def project(tmp_path):
    """write(path, source): a module of a synthetic project; returns the project's root."""
    root = tmp_path / PROJECT

    def write(path: str, source: str = "") -> Path:
        for parent in [root, *(root / path).parents]:
            if parent == tmp_path or not str(parent).startswith(str(root)):
                continue
            parent.mkdir(parents=True, exist_ok=True)
            (parent / "__init__.py").touch()
        (root / path).write_text(textwrap.dedent(source))
        return root

    return write


def test_the_checker_finds_an_upward_import_in_a_function(project):
    project("inventory/sync.py")
    root = project(
        "clusters/rapi.py",
        """
        import os


        def client_for(cluster):
            from ganeti_webmgr.inventory import sync

            return sync
        """,
    )
    [violation] = check(root)
    assert violation.path == "ganeti_webmgr/clusters/rapi.py" and violation.line == 6
    assert violation.imported == "inventory.sync"
    assert "layer 'inventory' is above 'clusters'" in str(violation)


def test_the_checker_reads_every_form_of_import(project):
    project("nodes/models.py")
    project("jobs/models.py")
    project("audit/__init__.py")
    root = project(
        "virtual_machines/models.py",
        """
        import ganeti_webmgr.nodes.models
        from ganeti_webmgr import audit
        from ganeti_webmgr.jobs.models import Job
        from ..nodes import models
        """,
    )
    found = {(v.line, v.imported) for v in check(root)}
    # nodes.models is below (lines 2 and 5 pass); audit and jobs.models are above.
    assert found == {(3, "audit"), (4, "jobs.models")}


def test_the_checker_refuses_views_of_another_app_and_sideways_imports(project):
    project("clusters/views.py")
    project("nodes/views.py", "from ganeti_webmgr.clusters.views import cluster_detail\n")
    root = project("nodes/urls.py", "from ganeti_webmgr.clusters import views\n")
    [violation] = check(root)
    assert violation.module == "nodes.views" and "another package's" in violation.why


def test_the_checker_keeps_django_out_of_the_rapi_client(project):
    root = project("ganeti/client.py", "import django.db\nfrom ganeti_webmgr import conf\n")
    project("conf/__init__.py")
    assert [v.why for v in check(root)] == [
        "the RAPI client does not import Django",
        "the RAPI client imports nothing else of GWM",
    ]


def test_a_package_without_a_layer_fails_by_name(project):
    root = project("gadgets/things.py")
    assert {(v.module, v.why) for v in check(root)} == {
        ("gadgets", "'gadgets' has no layer in LAYERS"),
        ("gadgets.things", "'gadgets' has no layer in LAYERS"),
    }


def test_layers_of_real_modules():
    assert layer_of("clusters.models") == "clusters"
    assert layer_of("virtual_machines.migrations.0001_initial") == "virtual_machines.models"
    assert layer_of("jobs.follow") == "jobs"
    assert layer_of("virtual_machines.bulk") == "action callers"
    assert layer_of("accounts.views.users") == "views"
    assert layer_of("clusters.management.commands.cluster") == "commands"
    assert layer_of("inventory.tests.test_sync") == "tests"
    assert layer_of("") == "base"
