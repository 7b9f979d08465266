"""A user's own profile: name, e-mail and SSH public keys (the password has its own page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.accounts import language
from ganeti_webmgr.accounts.forms import PROFILE_FIELDS, ProfileForm, SshKeyForm
from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.vmkeys import summary


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    before = {**audit.snapshot(user, PROFILE_FIELDS), "language": language.chosen(user)}
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        with audit.change(
            "profile.edit", request=request, targets=[user], message="Edited their profile"
        ) as entry:
            form.save()
            after = {**audit.snapshot(user, PROFILE_FIELDS), "language": language.chosen(user)}
            entry.changes = changes = audit.changes(before, after)
            if not changes:
                entry.skip()
        language.remember(request, form.cleaned_data["language"])
        messages.success(request, _("Profile saved.") if changes else _("Nothing changed."))
        return redirect("accounts-profile-edit")
    clusters = rules.visible(request.user, Cluster.objects.order_by("slug"))
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "quota_usage": usage.overview(request.user, clusters)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    """The user's SSH public keys, and adding one."""
    form = SshKeyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with audit.change("sshkey.add", request=request, targets=[request.user]) as entry:
            key = form.save()
            entry.message = f"Added SSH key “{key.name}” ({key.key_type} {key.fingerprint})"
        messages.success(request, _("Key “%(name)s” added.") % {"name": key.name})
        return redirect("accounts-key-list")
    keys = SshKey.objects.filter(user=request.user)
    return render(
        request,
        "accounts/keys.html",
        {"form": form, "keys": keys, "clusters": summary.for_user(request.user)},
    )


@login_required
@require_POST
def key_remove(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(SshKey, pk=pk, user=request.user)  # others' keys: 404
    with audit.change(
        "sshkey.remove",
        request=request,
        targets=[request.user],
        message=f"Removed SSH key “{key.name}” ({key.key_type} {key.fingerprint})",
    ):
        key.delete()
    messages.success(request, _("Key “%(name)s” removed.") % {"name": key.name})
    return redirect("accounts-key-list")
