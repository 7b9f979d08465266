"""A cluster's Quotas tab: every owner's usage against their quota, and setting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.header import cluster_header
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.rules import get_visible_or_404, may_set_quotas
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.quotas.forms import QuotaForm
from ganeti_webmgr.quotas.models import RESOURCES, Quota


@login_required
@require_http_methods(["GET", "POST"])
def cluster_quotas(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_visible_or_404(request.user, Cluster.objects.all(), slug=slug)
    if not may_set_quotas(request.user, cluster):
        raise PermissionDenied(_("only superusers and the cluster's admins see its quotas"))
    form = QuotaForm(request.POST or None, initial=_initial(request, cluster))
    if request.method == "POST" and form.is_valid():
        _save(request, cluster, form.cleaned_data)
        return redirect("cluster-quotas", slug=slug)
    owners = usage.per_owner(cluster)
    return render(
        request,
        "quotas/cluster.html",
        {
            "cluster_header": cluster_header(request.user, cluster, "quotas"),
            "cluster": cluster,
            "owners": owners,
            "over": [o for o in owners if o.over],
            "defaults": usage.cluster_defaults(cluster),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _initial(request, cluster) -> dict:
    """?owner=user:NAME fills the form with that owner's quota, to change it."""
    text = request.GET.get("owner", "")
    form = QuotaForm({"owner": text}) if text else None
    if form is None or "owner" in (form.errors if not form.is_valid() else {}):
        return {}
    owner = form.cleaned_data["owner"]
    quota = Quota.objects.filter(usage.owner_filter(owner), cluster=cluster).first()
    values = {r: getattr(quota, r) for r in RESOURCES} if quota else {}
    return {"owner": text, **values}


def _save(request, cluster: Cluster, data: dict) -> None:
    owner = data["owner"]
    lookup = {
        "cluster": cluster,
        "owner_user": None if isinstance(owner, Group) else owner,
        "owner_group": owner if isinstance(owner, Group) else None,
    }
    old = Quota.objects.filter(**lookup).first()
    before = {r: getattr(old, r) for r in RESOURCES} if old else {"quota": "cluster defaults"}
    after = (
        {r: data[r] for r in RESOURCES}
        if not data["use_defaults"]
        else {"quota": "cluster defaults"}
    )
    whose = f"group {owner.name}" if isinstance(owner, Group) else owner.get_username()
    with translation.override(audit.RECORD_LANGUAGE):
        message = f"quota of {whose} on {cluster.slug}: " + (
            "the cluster's defaults" if data["use_defaults"] else _words(after)
        )
    with audit.change(
        "quota.set",
        request=request,
        targets=[cluster],
        changes=audit.changes(before, after),
        message=message,
    ):
        if data["use_defaults"]:
            Quota.objects.filter(**lookup).delete()
        else:
            Quota.objects.update_or_create(**lookup, defaults=after)
    if isinstance(owner, Group):
        saved = _("Quota of group %(name)s saved.") % {"name": owner.name}
    else:
        saved = _("Quota of %(name)s saved.") % {"name": owner.get_username()}
    messages.success(request, saved)


def _words(values: dict) -> str:
    """The limits in words, for the log (under translation.override: English)."""
    return ", ".join(
        f"{usage.LABELS[r]} {'no limit' if values[r] is None else values[r]}" for r in RESOURCES
    )
