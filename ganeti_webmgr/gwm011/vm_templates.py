"""0.11's VM templates as GWM's: the creation wizard's values, per cluster.

0.11 kept a template's disks and NICs in django-fields' PickleField (Python 2's
pickle.dumps of lists of dicts). They are read by an unpickler that builds plain
values only: a pickle naming any class or function is refused, not run.
"""

from __future__ import annotations

import io
import pickle  # restricted below to plain values
from typing import Any

from django.contrib.auth.models import AnonymousUser

from ganeti_webmgr.core.units import format_mib
from ganeti_webmgr.provisioning import values as template_values
from ganeti_webmgr.provisioning.forms import TemplateForm
from ganeti_webmgr.virtual_machines import hvparams

# 0.11's hypervisor parameter columns; GWM's wizard takes those hvparams.WIZARD
# lists for the template's hypervisor.
HV_COLUMNS = (
    "kernel_path",
    "root_path",
    "serial_console",
    "boot_order",
    "cdrom_image_path",
    "disk_type",
    "nic_type",
)
# 0.11's columns GWM's templates have no place for, with the value that means "unset".
NOT_CARRIED = {"iallocator_hostname": "", "cdrom2_image_path": ""}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def unpickle(stored) -> Any:
    """A PickleField's value; text that is no pickle is the text itself (as
    django-fields read it). Raises ValueError for a pickle of anything but plain values."""
    if stored is None or stored == "":
        return None
    raw = stored.encode() if isinstance(stored, str) else bytes(stored)  # as smart_str did
    try:
        return _PlainUnpickler(io.BytesIO(raw), encoding="utf-8").load()
    except pickle.UnpicklingError as error:
        if "not a plain value" in str(error):
            raise ValueError(str(error)) from None
        return stored
    except (EOFError, ValueError, KeyError, IndexError, TypeError):
        return stored


def to_values(row: dict) -> tuple[dict[str, Any], list[str]]:
    """(GWM template values, notes on what of the row was not carried over)."""
    notes = []
    hypervisor = row["hypervisor"] or ""
    values: dict[str, Any] = {
        "os": row["os"] or "",
        "disk_template": row["disk_template"] or "",
        "start": row["start"],
        "no_install": row["no_install"],
        "ip_check": row["ip_check"],
        "name_check": row["name_check"],
        "use_iallocator": row["iallocator"],
    }
    if hypervisor:
        values["hypervisor"] = hypervisor
    if row["vcpus"]:
        values["vcpus"] = row["vcpus"]
    for column in ("memory", "minmem"):
        if row[column]:
            values[column] = format_mib(row[column])
    for column in ("pnode", "snode"):
        if row[column]:
            values[column] = row[column]
    values["disks"], disk_notes = _disks(row["disks"])
    values["nics"], nic_notes = _nics(row["nics"])
    values["nic_count"] = len(values["nics"])
    notes += disk_notes + nic_notes
    wizard = hvparams.WIZARD.get(hypervisor, [])
    for column in HV_COLUMNS:
        value = row[column]
        if value in (None, "", False) or (column == "root_path" and value == "/"):
            continue
        if column in wizard:
            if isinstance(value, bool):
                value = "true" if value else "false"
            values[f"hv_{hypervisor}_{column}"] = value
        else:
            notes.append(f"{column}={value!r} (not a parameter GWM sets for {hypervisor or '-'})")
    for column, unset in NOT_CARRIED.items():
        if row.get(column) not in (None, unset):
            notes.append(f"{column}={row[column]!r} (GWM's templates have no such field)")
    return values, notes


def _disks(stored) -> tuple[list[dict], list[str]]:
    try:
        disks = unpickle(stored)
    except ValueError as error:
        return [], [f"disks: {error}"]
    if disks is None:
        return [], []
    result, notes = [], []
    for disk in disks if isinstance(disks, list) else [disks]:
        size = disk.get("size") if isinstance(disk, dict) else None
        try:
            result.append({"size": format_mib(int(size))})
        except (TypeError, ValueError):
            notes.append(f"disk {disk!r} (no size in MiB)")
    return result, notes


def _nics(stored) -> tuple[list[dict], list[str]]:
    try:
        nics = unpickle(stored)
    except ValueError as error:
        return [], [f"nics: {error}"]
    if nics is None:
        return [], []
    result, notes = [], []
    for nic in nics if isinstance(nics, list) else [nics]:
        if not isinstance(nic, dict):
            notes.append(f"NIC {nic!r} (not a NIC's settings)")
            continue
        kept = {k: str(nic[k]) for k in template_values.NIC_KEPT if nic.get(k)}
        dropped = {k: v for k, v in nic.items() if k not in template_values.NIC_KEPT and v}
        if dropped:
            notes.append(f"NIC settings {dropped!r} (per VM in GWM, not per template)")
        result.append(kept)
    return result, notes


def check(cluster, values: dict[str, Any], name: str, template=None) -> list[str] | None:
    """What the cluster's current choices reject of values, as the template's page
    shows it; None when GWM has not synced the cluster yet (nothing to check against)."""
    if not cluster.info or not cluster.operating_systems:
        return None
    user = AnonymousUser()
    data = template_values.as_form_data(cluster, user, values, name)
    form = TemplateForm(cluster, user, data, template=template)
    if form.is_valid():
        return []
    problems = []
    for field, errors in form.errors.items():
        problems += [f"{field}: {error}" if field != "__all__" else error for error in errors]
    return problems
