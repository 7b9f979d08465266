"""Jobs shown live: the "Recent jobs" table of cluster, node and VM pages, the job page.

Pages include a fragment that htmx re-fetches every second while a job it shows is
unfinished; a fragment whose jobs have all ended carries no polling attributes, so
polling stops by itself. Without JavaScript the pages are plain (reload to update).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import visible
from ganeti_webmgr.virtual_machines.models import VirtualMachine

RECENT = 10


@dataclass
class RecentJobs:
    """The context of jobs/_recent.html."""

    jobs: list[Job]
    url: str  # the fragment's own address, polled while a job is active
    cluster_slug: str

    @property
    def active(self) -> bool:
        return any(not job.finished for job in self.jobs)


def recent(queryset: QuerySet, url: str, cluster_slug: str) -> RecentJobs:
    """The latest jobs of queryset (already limited to what the user may see)."""
    jobs = list(queryset.select_related("requested_by").order_by("-created_at", "-pk")[:RECENT])
    return RecentJobs(jobs, url, cluster_slug)


def of_cluster(user, cluster: Cluster) -> RecentJobs:
    return recent(
        visible(user, Job.objects.filter(cluster=cluster)),
        reverse("cluster-jobs", args=[cluster.slug]),
        cluster.slug,
    )


def of_vm(user, vm: VirtualMachine) -> RecentJobs:
    return recent(
        visible(user, Job.objects.filter(virtual_machine=vm)),
        reverse("vm-jobs", args=[vm.cluster.slug, vm.name]),
        vm.cluster.slug,
    )


def of_node(user, node: Node) -> RecentJobs:
    return recent(
        visible(user, Job.objects.filter(node=node)),
        reverse("node-jobs", args=[node.cluster.slug, node.name]),
        node.cluster.slug,
    )


def fragment(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A polled fragment: never cached, as it changes with every job update."""
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
