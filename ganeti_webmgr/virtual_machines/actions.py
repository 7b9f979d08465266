"""What a user may do to a VM, each ending in a Ganeti job that gwm-worker follows.

Views and bulk actions call perform(); it checks the permission (read-only
clusters included), talks to Ganeti, records the job and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.jobs.started import record_started
from ganeti_webmgr.permissions.rules import require
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@dataclass(frozen=True)
class Action:
    permission: str
    audit_action: str
    describe: Callable[[VirtualMachine, dict], str]  # for the audit log and messages
    run: Callable[[RapiClient, VirtualMachine, dict], int]  # returns the Ganeti job id


def _modify(client, vm, p):
    params = {}
    beparams = {k: p[k] for k in ("maxmem", "minmem", "vcpus") if p.get(k) is not None}
    if beparams:
        params["beparams"] = beparams
    if p.get("add_nic"):
        params["nics"] = [["add", p["add_nic"]]]
    if p.get("remove_nic"):
        params["nics"] = [["remove", {}]]  # the last card (Ganeti's short form)
    if p.get("add_disk"):
        params["disks"] = [["add", {"size": p["add_disk"]}]]
    return client.modify_instance(vm.name, **params)


def _describe_modify(vm, p) -> str:
    parts = [f"{k} {p[k]}" for k in ("maxmem", "minmem", "vcpus") if p.get(k) is not None]
    if p.get("add_nic"):
        parts.append(
            "add a network card"
            + (f" on {p['add_nic']['link']}" if p["add_nic"].get("link") else "")
        )
    if p.get("remove_nic"):
        parts.append("remove the last network card")
    if p.get("add_disk"):
        parts.append(f"add a {p['add_disk']} MiB disk")
    return f"modify {vm.name}: {', '.join(parts)}"


def _describe_parameters(vm, p) -> str:
    parts = []
    if p.get("os_name"):
        parts.append(f"OS {p['os_name']}")
    for kind, label in (("osparams", "OS parameter"), ("hvparams", "hypervisor parameter")):
        for key, value in sorted((p.get(kind) or {}).items()):
            parts.append(f"{label} {key} reset" if value == "default" else f"{label} {key}={value}")
    return f"modify {vm.name}: {', '.join(parts)}"


def _tags(client, vm, p):
    if p.get("remove"):
        return client.delete_tags("instance", p["remove"], vm.name)
    return client.add_tags("instance", p["add"], vm.name)


def _reboot(client, vm, p):
    return client.reboot_instance(vm.name, reboot_type=p.get("type", "soft"))


ACTIONS: dict[str, Action] = {
    "start": Action(
        "power",
        "vm.start",
        lambda vm, p: f"start {vm.name}",
        lambda c, vm, p: c.startup_instance(vm.name),
    ),
    "shutdown": Action(
        "power",
        "vm.stop",
        lambda vm, p: (
            f"shut down {vm.name}"
            + (f" (timeout {p['timeout']} s)" if p.get("timeout") is not None else "")
        ),
        lambda c, vm, p: c.shutdown_instance(vm.name, timeout=p.get("timeout")),
    ),
    "reboot": Action(
        "power", "vm.reboot", lambda vm, p: f"{p.get('type', 'soft')} reboot of {vm.name}", _reboot
    ),
    "migrate": Action(
        "admin",
        "vm.migrate",
        lambda vm, p: (
            f"{'clean up migration of' if p.get('cleanup') else 'migrate'} {vm.name}"
            + (f" ({p['mode']})" if p.get("mode") else "")
        ),
        lambda c, vm, p: c.migrate_instance(
            vm.name, mode=p.get("mode"), cleanup=p.get("cleanup") or None
        ),
    ),
    "failover": Action(
        "admin",
        "vm.failover",
        lambda vm, p: f"fail over {vm.name}",
        lambda c, vm, p: c.failover_instance(vm.name),
    ),
    "reinstall": Action(
        "modify",
        "vm.reinstall",
        lambda vm, p: f"reinstall {vm.name} with {p.get('os') or vm.os}",
        lambda c, vm, p: c.reinstall_instance(
            vm.name, os=p.get("os") or None, start=p.get("start", True)
        ),
    ),
    "rename": Action(
        "modify",
        "vm.rename",
        lambda vm, p: f"rename {vm.name} to {p['new_name']}",
        lambda c, vm, p: c.rename_instance(
            vm.name, p["new_name"], ip_check=False, name_check=False
        ),
    ),
    "modify": Action("modify", "vm.modify", _describe_modify, _modify),
    "parameters": Action(
        "modify",
        "vm.modify",
        _describe_parameters,
        lambda c, vm, p: c.modify_instance(vm.name, **p),
    ),
    "grow_disk": Action(
        "modify",
        "vm.modify",
        lambda vm, p: f"grow disk {p['disk']} of {vm.name} by {p['amount']} MiB",
        lambda c, vm, p: c.grow_instance_disk(vm.name, p["disk"], p["amount"]),
    ),
    "tags": Action(
        "tags",
        "vm.tags",
        lambda vm, p: (
            f"remove tag(s) {', '.join(p['remove'])} from {vm.name}"
            if p.get("remove")
            else f"add tag(s) {', '.join(p['add'])} to {vm.name}"
        ),
        _tags,
    ),
    "remove": Action(
        "remove",
        "vm.remove",
        lambda vm, p: f"delete {vm.name}",
        lambda c, vm, p: c.delete_instance(vm.name),
    ),
}


def perform(user, vm: VirtualMachine, name: str, request=None, **params) -> Job:
    """Start action `name` on vm as user; raises PermissionDenied or RapiError."""
    action = ACTIONS[name]
    require(user, action.permission, vm)
    job_id = action.run(client_for(vm.cluster), vm, params)
    return record_started(
        vm.cluster,
        job_id,
        user=user,
        request=request,
        vm=vm,
        audit_action=action.audit_action,
        description=action.describe(vm, params),
    )
