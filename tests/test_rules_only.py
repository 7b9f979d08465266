"""Permission questions are answered in ganeti_webmgr/permissions/rules.py only.

A view or template that reads `is_superuser` decides a permission itself, and the
next change of the rules misses it. Python is read with ast (any `x.is_superuser`
or `getattr(x, "is_superuser")` read), templates as text; each finding names the
file and line. Writing the flag (forms, gwm-init) and ORM lookups by it are not
questions, and do not match.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "ganeti_webmgr"
RULES = "ganeti_webmgr/permissions/rules.py"
# Places that show a user's superuser status rather than ask whether the viewer may
# do something: (file, the template expression).
DISPLAYS = {
    # The user list's status column: "superuser".
    ("ganeti_webmgr/accounts/templates/accounts/user_list.html", "u.is_superuser"),
    # A user's page: "active, superuser".
    ("ganeti_webmgr/accounts/templates/accounts/user_detail.html", "target.is_superuser"),
}
TEMPLATE_USE = re.compile(r"[\w.]*\bis_superuser\b")


def python_checks(source: str) -> list[int]:
    """Lines of source that read is_superuser."""
    return sorted(
        node.lineno for node in ast.walk(ast.parse(source)) if _reads(node) or _getattr(node)
    )


def _reads(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "is_superuser"
        and isinstance(node.ctx, ast.Load)
    )


def _getattr(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value == "is_superuser"
    )


def template_checks(text: str) -> list[tuple[int, str]]:
    """(line, expression) of every is_superuser in a template's text."""
    return [
        (number, match.group(0))
        for number, line in enumerate(text.splitlines(), 1)
        for match in TEMPLATE_USE.finditer(line)
    ]


def _skipped(path: Path) -> bool:
    parts = path.relative_to(PROJECT).parts
    return "tests" in parts or parts[0] == "testing" or "migrations" in parts


def findings() -> list[str]:
    found = []
    for path in sorted(PROJECT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == RULES or _skipped(path):
            continue
        for line in python_checks(path.read_text()):
            found.append(f"{relative}:{line}: reads is_superuser")
    for path in sorted(PROJECT.rglob("templates/**/*")):
        if not path.is_file() or _skipped(path):
            continue
        relative = path.relative_to(ROOT).as_posix()
        for line, expression in template_checks(path.read_text()):
            if (relative, expression) not in DISPLAYS:
                found.append(f"{relative}:{line}: reads {expression}")
    return found


def test_only_the_rules_ask_whether_a_user_is_a_superuser():
    found = findings()
    assert not found, (
        "Permission questions belong in ganeti_webmgr/permissions/rules.py: add a "
        "may_...() rule there and ask it (templates get a boolean from their view or "
        "from permissions.context_processors.nav). A place that only shows a user's "
        "status goes into DISPLAYS here, with a comment.\n" + "\n".join(found)
    )


def test_every_allowed_display_still_exists():
    # A stale entry would let a new check in that file's expression slip through.
    for relative, expression in DISPLAYS:
        text = (ROOT / relative).read_text()
        assert expression in [e for _, e in template_checks(text)], (relative, expression)


def test_the_guard_sees_reads_and_not_writes_or_lookups():
    source = textwrap.dedent(
        """
        if request.user.is_superuser:
            pass
        ok = getattr(user, "is_superuser", False)
        user.is_superuser = True
        User.objects.filter(is_superuser=True)
        fields = ("is_superuser",)
        """
    )
    assert python_checks(source) == [2, 4]
    text = "{% if user.is_superuser %}\n<p>x</p>\n{% if is_superuser %}"
    assert template_checks(text) == [(1, "user.is_superuser"), (3, "is_superuser")]
