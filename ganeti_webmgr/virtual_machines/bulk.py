"""Bulk actions on a selection of VMs: one Ganeti job per VM, each followed, with a
result per VM (started, refused by GWM, or refused by Ganeti)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from ganeti_webmgr import audit
from ganeti_webmgr.ganeti import RapiError
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import require, visible
from ganeti_webmgr.virtual_machines import actions, ownership
from ganeti_webmgr.virtual_machines.models import VirtualMachine

BULK_ACTIONS = {
    "start": "Start",
    "shutdown": "Shut down",
    "reboot": "Reboot",
    "remove": "Delete",
    "owner": "Change owner",
}
MAX_SELECTION = 500


@dataclass
class Outcome:
    vm: VirtualMachine
    job: Job | None = None
    error: str = ""


def run(
    user,
    pks: list[int],
    action: str,
    request=None,
    owner: User | Group | None = None,
    confirmed_names: str = "",
) -> list[Outcome]:
    """Apply action to the selected VMs the user may see (others are silently absent)."""
    vms = list(
        visible(user, VirtualMachine.objects.filter(pk__in=pks[:MAX_SELECTION]))
        .select_related("cluster")
        .order_by("cluster__slug", "name")
    )
    outcomes = []
    for vm in vms:
        outcome = Outcome(vm)
        try:
            if action == "owner":
                require(user, "grant", vm)
                jobs = ownership.set_owner(vm, owner, requested_by=user)
                outcome.job = jobs[-1] if jobs else None
                audit.record(
                    "vm.owner",
                    actor=user,
                    request=request,
                    targets=[vm, vm.cluster],
                    job=outcome.job,
                    message=f"owner of {vm.name}: {owner or 'nobody'}",
                )
            else:
                outcome.job = actions.perform(user, vm, action, request=request)
        except PermissionDenied:
            outcome.error = "not allowed"
        except ownership.OwnerError as error:
            outcome.error = str(error)
        except RapiError as error:
            outcome.error = f"Ganeti refused: {error.message}"
        outcomes.append(outcome)
    return outcomes
