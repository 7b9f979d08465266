"""Users' keys into a new VM's OS parameters, as each cluster's admins set it.

A cluster's admins map an OS ("image" for all its variants, or "image+debian") to
the OS parameter its create script reads keys from. The mapping is checked against
the parameters the OS declares (its parameters.list, read with /2/query/os) when it
is saved and when it is checked again; creation uses what was last read, so the
web request never waits for Ganeti, and an undeclared parameter is a message in
the wizard instead of Ganeti's error.
"""

from __future__ import annotations

from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters import rapi
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiError, Timeouts
from ganeti_webmgr.vmkeys.models import KeyParameter

# /2/query/os asks every node: allow it some time, but not a hung cluster's.
QUERY_TIMEOUTS = Timeouts(connect=5, read=30, total=60)


class CheckFailed(Exception):
    """Ganeti could not be asked (str() says why, for the page)."""


class Undeclared(ValueError):
    """The OS does not exist or does not declare the parameter (str() says which)."""

    def __init__(self, text: str, field: str):
        super().__init__(text)
        self.field = field  # "os" or "parameter"


def declared_parameters(cluster: Cluster) -> dict[str, list[str]]:
    """Each OS's declared parameters by base name, as Ganeti says now."""
    try:
        with rapi.new_client(cluster, QUERY_TIMEOUTS) as client:
            return client.os_parameters()
    except RapiError as error:
        raise CheckFailed(f"Ganeti could not be asked for its OS definitions: {error}") from None


def problem(os: str, parameter: str, declared: dict[str, list[str]], known: list[str]) -> str:
    """ "" if the OS exists and declares parameter, else what is wrong (for the page)."""
    base = os.partition("+")[0]
    if base not in declared or ("+" in os and os not in known):
        return f"The cluster has no OS {os!r}."
    if parameter not in declared[base]:
        names = ", ".join(declared[base]) or "none"
        return (
            f"The OS {base} does not declare a parameter {parameter!r} (its parameters.list "
            f"has: {names})."
        )
    return ""


def add(
    cluster: Cluster,
    os: str,
    parameter: str,
    layout: str = KeyParameter.Layout.LINES,
    *,
    request=None,
) -> KeyParameter:
    """Check the mapping against Ganeti's OS definitions now, save it and its audit entry.
    CheckFailed if Ganeti cannot be asked, Undeclared if the OS does not declare it."""
    declared = declared_parameters(cluster)
    if text := problem(os, parameter, declared, cluster.operating_systems):
        raise Undeclared(text, "parameter" if "declare" in text else "os")
    row = KeyParameter(
        cluster=cluster,
        os=os,
        parameter=parameter,
        layout=layout,
        declared=declared[os.partition("+")[0]],
        checked_at=timezone.now(),
    )
    how = KeyParameter.Layout(layout).label
    with audit.change(
        "cluster.ssh_keys",
        request=request,
        targets=[cluster],
        message=f"{cluster.slug}: {how} into {parameter} of {os} at creation",
    ):
        row.save()
    return row


def remove(row: KeyParameter, *, request=None) -> None:
    with audit.change(
        "cluster.ssh_keys",
        request=request,
        targets=[row.cluster],
        message=f"{row.cluster.slug}: keys no longer put into {row}",
    ):
        row.delete()


def refresh(cluster: Cluster) -> list[str]:
    """Read the OS definitions again and update every mapping; returns the problems."""
    declared = declared_parameters(cluster)
    problems = []
    for mapping in KeyParameter.objects.filter(cluster=cluster):
        mapping.declared = declared.get(mapping.base_os, [])
        mapping.checked_at = timezone.now()
        mapping.save(update_fields=["declared", "checked_at"])
        if text := problem(mapping.os, mapping.parameter, declared, cluster.operating_systems):
            problems.append(f"{mapping.os}: {text}")
    return problems


def mapping_for(cluster: Cluster, os: str) -> KeyParameter | None:
    """The mapping for os ("name+variant"): one for that variant, else one for the OS."""
    mappings = {m.os: m for m in KeyParameter.objects.filter(cluster=cluster)}
    return mappings.get(os) or mappings.get(os.partition("+")[0])


def key_lines(user) -> list[str]:
    """user's keys as authorized_keys lines, oldest first (the "first key")."""
    keys = SshKey.objects.filter(user=user).order_by("created_at", "pk")
    return list(keys.values_list("key", flat=True))


def osparams_for(user, cluster: Cluster, os: str) -> tuple[dict[str, str], str]:
    """The OS parameters that carry user's keys into a new VM with os, and an error
    ("" if none). Nothing is sent when the OS has no mapping or user has no keys."""
    mapping = mapping_for(cluster, os)
    if mapping is None:
        return {}, ""
    lines = key_lines(user)
    if not lines:
        return {}, ""
    if not mapping.is_declared:
        return {}, (
            f"This cluster puts your SSH keys in the OS parameter {mapping.parameter!r}, "
            f"which {mapping.base_os} did not declare when GWM last read it "
            f"({mapping.checked_at:%Y-%m-%d %H:%M} UTC). Ask a cluster administrator to "
            "correct the cluster's SSH key settings, or remove your keys to create it "
            "without them."
        )
    return {mapping.parameter: mapping.value(lines)}, ""
