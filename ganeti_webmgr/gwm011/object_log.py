"""0.11's object log (django-object-log's object_log_logitem) as audit entries.

Each item becomes a "legacy.import" entry marked "imported from GWM 0.11", at the
item's time and by its user: the imported GWM user, or, when that user was not
imported, their 0.11 name alone. Its objects become the entry's targets where GWM
has them (clusters, VMs, users, groups); the cached names 0.11 kept in the item
(serialized_data) go into the message, so it reads right without them.
"""

from __future__ import annotations

import json

from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.core.sorting import name_key
from ganeti_webmgr.gwm011.models import ImportedLogItem
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# What 0.11's log actions (utils/logs.py, object_log's defaults) say, in GWM's words.
ACTIONS = {
    "CREATE": "created",
    "EDIT": "edited",
    "DELETE": "deleted",
    "VM_REBOOT": "rebooted",
    "VM_START": "started",
    "VM_STOP": "stopped",
    "VM_MIGRATE": "migrated",
    "VM_REPLACE_DISKS": "disks replaced",
    "VM_REINSTALL": "reinstalled",
    "VM_MODIFY": "modified",
    "VM_RENAME": "renamed",
    "VM_RECOVER": "recovered",
    "CLUSTER_REDISTRIBUTE": "configuration redistributed",
    "NODE_EVACUATE": "evacuated",
    "NODE_MIGRATE": "migrated",
    "NODE_ROLE_CHANGE": "role changed",
    "ADD_USER": "permissions given",
    "REMOVE_USER": "permissions taken",
    "MODIFY_PERMS": "permissions changed",
}


def import_items(imp) -> None:
    """imp: the running import (importer._Import): its users, groups, clusters, report."""
    done = set(ImportedLogItem.objects.values_list("item_id", flat=True))
    for row in imp.data.log_items:
        if row["id"] in done:
            imp.report.existing["log entries"] += 1
            continue
        entry = _entry(imp, row)
        ImportedLogItem.objects.create(item_id=row["id"], entry=entry)
        imp.report.imported["log entries"] += 1


def _entry(imp, row: dict) -> Entry:
    data = _data(row["serialized_data"])
    targets, names = [], []
    for n in (1, 2, 3):
        obj, name = _object(imp, row[f"object_type{n}_id"], row[f"object_id{n}"], data)
        if obj is not None:
            targets.append(obj)
        if name:
            names.append(name)
    action = row["action_id"]
    words = ACTIONS.get(action, action.lower().replace("_", " "))
    message = f"imported from GWM 0.11: {' '.join(names[:1])} {words}".replace("  ", " ")
    if len(names) > 1:
        message += f" ({', '.join(names[1:])})"
    if data.get("newname"):
        message += f" to {data['newname']}"
    if data.get("job_id"):
        message += f" (Ganeti job {data['job_id']})"
    actor = imp.users.get(row["user_id"])
    entry = audit.record("legacy.import", actor=actor, targets=targets, message=message)
    # The 0.11 time and actor, as 0.11 recorded them.
    when = row["timestamp"]
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    # A user the import did not bring in (gone from 0.11's auth_user): kept by name.
    actor_name = actor.get_username() if actor else _username(imp, row["user_id"])
    fields = {"actor_name": actor_name, "actor_key": name_key(actor_name)}
    if when is not None:
        fields["time"] = when
        Target.objects.filter(entry=entry).update(time=when)
    Entry.objects.filter(pk=entry.pk).update(**fields)
    return entry


def _username(imp, pk) -> str:
    return (imp.data.users.get(pk) or {}).get("username") or f"0.11 user #{pk}"


def _data(text) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _object(imp, type_id, pk, data: dict):
    """(GWM object or None, a name for the message) of one of the item's objects."""
    if type_id is None or pk is None:
        return None, ""
    _app, model = imp.data.content_types.get(type_id, ("", ""))
    if model == "cluster":
        cluster = imp.clusters.get(pk)
        return cluster, f"cluster {cluster.slug if cluster else data.get('cluster_slug', pk)}"
    if model == "virtualmachine":
        vm = imp.data.vms.get(pk)
        cluster = imp.clusters.get(vm["cluster_id"]) if vm else None
        name = vm["hostname"] if vm else data.get("hostname", f"#{pk}")
        row = None
        if cluster is not None:
            row = VirtualMachine.objects.filter(cluster=cluster, name=name).first()
        return row, f"VM {name}"
    if model == "user":
        user = imp.users.get(pk)
        return user, f"user {user or data.get('affected_user') or _username(imp, pk)}"
    if model == "group":
        group = imp.groups.get(pk)
        return group, f"group {group or data.get('affected_user') or pk}"
    if model == "node":
        return None, f"node {data.get('hostname', f'#{pk}')}"
    if model == "job":
        return None, ""
    return None, f"{model or 'object'} {data.get('object_str', f'#{pk}')}"
