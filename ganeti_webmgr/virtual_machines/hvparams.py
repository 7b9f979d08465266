"""Hypervisor parameters: the values Ganeti accepts for the ones that are a choice.

Facts from Ganeti's constants (3.0); a parameter not listed here is free text,
typed like its current value. Used by the VM parameters form and the creation
wizard, so a choice is offered instead of typed blind.
"""

from __future__ import annotations

from typing import Any

KVM_DISK_TYPES = ["paravirtual", "ide", "scsi", "sd", "mtd", "pflash"]

CHOICES: dict[str, dict[str, list[str]]] = {
    "kvm": {
        "boot_order": ["disk", "cdrom", "network", "floppy"],
        "disk_type": KVM_DISK_TYPES,
        "cdrom_disk_type": ["", *KVM_DISK_TYPES],
        "nic_type": [
            "paravirtual",
            "e1000",
            "rtl8139",
            "ne2k_isa",
            "ne2k_pci",
            "i82551",
            "i82557b",
            "i82559er",
            "pcnet",
        ],
        "disk_cache": ["default", "none", "writethrough", "writeback"],
        "disk_aio": ["threads", "native", "io_uring"],
        "security_model": ["none", "user", "pool"],
        "reboot_behavior": ["reboot", "exit"],
        "migration_mode": ["live", "non-live"],
    },
    "xen-pvm": {
        "reboot_behavior": ["reboot", "exit"],
        "migration_mode": ["live", "non-live"],
    },
    "xen-hvm": {
        "boot_order": ["cd", "c", "d", "n"],
        "disk_type": ["paravirtual", "ioemu"],
        "nic_type": ["paravirtual", "rtl8139", "ne2k_isa", "ne2k_pci", "e1000"],
        "reboot_behavior": ["reboot", "exit"],
        "migration_mode": ["live", "non-live"],
    },
}

# The ones an operator changes most, shown first; the rest follow by name.
COMMON = [
    "boot_order",
    "kernel_path",
    "initrd_path",
    "kernel_args",
    "root_path",
    "serial_console",
    "cdrom_image_path",
    "cdrom2_image_path",
    "nic_type",
    "disk_type",
    "vnc_bind_address",
    "migration_mode",
]


def ordered(params: dict[str, Any]) -> list[str]:
    common = [k for k in COMMON if k in params]
    return common + sorted(k for k in params if k not in COMMON)


def choices(hypervisor: str, key: str) -> list[str] | None:
    return CHOICES.get(hypervisor, {}).get(key)


def guess_hypervisor(params: dict[str, Any], default: str) -> str:
    """RAPI's instance list does not name the hypervisor; its parameters tell."""
    if "kvm_path" in params:
        return "kvm"
    if "device_model" in params:
        return "xen-hvm"
    if "use_bootloader" in params:
        return "xen-pvm"
    return default or ""


# What the creation wizard asks for, per hypervisor (the rest keep the cluster's values).
WIZARD = {
    "kvm": [
        "boot_order",
        "kernel_path",
        "initrd_path",
        "kernel_args",
        "serial_console",
        "cdrom_image_path",
        "nic_type",
        "disk_type",
    ],
    "xen-pvm": ["kernel_path", "initrd_path", "root_path", "kernel_args"],
    "xen-hvm": ["boot_order", "cdrom_image_path", "nic_type", "disk_type"],
}
