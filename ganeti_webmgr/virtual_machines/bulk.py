"""Bulk actions on a selection of VMs: one request per VM through the action layer, with
a result per VM (requested, or skipped and why)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions import owner as owners
from ganeti_webmgr.actions import service
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.listing import Chip, ListQuery
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import may_give_to, require, visible
from ganeti_webmgr.virtual_machines import ownership
from ganeti_webmgr.virtual_machines.filters import VM_LIST
from ganeti_webmgr.virtual_machines.models import VirtualMachine

BULK_ACTIONS = {
    "start": gettext_lazy("Start"),
    "shutdown": gettext_lazy("Shut down"),
    "reboot": gettext_lazy("Reboot"),
    "remove": gettext_lazy("Delete"),
    "owner": gettext_lazy("Change owner"),
}
MAX_SELECTION = 500


@dataclass
class Matching:
    """What a list's filter selects for a bulk action, evaluated for one user now."""

    pks: list[int]
    count: int
    chips: list[Chip]
    error: str = ""


def matching(user, filter_text: str) -> Matching:
    """The VMs user may see that match a list's search and filters (a query string as
    the list sends it), at most MAX_SELECTION of them; the filter is evaluated here,
    under user's permissions, whatever the page showed or the form says."""
    clusters = visible(user, Cluster.objects.all())
    query = ListQuery(
        VM_LIST,
        QueryDict(filter_text[:4000]),
        choices={"cluster": tuple((c.slug, str(c)) for c in clusters)},
    )
    vms = query.apply(visible(user, VirtualMachine.objects.filter(removed_at=None)))
    if query.errors:
        return Matching([], 0, query.chips, " ".join(query.errors))
    pks = list(vms.values_list("pk", flat=True)[: MAX_SELECTION + 1])
    if len(pks) > MAX_SELECTION:
        count = vms.count()
        return Matching(
            [],
            count,
            query.chips,
            _(
                "%(count)s virtual machines match; a bulk action takes at most %(max)s. "
                "Narrow the filter."
            )
            % {"count": f"{count:,}", "max": f"{MAX_SELECTION:,}"},
        )
    if not pks:
        return Matching([], 0, query.chips, _("No virtual machine you may see matches."))
    return Matching(pks, len(pks), query.chips)


@dataclass
class Outcome:
    vm: VirtualMachine
    job: Job | None = None
    error: str = ""


def may_give_to_any(user, pks: list[int], owner: User | Group | None) -> bool:
    """May user give at least one of the selected VMs to owner? (If not, the owner is
    refused as one that does not exist, before anything is tried.)"""
    if owner is None:
        return True
    vms = visible(user, VirtualMachine.objects.filter(pk__in=pks[:MAX_SELECTION]))
    return any(may_give_to(user, vm, owner) for vm in vms.select_related("cluster"))


def run(
    user,
    pks: list[int],
    action: str,
    request=None,
    owner: User | Group | None = None,
) -> list[Outcome]:
    """Apply action to the selected VMs the user may see (others are silently absent).

    Deletion was confirmed for the whole selection by the caller.
    """
    vms = list(
        visible(user, VirtualMachine.objects.filter(pk__in=pks[:MAX_SELECTION]))
        .select_related("cluster")
        .order_by("cluster__slug", "name_key", "name")
    )
    outcomes = []
    for vm in vms:
        outcome = Outcome(vm)
        try:
            if action == "owner":
                require(user, "grant", vm)
                jobs = owners.set_owner(user, vm, owner, request=request)
                outcome.job = jobs[-1] if jobs else None
            else:
                data = {"confirm_name": vm.name} if action == "remove" else {}
                outcome.job = service.request(
                    user, f"vm.{action}", vm, data, request=request, confirmed=True
                )
        except PermissionDenied:
            outcome.error = _("skipped: you may not")
        except service.Refused as refused:
            outcome.error = _("skipped: %(why)s") % {"why": refused}
        except ownership.OwnerError as error:
            outcome.error = _("skipped: %(why)s") % {"why": error}
        outcomes.append(outcome)
    return outcomes
