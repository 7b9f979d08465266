"""Ask for the wizard's VM(s): one creation request through the action layer, kept with
the form's values so a failed creation can be fixed and sent again."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.create import CreateVMsForm
from ganeti_webmgr.provisioning.models import CreationRequest

# Form data kept for a resubmission: all but what the browser sends for every POST.
NOT_KEPT = {"csrfmiddlewaretoken", "action"}


def submit(
    form: CreateVMsForm,
    request,
    *,
    override_quota: bool = False,
    values: dict[str, list[str]] | None = None,
) -> CreationRequest:
    """Raises service.Refused (nothing recorded); gwm-worker sends the request.

    values: the form data to keep (default: request.POST's), as {name: [value, ...]}."""
    cluster = form.cluster
    with transaction.atomic():
        job = service.request(
            request.user,
            "vm.create",
            cluster,
            request=request,
            form=form,
            override_quota=override_quota,
        )
        owner = form.owner_object()
        creation = CreationRequest.objects.create(
            cluster=cluster,
            requested_by=request.user,
            owner_user=owner if isinstance(owner, User) else None,
            owner_group=owner if isinstance(owner, Group) else None,
            names=form.cleaned_data["names"],
            values=values
            if values is not None
            else {k: request.POST.getlist(k) for k in request.POST if k not in NOT_KEPT},
        )
        creation.jobs.add(job)
    return creation
