"""A template's values: the wizard's fields as typed, without owner and name.

Kept as the form's initial data ({field: value}, plus "disks" and "nics" lists),
so starting the wizard from a template fills the form in without judging it.
"""

from __future__ import annotations

from typing import Any

from ganeti_webmgr.core.units import format_mib
from ganeti_webmgr.provisioning.forms import CreateForm, TemplateForm
from ganeti_webmgr.virtual_machines import hvparams
from ganeti_webmgr.virtual_machines.models import VirtualMachine

NOT_KEPT = {"owner", "name", "count", "first_number", "template_name", "template_description"}
# Per VM, not per kind of VM: a template does not copy them.
NIC_KEPT = ("network", "mode", "link")


def from_form(form: CreateForm) -> dict[str, Any]:
    """The values a (bound) wizard form holds, valid or not."""
    values = {
        name: form[name].value()
        for name in form.fields
        if name not in NOT_KEPT and form[name].value() not in (None, "")
    }
    values["disks"] = [{"size": f["size"].value()} for f in form.disks if f["size"].value()]
    count = _int(form["nic_count"].value())
    values["nics"] = [
        {k: f[k].value() for k in NIC_KEPT if f[k].value()} for f in form.nics.forms[:count]
    ]
    return values


def from_vm(vm: VirtualMachine) -> dict[str, Any]:
    """What the wizard needs to make another VM like this one."""
    raw, info = vm.raw or {}, vm.cluster.info or {}
    hypervisor = vm.hypervisor or info.get("default_hypervisor") or ""
    values: dict[str, Any] = {
        "hypervisor": hypervisor,
        "os": vm.os,
        "disk_template": vm.disk_template,
        "vcpus": vm.vcpus or 1,
    }
    if vm.memory:
        values["memory"] = format_mib(vm.memory)
        if vm.minmem and vm.minmem != vm.memory:
            values["minmem"] = format_mib(vm.minmem)
    values["disks"] = [{"size": format_mib(size)} for size in raw.get("disk.sizes") or []]
    networks = raw.get("nic.networks.names") or []
    modes, links = raw.get("nic.modes") or [], raw.get("nic.links") or []
    nics = []
    for index in range(len(raw.get("nic.macs") or [])):
        network = networks[index] if index < len(networks) else None
        if network:
            nics.append({"network": network})
        else:
            nic = {"mode": _at(modes, index), "link": _at(links, index)}
            nics.append({k: v for k, v in nic.items() if v})
    values["nics"], values["nic_count"] = nics, len(nics)
    custom = raw.get("custom_hvparams") or {}
    for key in hvparams.WIZARD.get(hypervisor, []):
        if key in custom:
            value = custom[key]
            values[f"hv_{hypervisor}_{key}"] = (
                ("true" if value else "false") if isinstance(value, bool) else value
            )
    if not info.get("default_iallocator") and vm.primary_node:
        values.update(use_iallocator=False, pnode=vm.primary_node.name)
        if vm.secondary_node:
            values["snode"] = vm.secondary_node.name
    return values


def as_form_data(cluster, user, values: dict[str, Any], name: str) -> dict[str, Any]:
    """A template's values as a filled-in form would post them (to check them against
    the cluster's current choices)."""
    form = TemplateForm(cluster, user, initial=values)
    data = {"template_name": name}
    for bound in [*form, *_formset_fields(form.disks), *_formset_fields(form.nics)]:
        value = bound.value()
        if value is True:
            data[bound.html_name] = "on"
        elif value not in (None, False):
            data[bound.html_name] = value
    for formset in (form.disks, form.nics):
        data.update({f.html_name: f.value() for f in formset.management_form})
    return data


def _formset_fields(formset):
    return [field for form in formset for field in form]


def _at(items: list, index: int):
    return items[index] if index < len(items) else None


def _int(text) -> int:
    try:
        return max(int(text), 0)
    except (TypeError, ValueError):
        return 0
