"""Creating VMs: the wizard's form, sent as one create request or a multi-allocation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.actions.base import Action
from ganeti_webmgr.actions.registry import register
from ganeti_webmgr.ganeti import RapiClient
from ganeti_webmgr.provisioning.forms import CreateForm
from ganeti_webmgr.quotas import demand
from ganeti_webmgr.virtual_machines.ownership import OwnerError, owner_tag
from ganeti_webmgr.vmkeys.mapping import osparams_for


class CreateVMsForm(CreateForm):
    """The wizard's form as an action form: its params are what is sent to Ganeti."""

    def __init__(self, target, data=None, *, user=None, initial=None, **kwargs):
        self.target = target
        super().__init__(target, user, data, initial=initial)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.owner_tag = owner_tag(self.owner_object())
            except OwnerError as error:
                self.add_error("owner", str(error))
            # The requester's SSH keys, where the cluster's key settings put them.
            self.key_osparams, error = osparams_for(self.user, self.cluster, data["os"])
            if error:
                self.add_error("os", error)
        return data

    def summary(self):
        rows = super().summary()
        if self.key_osparams:
            rows.append(
                (
                    _("SSH keys"),
                    _("yours, in the OS parameter %(names)s")
                    % {"names": ", ".join(self.key_osparams)},
                )
            )
        return rows

    def params(self):
        allocation = {**self.allocation(), "tags": [self.owner_tag]}
        if self.key_osparams:
            allocation["osparams"] = {**allocation.get("osparams", {}), **self.key_osparams}
        return {"names": self.cleaned_data["names"], "allocation": allocation}


def _create(client: RapiClient, name: str, p: dict, *, reason: str = "") -> int:
    names, allocation = p["names"], dict(p["allocation"])
    if len(names) == 1:
        return client.create_instance(names[0], **allocation, reason=reason or None)
    iallocator = allocation.pop("iallocator", None)
    return client.create_instances(
        [RapiClient.instance_allocation(n, **allocation) for n in names],
        iallocator=iallocator,
        reason=reason or None,
    )


def _describe(cluster, p) -> str:
    names = p["names"]
    if len(names) == 1:
        return _("create %(name)s") % {"name": names[0]}
    return _("create %(count)s VMs: %(names)s") % {"count": len(names), "names": ", ".join(names)}


register(
    Action(
        "vm.create",
        "cluster",
        gettext_lazy("Create"),
        "create_vm",
        "vm.create",
        _describe,
        _create,
        form=CreateVMsForm,
        creates=lambda p: p["names"][0] if len(p["names"]) == 1 else "",
        charges=demand.create,
    )
)
