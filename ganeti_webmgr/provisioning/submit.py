"""Send the wizard's VM(s) to Ganeti: one version-1 create request, or a multi-allocation."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from ganeti_webmgr.clusters.rapi import client_for
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.jobs.started import record_started
from ganeti_webmgr.provisioning.forms import CreateForm
from ganeti_webmgr.provisioning.models import CreationRequest
from ganeti_webmgr.virtual_machines.ownership import owner_tag

# Form data kept for a resubmission: all but what the browser sends for every POST.
NOT_KEPT = {"csrfmiddlewaretoken", "action"}


def submit(form: CreateForm, request) -> CreationRequest:
    """Raises RapiError (nothing recorded) or OwnerError (nothing sent)."""
    cluster, names = form.cluster, form.cleaned_data["names"]
    owner = form.owner_object()
    allocation = {**form.allocation(), "tags": [owner_tag(owner)]}
    client = client_for(cluster)
    if len(names) == 1:
        job_id = client.create_instance(names[0], **allocation)
        description = f"create {names[0]}"
    else:
        iallocator = allocation.pop("iallocator", None)
        job_id = client.create_instances(
            [RapiClient.instance_allocation(name, **allocation) for name in names],
            iallocator=iallocator,
        )
        description = f"create {len(names)} VMs: {', '.join(names)}"
    with transaction.atomic():
        job = record_started(
            cluster,
            job_id,
            user=request.user,
            request=request,
            audit_action="vm.create",
            description=description,
            new_vm_name=names[0] if len(names) == 1 else "",
        )
        creation = CreationRequest.objects.create(
            cluster=cluster,
            requested_by=request.user,
            owner_user=owner if isinstance(owner, User) else None,
            owner_group=owner if isinstance(owner, Group) else None,
            names=names,
            values={k: request.POST.getlist(k) for k in request.POST if k not in NOT_KEPT},
        )
        creation.jobs.add(job)
    return creation
