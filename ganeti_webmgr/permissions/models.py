"""Object permission grants, one table per kind of object and holder.

django-guardian's direct-foreign-key tables: "which VMs may this user see" is then
one query with indexed subqueries, not a scan of a generic table keyed by text ids.
"""

from __future__ import annotations

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.virtual_machines.models import VirtualMachine


class ClusterUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Cluster, on_delete=models.CASCADE)


class ClusterGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Cluster, on_delete=models.CASCADE)


class VirtualMachineUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(VirtualMachine, on_delete=models.CASCADE)


class VirtualMachineGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(VirtualMachine, on_delete=models.CASCADE)
