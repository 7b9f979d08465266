"""Users' keys into a new VM's OS parameters, as each cluster's admins set it.

A cluster's admins map an OS ("image" for all its variants, or "image+debian") to
the OS parameter its create script reads keys from. Ganeti's RAPI does not list an
OS's declared parameters (its parameters.list: /2/os gives names only, and Ganeti
3.0 answers /2/query/os with "not supported"), so GWM asks Ganeti to check one: a
dry-run creation with the parameter set, which Ganeti validates on a node as it
would a real one and then stops, creating nothing. That is done when a mapping is
saved and when it is checked again; creation uses the last answer, so the wizard's
request never waits for Ganeti, and an undeclared parameter is a message there
instead of Ganeti's error.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters import rapi
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import JobFailed, RapiError, Timeouts
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.vmkeys.models import KeyParameter

TIMEOUTS = Timeouts(connect=5, read=30, total=60)
CHECK_WITHIN = 60.0  # seconds for Ganeti's dry-run job
# The dry run's instance: never made, and no name check, so it need not resolve.
PROBE_NAME = "gwm-key-parameter-check.invalid"


class CheckFailed(Exception):
    """Ganeti could not check the parameter (str() says why, for the page)."""


class Undeclared(ValueError):
    """The OS does not exist or does not declare the parameter (str() says which)."""

    def __init__(self, text: str, field: str):
        super().__init__(text)
        self.field = field  # "os" or "parameter"


def full_os_name(cluster: Cluster, os: str) -> str:
    """The "name+variant" GWM last synced for os (os itself, or its first variant)."""
    known = list(cluster.operating_systems)
    if os in known:
        return os
    return next((name for name in known if name.partition("+")[0] == os), "")


def check(cluster: Cluster, os: str, parameter: str) -> None:
    """Undeclared unless os exists and declares parameter; CheckFailed if Ganeti cannot
    tell. Runs a dry-run creation in Ganeti (a job) and waits for it."""
    full = full_os_name(cluster, os)
    if not full:
        raise Undeclared(
            _("The cluster has no OS %(os)r (as of GWM's last sync).") % {"os": os}, "os"
        )
    if cluster.read_only:
        raise CheckFailed(_("GWM creates no VMs on a read-only cluster."))
    node = (
        Node.objects.filter(
            cluster=cluster, missing=False, vm_capable=True, offline=False, drained=False
        )
        .order_by("name")
        .first()
    )
    if node is None:
        raise CheckFailed(_("The cluster has no node to check on (as of GWM's last sync)."))
    enabled = list((cluster.info or {}).get("enabled_disk_templates") or ["diskless"])
    template = next((t for t in ("diskless", "file", "sharedfile") if t in enabled), enabled[0])
    try:
        with rapi.new_client(cluster, TIMEOUTS) as client:
            job_id = client.create_instance(
                PROBE_NAME,
                disk_template=template,
                disks=[] if template == "diskless" else [{"size": 1024}],
                nics=[],
                os=full,
                pnode=node.name,
                start=False,
                name_check=False,
                ip_check=False,
                ignore_ipolicy=True,
                osparams={parameter: "gwm-check"},
                dry_run=True,
                reason="gwm: checking an SSH key mapping (dry run)",
            )
            client.wait_for_job(job_id, timeout=CHECK_WITHIN)
    except JobFailed as failed:
        words = failed.error_message or str(failed)
        if "not supported by the OS" in words or parameter in words:
            raise Undeclared(
                _("The OS %(os)s does not declare a parameter %(parameter)r (Ganeti: %(words)s).")
                % {"os": os.partition("+")[0], "parameter": parameter, "words": words},
                "parameter",
            ) from None
        raise CheckFailed(
            _("Ganeti's check failed for another reason: %(words)s") % {"words": words}
        ) from None
    except RapiError as error:
        raise CheckFailed(
            _("Ganeti could not be asked to check the parameter: %(error)s") % {"error": error}
        ) from None


def add(
    cluster: Cluster,
    os: str,
    parameter: str,
    layout: str = KeyParameter.Layout.LINES,
    *,
    request=None,
) -> KeyParameter:
    """Have Ganeti check the mapping, save it and its audit entry. CheckFailed if
    Ganeti cannot tell, Undeclared if the OS does not declare the parameter."""
    check(cluster, os, parameter)
    row = KeyParameter(
        cluster=cluster,
        os=os,
        parameter=parameter,
        layout=layout,
        declared=[parameter],
        checked_at=timezone.now(),
    )
    with translation.override(audit.RECORD_LANGUAGE):
        how = str(KeyParameter.Layout(layout).label)
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
    """Have Ganeti check every mapping again; returns the problems (CheckFailed as
    soon as Ganeti cannot tell)."""
    problems = []
    for mapping in KeyParameter.objects.filter(cluster=cluster):
        try:
            check(cluster, mapping.os, mapping.parameter)
        except Undeclared as error:
            mapping.declared = []
            problems.append(f"{mapping.os}: {error}")
        else:
            mapping.declared = [mapping.parameter]
        mapping.checked_at = timezone.now()
        mapping.save(update_fields=["declared", "checked_at"])
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
        return {}, _(
            "This cluster puts your SSH keys in the OS parameter %(parameter)r, which "
            "%(os)s did not declare when Ganeti last checked it (%(when)s UTC). Ask a "
            "cluster administrator to correct the cluster's SSH key settings, or remove "
            "your keys to create it without them."
        ) % {
            "parameter": mapping.parameter,
            "os": mapping.base_os,
            "when": f"{mapping.checked_at:%Y-%m-%d %H:%M}",
        }
    return {mapping.parameter: mapping.value(lines)}, ""
