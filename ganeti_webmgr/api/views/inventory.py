"""Clusters, nodes and VMs: lists with the web lists' filters, and details."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions

from ganeti_webmgr.api import errors, listing
from ganeti_webmgr.api.pagination import Cursor
from ganeti_webmgr.api.serializers.inventory import (
    ClusterDetailSerializer,
    ClusterSerializer,
    NodeSerializer,
    VirtualMachineDetailSerializer,
    VirtualMachineSerializer,
)
from ganeti_webmgr.api.views.base import DetailView, ListView
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.filters import NODE_LIST
from ganeti_webmgr.nodes.models import Node, NodeGroup
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines import moved
from ganeti_webmgr.virtual_machines.filters import VM_LIST
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def visible_cluster(request, slug: str, action: str = "view") -> Cluster:
    return rules.get_visible_or_404(request.user, Cluster.objects.all(), action, slug=slug)


class ClusterOrdering(Cursor):
    ordering = ("slug",)


class ClusterList(ListView):
    serializer_class = ClusterSerializer
    pagination_class = ClusterOrdering

    def get_queryset(self):
        return rules.visible(self.request.user, Cluster.objects.all())


class ClusterDetail(DetailView):
    serializer_class = ClusterDetailSerializer

    def get_object(self):
        return visible_cluster(self.request, self.kwargs["slug"])


def _nodes_of(request, cluster: Cluster):
    """cluster's nodes the user may see (403 where the web's node list is 403)."""
    if not rules.may_see_nodes(request.user, cluster):
        raise exceptions.PermissionDenied("You may not see this cluster's nodes.")
    return rules.visible(request.user, Node.objects.filter(cluster=cluster))


@extend_schema(parameters=listing.schema_parameters(NODE_LIST))
class NodeList(ListView):
    serializer_class = NodeSerializer
    pagination_class = Cursor

    def get_queryset(self):
        cluster = visible_cluster(self.request, self.kwargs["slug"])
        groups = NodeGroup.objects.filter(cluster=cluster).values_list("name", flat=True)
        nodes = listing.filtered(
            NODE_LIST,
            self.request,
            _nodes_of(self.request, cluster),
            choices={"group": tuple((g, g) for g in groups)},
        )
        return nodes.select_related("cluster", "group").defer("raw", "sync_key")


class NodeDetail(DetailView):
    serializer_class = NodeSerializer

    def get_object(self):
        # As the web's node page: a node the user may not see is 404 (the node list
        # of a cluster they see is 403).
        nodes = Node.objects.select_related("cluster", "group")
        return rules.get_visible_or_404(
            self.request.user, nodes, cluster__slug=self.kwargs["slug"], name=self.kwargs["name"]
        )


# The list's rows: the VM and what its columns name, in one query.
VM_ROWS = ("cluster", "primary_node", "secondary_node", "owner_user", "owner_group")
VM_LIST_DEFERRED = ("raw", "sync_key", "search_text", "notes")
# A detail's row: the columns its serializer reads, of the VM and of VM_ROWS (the
# cluster's and nodes' wide columns, Ganeti's data among them, would be read and
# decoded for a name).
VM_DETAIL_COLUMNS = (
    *(
        name
        for name in VirtualMachineDetailSerializer.Meta.fields
        if name not in ("url", "owner", "ganeti", *VM_ROWS)
    ),
    "raw",
    "cluster__slug",
    "primary_node__name",
    "secondary_node__name",
    "owner_user__username",
    "owner_group__name",
)


@extend_schema(parameters=listing.schema_parameters(VM_LIST))
class VirtualMachineList(ListView):
    """VMs the user may see, with the web's VM list filters; a cluster's VMs under
    /clusters/<slug>/vms/."""

    serializer_class = VirtualMachineSerializer
    pagination_class = Cursor

    def get_queryset(self):
        user = self.request.user
        vms = VirtualMachine.objects.filter(removed_at=None)
        slug = self.kwargs.get("slug")
        if slug is not None:
            vms = vms.filter(cluster=visible_cluster(self.request, slug))
            choices, fixed = {}, ["cluster"]
        else:
            choices, fixed = listing.cluster_choices(user), []
        vms = listing.filtered(
            VM_LIST, self.request, rules.visible(user, vms), choices=choices, fixed=fixed
        )
        return vms.select_related(*VM_ROWS).defer(*VM_LIST_DEFERRED)


class VirtualMachineDetail(DetailView):
    serializer_class = VirtualMachineDetailSerializer

    def get_object(self):
        return visible_vm(
            self.request, self.kwargs["slug"], self.kwargs["name"], columns=VM_DETAIL_COLUMNS
        )


def visible_vm(
    request, slug: str, name: str, action: str = "view", columns: tuple[str, ...] = ()
) -> VirtualMachine:
    """The VM at the address; a GET for a name GWM renamed it away from is sent on to
    its new name (anything else is 404: it was meant for the old one), as on the web.
    columns: only these are read (QuerySet.only), where the caller needs no more."""
    queryset = VirtualMachine.objects.filter(removed_at=None).select_related(*VM_ROWS)
    if columns:
        queryset = queryset.only(*columns)
    try:
        return rules.get_visible_or_404(
            request.user, queryset, action, cluster__slug=slug, name=name
        )
    except Http404:
        renamed = None
        if request.method in ("GET", "HEAD"):
            renamed = moved.renamed_from(request.user, slug, name)
        if renamed is None:
            raise
        old = reverse("api-vm-detail", args=[slug, name])
        new = reverse("api-vm-detail", args=[slug, renamed.name])
        location = new + request.path[len(old) :]
        if request.META.get("QUERY_STRING"):
            location += "?" + request.META["QUERY_STRING"]
        raise errors.Moved(location, renamed.name) from None
