"""The vocabulary: codes are well-formed, documented, and the only ones code records."""

import re
from pathlib import Path

import pytest

from ganeti_webmgr.audit.actions import ACTIONS
from ganeti_webmgr.audit.urls import urlpatterns

ROOT = Path(__file__).resolve().parents[3]


def test_codes_are_object_dot_verb():
    for code in ACTIONS:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", code), code


def test_docs_list_exactly_the_known_codes():
    docs = ROOT / "docs/audit.rst"
    if not docs.exists():
        pytest.skip("run from an installed package, without docs/")
    text = docs.read_text()
    documented = set(re.findall(r"^   \* - ``([a-z_.]+)``", text, re.MULTILINE))
    assert documented == set(ACTIONS)


def test_code_records_only_known_actions():
    calls = re.compile(r"""\brecord\(\s*["']([^"']+)["']""")
    used = set()
    for path in (ROOT / "ganeti_webmgr").rglob("*.py"):
        if "tests" not in path.parts:
            used.update(calls.findall(path.read_text()))
    assert used, "the scan found no record() calls"
    assert used <= set(ACTIONS), used - set(ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_log_page_changes_anything(admin_client, method):
    """Entries cannot be edited or deleted through the UI: every log URL is read-only."""
    urls = {
        "audit-log": "/log/",
        "audit-log-cluster": "/log/cluster/x/",
        "audit-log-vm": "/log/vm/x/y/",
        "audit-log-node": "/log/node/x/y/",
        "audit-log-user": "/log/user/admin/",
        "audit-log-group": "/log/group/x/",
        "audit-log-export": "/log/export",
        "audit-log-cluster-export": "/log/cluster/x/export",
        "audit-log-vm-export": "/log/vm/x/y/export",
        "audit-log-node-export": "/log/node/x/y/export",
        "audit-log-user-export": "/log/user/admin/export",
        "audit-log-group-export": "/log/group/x/export",
    }
    assert {pattern.name for pattern in urlpatterns} == set(urls)
    for url in urls.values():
        assert getattr(admin_client, method)(url).status_code == 405, url
