"""Users, managed by superusers. Users are deactivated, never deleted: the log keeps
their name and their history stays attached to them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.forms import USER_FIELDS, UserCreateForm, UserEditForm
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.permissions import rules

PER_PAGE = 100


def _require_user_manager(request: HttpRequest) -> None:
    # Checked before any lookup: a 403 here says nothing about which users exist.
    if not rules.may_manage_users(request.user):
        raise PermissionDenied


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    users = (
        User.objects.order_by("username")
        .annotate(key_count=Count("ssh_keys"))
        .prefetch_related("groups")
    )
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(users, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with audit.change("user.create", request=request) as entry:
            user = form.save()
            entry.targets = [user]
            entry.message = f"Created user {user.username}"
            entry.changes = audit.changes({}, audit.snapshot(user, USER_FIELDS))
        messages.success(request, f"User {user.username} created.")
        return redirect("accounts-user-detail", username=user.username)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@login_required
@require_GET
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    """A user's groups and keys: for superusers, and for the user themself."""
    if not rules.may_see_user(request.user, username):
        raise PermissionDenied  # before the lookup, as above
    target = get_object_or_404(User, username=username)
    context = {
        "target": target,
        "groups": target.groups.order_by("name"),
        "administered": GroupProfile.objects.filter(admins=target)
        .select_related("group")
        .order_by("group__name"),
        "keys": target.ssh_keys.all(),
        "may_manage": rules.may_manage_users(request.user),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    _require_user_manager(request)
    target = get_object_or_404(User, username=username)
    before = audit.snapshot(target, USER_FIELDS)
    form = UserEditForm(request.POST or None, instance=target, editor=request.user)
    if request.method == "POST" and form.is_valid():
        with audit.change("user.edit", request=request, targets=[target]) as entry:
            user = form.save()
            entry.message = f"Edited user {user.username}"
            entry.changes = changes = audit.changes(before, audit.snapshot(user, USER_FIELDS))
            if not changes:
                entry.skip()
        messages.success(request, "Saved." if changes else "Nothing changed.")
        return redirect("accounts-user-detail", username=user.username)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_deactivate(request: HttpRequest, username: str) -> HttpResponse:
    _require_user_manager(request)
    target = get_object_or_404(User, username=username)
    if target.pk == request.user.pk:
        messages.error(request, "You cannot deactivate yourself.")
    elif request.POST.get("confirm") != "yes":
        messages.error(request, f"Tick the box to confirm deactivating {target.username}.")
    elif not target.is_active:
        messages.info(request, f"{target.username} is already inactive.")
    else:
        with audit.change(
            "user.deactivate",
            request=request,
            targets=[target],
            message=f"Deactivated user {target.username}",
            changes={"is_active": [True, False]},
        ):
            target.is_active = False
            target.save(update_fields=["is_active"])
        messages.success(request, f"{target.username} is deactivated and can no longer log in.")
    return redirect("accounts-user-detail", username=target.username)
