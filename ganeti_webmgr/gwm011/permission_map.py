"""0.11's permission codes and GWM's: each 0.11 code, the GWM permission it becomes.

0.11's cluster and VM permissions (its ganeti_web/permissions.py) have GWM
counterparts of the same name and meaning (permissions/rules.py). A code not in
these tables (a column a site added to 0.11's permission tables) has none: it is
reported, not granted.
"""

from __future__ import annotations

CLUSTER = {
    "admin": "admin",  # everything on the cluster and its VMs; grants and revokes
    "create_vm": "create_vm",
    "export": "export",
    "migrate": "migrate",  # 0.11: migrate VMs; GWM also nodes' migrate and evacuate
    "replace_disks": "replace_disks",
    "tags": "tags",
}
VM = {
    "admin": "admin",  # everything on the VM; grants and revokes on it
    "power": "power",  # start, stop, reboot, console
    "modify": "modify",  # including reinstall
    "remove": "remove",
    "tags": "tags",
}


def mapped(table: dict[str, str], codes) -> tuple[list[str], list[str]]:
    """(GWM codes, 0.11 codes without a counterpart) for the 0.11 codes."""
    gwm, unmapped = [], []
    for code in codes:
        if code in table:
            if table[code] not in gwm:
                gwm.append(table[code])
        else:
            unmapped.append(code)
    return gwm, unmapped
