"""After a rename in GWM, the VM's old address leads to its new one.

An open VM page keeps polling its old address; once Ganeti has renamed the VM,
the poll answers with HX-Redirect, so the page moves to the new name by itself.
"""

from __future__ import annotations

import functools

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.rules import visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def renamed_from(user, slug: str, name: str) -> VirtualMachine | None:
    """The VM the user may see that a GWM rename moved away from `name`, if any."""
    job = (
        Job.objects.filter(
            cluster__slug=slug,
            action="vm.rename",
            target_name=name,
            status=Job.Status.SUCCESS,
            virtual_machine__isnull=False,
        )
        .order_by("-created_at")
        .first()
    )
    if job is None:
        return None
    return visible(user, VirtualMachine.objects.filter(pk=job.virtual_machine_id)).first()


class MovedTo(Exception):
    def __init__(self, vm):
        self.vm = vm
        super().__init__(vm.name)


def follows_renames(view):
    """For the views of one VM: a VM renamed away from the address moves with it
    (a GET is sent on; anything else is 404, since it was meant for another name)."""

    @functools.wraps(view)
    def wrapper(request, slug, name, *args, **kwargs):
        try:
            return view(request, slug, name, *args, **kwargs)
        except MovedTo as moved:
            if request.method != "GET":
                raise Http404("no such virtual machine") from None
            page = reverse("vm-detail", args=[slug, moved.vm.name])
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = page
                return response
            old_page = reverse("vm-detail", args=[slug, name])
            return HttpResponseRedirect(page + request.path[len(old_page) :])

    return wrapper
