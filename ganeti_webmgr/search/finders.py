"""What the nav bar's search finds: VMs, nodes, clusters, users, groups and jobs,
each kind through the permission rules, so a result (or its absence) says nothing
about objects the user may not see.

Each kind gives at most LIMIT hits, names beginning with the text first, then
names containing it, in natural order; `more` says whether there were others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Case, Q, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.sorting import natural_key
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.virtual_machines.models import VirtualMachine

LIMIT = 10
MAX_LENGTH = 100


@dataclass
class Hit:
    label: str
    url: str
    detail: str = ""


@dataclass
class Found:
    kind: str  # "vms", "nodes", ...
    title: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False
    more_url: str = ""  # the list with them all, and its link's text
    more_text: str = ""


def search(user, text: str) -> list[Found]:
    """Every kind the user may search, with its hits (kinds without any are left out)."""
    text = clean(text)
    if not text:
        return []
    found = [
        _vms(user, text),
        _nodes(user, text),
        _clusters(user, text),
        _jobs(user, text),
        _groups(user, text),
    ]
    if rules.may_manage_users(user):
        found.append(_users(text))
    return [f for f in found if f.hits]


def clean(text: str) -> str:
    """The text as searched: no control characters (PostgreSQL refuses NUL), spaces
    collapsed, at most MAX_LENGTH characters."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_LENGTH]


def _best(
    queryset: QuerySet, text: str, name: str, extra: Q | None = None, order: str = ""
) -> tuple[list, bool]:
    """Up to LIMIT rows whose `name` contains text (or that match `extra`): those
    beginning with it first, each part in natural order (`order`: a column that
    sorts so, such as name_key); and whether there were more."""
    matches = Q(**{f"{name}__icontains": text})
    if extra is not None:
        matches |= extra
    starts = Case(When(**{f"{name}__istartswith": text}, then=0), default=1)
    rows = list(
        queryset.filter(matches)
        .annotate(search_rank=starts)
        .order_by("search_rank", order or name, "pk")[: LIMIT + 1]
    )
    more = len(rows) > LIMIT
    rows = sorted(rows[:LIMIT], key=lambda row: (row.search_rank, natural_key(_get(row, name))))
    return rows, more


def _get(row, dotted: str) -> str:
    for part in dotted.split("__"):
        row = getattr(row, part)
    return row


def _vms(user, text: str) -> Found:
    queryset = rules.visible(
        user, VirtualMachine.objects.filter(removed_at=None).select_related("cluster")
    )
    by_address = Q(nic_ips__icontains=text) | Q(nic_macs__icontains=text.lower())
    rows, more = _best(queryset, text, "name", by_address, order="name_key")
    unknown = _("unknown")
    return Found(
        "vms",
        _("Virtual machines"),
        [
            Hit(
                vm.name,
                reverse("vm-detail", args=[vm.cluster.slug, vm.name]),
                f"{vm.cluster.slug} · {vm.status or unknown}"
                + (f" · {_address(vm, text)}" if _address(vm, text) else ""),
            )
            for vm in rows
        ],
        more,
        reverse("vm-list") + "?" + _query(text),
        _("all matching virtual machines"),
    )


def _address(vm: VirtualMachine, text: str) -> str:
    """The IP or MAC that matched, when the name did not."""
    if text.casefold() in vm.name.casefold():
        return ""
    for value in [*(vm.nic_ips or []), *(vm.nic_macs or [])]:
        if value and text.casefold() in str(value).casefold():
            return str(value)
    return ""


def _nodes(user, text: str) -> Found:
    queryset = rules.visible(user, Node.objects.select_related("cluster"))
    rows, more = _best(queryset, text, "name", order="name_key")
    return Found(
        "nodes",
        _("Nodes"),
        [
            Hit(
                node.name,
                reverse("node-detail", args=[node.cluster.slug, node.name]),
                f"{node.cluster.slug} · {node.role}",
            )
            for node in rows
        ],
        more,
    )


def _clusters(user, text: str) -> Found:
    # By name and description only: the RAPI address is not everyone's to see.
    queryset = rules.visible(user, Cluster.objects.all())
    rows, more = _best(queryset, text, "slug", Q(description__icontains=text))
    return Found(
        "clusters",
        _("Clusters"),
        [Hit(c.slug, reverse("cluster-detail", args=[c.slug]), c.description[:80]) for c in rows],
        more,
    )


def _jobs(user, text: str) -> Found:
    """By Ganeti's job id (the whole number) or the name of what it acts on; newest first."""
    queryset = rules.visible(user, Job.objects.select_related("cluster"))
    if text.isdigit() and len(text) < 19:
        queryset = queryset.filter(job_id=int(text))
    else:
        queryset = queryset.filter(target_name__istartswith=text)
    rows = list(queryset.order_by("-created_at", "-pk")[: LIMIT + 1])
    request = _("request")
    return Found(
        "jobs",
        _("Jobs"),
        [
            Hit(
                f"{job.job_id or request} · {job.summary}",
                job.get_absolute_url(),
                f"{job.cluster.slug} · {job.status_text}",
            )
            for job in rows[:LIMIT]
        ],
        len(rows) > LIMIT,
    )


def _groups(user, text: str) -> Found:
    rows, more = _best(rules.visible_groups(user), text, "name")
    return Found(
        "groups",
        _("Groups"),
        [Hit(g.name, reverse("accounts-group-detail", args=[g.name])) for g in rows],
        more,
    )


def _users(text: str) -> Found:
    others = Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text)
    rows, more = _best(get_user_model().objects.all(), text, "username", others)
    return Found(
        "users",
        _("Users"),
        [
            Hit(
                u.username,
                reverse("accounts-user-detail", args=[u.username]),
                " ".join(p for p in (u.get_full_name(), u.email) if p),
            )
            for u in rows
        ],
        more,
    )


def _query(text: str) -> str:
    return urlencode({"q": text})
