"""After the import, GWM's answers (permissions/rules.py) are those a table computed
from the 0.11 rows alone says, for every imported user, cluster and VM."""

from __future__ import annotations

import sqlite3

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.gwm011.tests.test_import import run
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

CLUSTER_ACTIONS = ("view", "admin", "create_vm", "migrate", "export", "replace_disks", "tags")
VM_ACTIONS = ("view", "admin", "power", "modify", "remove", "tags", "export", "replace_disks")


def table_from_0_11(path: str, vm_names: set[str]) -> dict:
    """{(username, "cluster"/"vm", name, action): allowed}, from 0.11's tables: its
    superusers, memberships and django-object-permissions rows, read with SQL here."""
    db = sqlite3.connect(path)
    users = db.execute("SELECT id, username, is_superuser, is_active FROM auth_user").fetchall()
    groups_of: dict[int, set[int]] = {}
    for user_id, group_id in db.execute("SELECT user_id, group_id FROM auth_user_groups"):
        groups_of.setdefault(user_id, set()).add(group_id)
    clusters = dict(db.execute("SELECT id, slug FROM clusters_cluster"))
    vms = {
        pk: (cluster_id, hostname)
        for pk, cluster_id, hostname in db.execute(
            "SELECT id, cluster_id, hostname FROM virtualmachines_virtualmachine"
        )
        if hostname in vm_names
    }

    def held(table: str, codes: tuple[str, ...], user_id: int) -> dict[int, set[str]]:
        result: dict[int, set[str]] = {}
        columns = ", ".join(codes)
        for row in db.execute(f"SELECT obj_id, user_id, group_id, {columns} FROM {table}"):  # noqa: S608
            obj, holder_user, holder_group, *flags = row
            if holder_user == user_id or holder_group in groups_of.get(user_id, set()):
                result.setdefault(obj, set()).update(
                    c for c, f in zip(codes, flags, strict=True) if f
                )
        return result

    table = {}
    for user_id, username, superuser, active in users:
        on_cluster = held(
            "ganeti_web_cluster_perms",
            ("admin", "create_vm", "export", "migrate", "replace_disks", "tags"),
            user_id,
        )
        on_vm = held(
            "ganeti_web_virtualmachine_perms",
            ("admin", "modify", "power", "remove", "tags"),
            user_id,
        )
        for vm_pk, (cluster_id, hostname) in vms.items():
            perms, cluster_perms = on_vm.get(vm_pk, set()), on_cluster.get(cluster_id, set())
            for action in VM_ACTIONS:
                if action == "view":
                    allowed = bool(perms)
                elif action in ("export", "replace_disks"):
                    allowed = action in cluster_perms or "admin" in perms
                else:
                    allowed = bool({action, "admin"} & perms)
                allowed = allowed or bool(superuser) or "admin" in cluster_perms
                table[(username, "vm", hostname, action)] = allowed and bool(active)
        for cluster_id, slug in clusters.items():
            perms = on_cluster.get(cluster_id, set())
            sees_a_vm = any(on_vm.get(pk) for pk, (c, _h) in vms.items() if c == cluster_id)
            for action in CLUSTER_ACTIONS:
                allowed = bool(perms) or sees_a_vm if action == "view" else action in perms
                allowed = allowed or bool(superuser) or "admin" in perms
                table[(username, "cluster", slug, action)] = allowed and bool(active)
    db.close()
    return table


def test_gwm_grants_what_0_11_granted(gwm011_database, tmp_path, simulator, make_cluster):
    # GWM has the "ganeti" cluster synced, so its VMs get their 0.11 grants at once.
    sync.sync_cluster(make_cluster(simulator, slug="ganeti"))
    key_file = tmp_path / "secret_key"
    key_file.write_text(gwm011_database.secret_key)
    run(gwm011_database, key_file)
    vms = {vm.name: vm for vm in VirtualMachine.objects.select_related("cluster")}
    clusters = {c.slug: c for c in Cluster.objects.all()}
    expected = table_from_0_11(gwm011_database.url[len("sqlite:///") :], set(vms))
    assert len(vms) == 10

    users = {u.username: u for u in User.objects.all()}
    answers = {}
    for username, kind, name, action in expected:
        obj = vms[name] if kind == "vm" else clusters[name]
        answers[(username, kind, name, action)] = rules.can(users[username], action, obj)

    assert answers == expected
    assert sum(expected.values()) > len(users)  # not a table of superusers alone
