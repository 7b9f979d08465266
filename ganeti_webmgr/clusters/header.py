"""The header of every page about one cluster: its name, state and actions, its tabs
and how fresh GWM's copy is.

Views put `cluster_header(user, cluster, "tab")` into the context as
"cluster_header"; templates include "clusters/_header.html". Each tab is a page of
its own; a page that wraps its content in the tab panel says so (`panel=True`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr import conf
from ganeti_webmgr.actions import web
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import (
    can,
    may_manage_ssh_keys,
    may_see_nodes,
    may_see_sync_errors,
    may_set_quotas,
)

# (key, label, URL name), in the order shown.
TABS = [
    ("overview", _("Overview"), "cluster-detail"),
    ("vms", _("Virtual machines"), "cluster-vm-list"),
    ("nodes", _("Nodes"), "node-list"),
    ("jobs", _("Jobs"), "cluster-job-list"),
    ("permissions", _("Permissions"), "cluster-permissions"),
    ("templates", _("VM templates"), "cluster-vm-template-list"),
    ("log", _("Log"), "audit-log-cluster"),
    ("import", _("Import tools"), "cluster-import"),
    ("quotas", _("Quotas"), "cluster-quotas"),
    ("ssh-keys", _("SSH keys"), "cluster-ssh-keys"),
]


@dataclass
class Tab:
    key: str
    label: str
    url: str
    current: bool


@dataclass
class Freshness:
    """How current GWM's copy of the cluster is."""

    failures: int  # syncs failed in a row (0: the last one worked)
    last_error: str
    last_error_at: datetime | None
    last_sync_at: datetime | None  # the last success: when the data was last fresh
    stale: bool  # no success for more than twice the sync interval
    interval: int  # seconds between syncs ([worker] sync_interval)
    show_error: bool = True  # the error's text: addresses, certificates, Ganeti's words

    @property
    def never_synced(self) -> bool:
        return self.last_sync_at is None

    @property
    def healthy(self) -> bool:
        return not (self.failures or self.stale or self.never_synced)


@dataclass
class ClusterHeader:
    cluster: Cluster
    tabs: list[Tab]
    freshness: Freshness
    actions: web.HeaderActions
    panel: bool  # the page's content is the selected tab's panel

    @property
    def state(self) -> str:
        """In a word or three, for the header."""
        fresh = self.freshness
        if fresh.never_synced:
            return gettext("not synced yet")
        if fresh.failures:
            return gettext("sync failing")
        if fresh.stale:
            return gettext("out of date")
        return gettext("read-only in GWM") if self.cluster.read_only else gettext("in sync")


def cluster_header(user, cluster: Cluster, current: str, *, panel: bool = False) -> ClusterHeader:
    """The header of the cluster's `current` tab, showing the tabs user may open and
    the actions they may ask for now."""
    allowed = {
        "nodes": may_see_nodes(user, cluster),
        "permissions": can(user, "grant", cluster),
        "import": can(user, "grant", cluster),
        "templates": can(user, "create_vm", cluster),
        "quotas": may_set_quotas(user, cluster),
        "ssh-keys": may_manage_ssh_keys(user, cluster),
    }
    tabs = [
        Tab(key, label, reverse(url_name, args=[cluster.slug]), key == current)
        for key, label, url_name in TABS
        if allowed.get(key, True)  # the others: whoever sees the cluster
    ]
    return ClusterHeader(
        cluster, tabs, freshness(cluster, user=user), web.header_actions(user, cluster), panel
    )


def freshness(cluster: Cluster, now: datetime | None = None, user=None) -> Freshness:
    """user: whose page it is; the error's text is shown only if they may see it."""
    interval = conf.current().get("worker", "sync_interval")
    now = now or timezone.now()
    last = cluster.last_sync_at
    return Freshness(
        failures=cluster.consecutive_failures,
        last_error=cluster.last_error,
        last_error_at=cluster.last_error_at,
        last_sync_at=last,
        stale=last is not None and now - last > timedelta(seconds=2 * interval),
        interval=interval,
        show_error=user is None or may_see_sync_errors(user, cluster),
    )
