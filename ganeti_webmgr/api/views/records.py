"""Grants, quotas and the audit log: each scoped as its web page is
(permissions/views.py, quotas/views.py, audit/views.py), every question asked of
permissions.rules."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions

from ganeti_webmgr.api import listing
from ganeti_webmgr.api.conditional import detail
from ganeti_webmgr.api.pagination import Cursor
from ganeti_webmgr.api.serializers.quotas import (
    ClusterQuotasSerializer,
    limits_data,
    usage_data,
)
from ganeti_webmgr.api.serializers.records import EntrySerializer, GrantsSerializer
from ganeti_webmgr.api.views.base import ApiView, ListView
from ganeti_webmgr.audit import queries
from ganeti_webmgr.audit.filters import LOG_LIST
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import grants, rules
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def grants_data(obj) -> dict:
    return {
        "grantable": list(grants.grantable(obj)),
        "holders": [
            {
                "kind": "group" if isinstance(holder, Group) else "user",
                "name": str(holder),
                "permissions": codes,
            }
            for holder, codes in grants.holders(obj)
        ],
    }


def grantable_cluster(request, slug: str) -> Cluster:
    """The cluster, as its permissions page finds it: 404 unseen, 403 unless its admin."""
    return rules.get_visible_or_404(request.user, Cluster.objects.all(), "grant", slug=slug)


def grantable_vm(request, slug: str, name: str) -> VirtualMachine:
    return rules.get_visible_or_404(
        request.user,
        VirtualMachine.objects.select_related("cluster"),
        "grant",
        cluster__slug=slug,
        name=name,
    )


class ClusterGrants(ApiView):
    """Who holds which permission on the cluster: for those who may grant there
    (its admins), as the web's permissions page."""

    conditional = True

    @extend_schema(responses=GrantsSerializer)
    def get(self, request, slug: str):
        return detail(request, grants_data(grantable_cluster(request, slug)))


class VirtualMachineGrants(ApiView):
    """Who holds which permission on the VM: its admins and the cluster's."""

    conditional = True

    @extend_schema(responses=GrantsSerializer)
    def get(self, request, slug: str, name: str):
        return detail(request, grants_data(grantable_vm(request, slug, name)))


def _owner_name(owner) -> str:
    return f"group:{owner.name}" if isinstance(owner, Group) else owner.get_username()


class ClusterQuotas(ApiView):
    """Every owner's usage on the cluster against their quota, as the cluster's
    Quotas tab: for superusers and the cluster's admins."""

    conditional = True

    @extend_schema(responses=ClusterQuotasSerializer)
    def get(self, request, slug: str):
        cluster = rules.get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
        if not rules.may_set_quotas(request.user, cluster):
            raise exceptions.PermissionDenied(
                _("Only superusers and the cluster's admins see its quotas.")
            )
        owners = [
            {
                "owner": _owner_name(u.owner),
                "kind": "group" if isinstance(u.owner, Group) else "user",
                **usage_data(u),
            }
            for u in usage.per_owner(cluster)
        ]
        data = {
            "cluster": cluster.slug,
            "defaults": limits_data(usage.cluster_defaults(cluster)),
            "counts_stopped_vms": cluster.quota_counts_stopped_vms,
            "owners": owners,
        }
        return detail(request, data)


class Newest(Cursor):
    # Entry.time is indexed (the global log's order); id breaks ties.
    ordering = ("-time", "-id")


@extend_schema(parameters=listing.schema_parameters(LOG_LIST))
class Log(ListView):
    """The global audit log, newest first, with the web log's filters: superusers."""

    serializer_class = EntrySerializer
    pagination_class = Newest

    def get_queryset(self):
        user = self.request.user
        if not rules.may_read_global_log(user):
            raise exceptions.PermissionDenied(_("Only superusers read the global log."))
        clusters = rules.visible(user, Cluster.objects.order_by("slug"))
        return listing.filtered(
            LOG_LIST,
            self.request,
            queries.entries(),
            choices={"cluster": tuple((c.slug, str(c)) for c in clusters)},
        )
