"""Check a VM's specification against the cluster's instance policy before submitting.

Ganeti's ipolicy (``/2/info``) holds one or more min/max ranges; a VM must fit
one range entirely. Diskless VMs are not held to the disk bounds. Checking here
means the user sees which field is wrong, instead of a failed job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.core.units import format_mib

# ipolicy key -> (form field, what it is)
BOUNDS = {
    "memory-size": ("memory", gettext_lazy("Memory")),
    "cpu-count": ("vcpus", gettext_lazy("vCPUs")),
    "disk-count": ("disks", gettext_lazy("Number of disks")),
    "disk-size": ("disks", gettext_lazy("Disk size")),
    "nic-count": ("nics", gettext_lazy("Number of network cards")),
}


@dataclass(frozen=True)
class Spec:
    memory: int  # MiB, the maximum
    vcpus: int
    disk_sizes: tuple[int, ...]  # MiB
    nic_count: int
    disk_template: str


def violations(spec: Spec, ipolicy: dict) -> list[tuple[str, str]]:
    """(field, message) for each bound the spec breaks; [] if it fits a range."""
    problems: list[tuple[str, str]] = []
    allowed = ipolicy.get("disk-templates")
    if allowed and spec.disk_template not in allowed:
        problems.append(
            (
                "disk_template",
                _("The cluster's policy allows the disk templates %(templates)s only.")
                % {"templates": ", ".join(allowed)},
            )
        )
    ranges = ipolicy.get("minmax") or []
    if not ranges:
        return problems
    per_range = [_range_violations(spec, r.get("min", {}), r.get("max", {})) for r in ranges]
    if any(not found for found in per_range):
        return problems
    return problems + per_range[0]


def _range_violations(spec: Spec, low: dict, high: dict) -> list[tuple[str, str]]:
    found = []
    values = {
        "memory-size": [spec.memory],
        "cpu-count": [spec.vcpus],
        "nic-count": [spec.nic_count],
    }
    if spec.disk_template != "diskless":
        values["disk-count"] = [len(spec.disk_sizes)]
        values["disk-size"] = list(spec.disk_sizes)
    for key, numbers in values.items():
        field, label = BOUNDS[key]
        unit = format_mib if key in ("memory-size", "disk-size") else str
        for number in numbers:
            if key in low and number < low[key]:
                found.append(
                    (
                        field,
                        _("%(what)s: at least %(bound)s by the cluster's policy.")
                        % {"what": label, "bound": unit(low[key])},
                    )
                )
                break
            if key in high and number > high[key]:
                found.append(
                    (
                        field,
                        _("%(what)s: at most %(bound)s by the cluster's policy.")
                        % {"what": label, "bound": unit(high[key])},
                    )
                )
                break
    return found


HOSTNAME = re.compile(
    r"(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)


def names_from_pattern(pattern: str, count: int, first: int = 1) -> list[str]:
    """'web{n}.example.org' x 3 -> web1, web2, web3 ({n:02d} pads). ValueError if bad."""
    if count == 1 and "{" not in pattern:
        return [pattern]
    if "{n" not in pattern:
        raise ValueError(_("To create several, put {n} in the name where the number goes."))
    try:
        names = [pattern.format(n=number) for number in range(first, first + count)]
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            _("The name pattern is not valid: %(error)s.") % {"error": error}
        ) from None
    return names
