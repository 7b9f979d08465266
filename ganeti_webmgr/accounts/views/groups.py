"""Groups (GWM's organisations): superusers create and edit them and name their
administrators; administrators add and remove members.

A group you neither belong to nor administer is 404: its existence is private.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr import audit
from ganeti_webmgr.accounts.forms import GroupForm, MemberForm
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.quotas import usage

GROUP_FIELDS = ("name", "description")
GroupRule = Callable[[User, Group], bool]


def _group_for(request: HttpRequest, name: str, allowed: GroupRule | None = None) -> Group:
    """The group: 404 if the user may not see it, 403 if allowed() says no."""
    group = get_object_or_404(Group, name=name)
    if not rules.may_see_group(request.user, group):
        raise Http404
    if allowed is not None and not allowed(request.user, group):
        raise PermissionDenied
    return group


def _snapshot(group: Group) -> dict:
    profile = GroupProfile.objects.filter(group=group).first()
    return {"name": group.name, "description": profile.description if profile else ""}


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        rules.visible_groups(request.user)
        .select_related("profile")
        .annotate(member_count=Count("user"))
        .order_by("name")
    )
    administered = set(
        GroupProfile.objects.filter(admins=request.user).values_list("group_id", flat=True)
    )
    context = {
        "groups": groups,
        "administered": administered,
        "may_create": rules.may_create_groups(request.user),
        "sees_all": rules.may_see_everything(request.user),
    }
    return render(request, "accounts/group_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_create_groups(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with audit.change("group.create", request=request) as entry:
            group = form.save()
            entry.targets = [group]
            entry.message = f"Created group {group.name}"
            entry.changes = audit.changes({}, _snapshot(group))
        messages.success(request, f"Group {group.name} created.")
        return redirect("accounts-group-detail", name=group.name)
    return render(request, "accounts/group_form.html", {"form": form, "group": None})


@login_required
@require_GET
def group_detail(request: HttpRequest, name: str) -> HttpResponse:
    group = _group_for(request, name)
    user = request.user
    context = {
        "group": group,
        "role": rules.group_role(user, group),
        "profile": GroupProfile.objects.filter(group=group).first(),
        "members": group.user_set.order_by("username"),
        "admins": User.objects.filter(administered_groups__group=group).order_by("username"),
        "may_manage": rules.may_manage_members(user, group),
        "may_edit": rules.may_edit_group(user, group),
        "may_see_users": rules.may_manage_users(user),
        "quota_usage": usage.overview(group, rules.visible(user, Cluster.objects.order_by("slug")))
        if rules.may_see_quota(user, group)
        else None,
    }
    return render(request, "accounts/group_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, name: str) -> HttpResponse:
    group = _group_for(request, name, rules.may_edit_group)
    before = _snapshot(group)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        with audit.change("group.edit", request=request, targets=[group]) as entry:
            group = form.save()
            entry.message = f"Edited group {group.name}"
            entry.changes = changes = audit.changes(before, _snapshot(group))
            if not changes:
                entry.skip()
        messages.success(request, "Saved." if changes else "Nothing changed.")
        return redirect("accounts-group-detail", name=group.name)
    return render(request, "accounts/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_members(request: HttpRequest, name: str) -> HttpResponse:
    """Add or remove a member: superusers and the group's administrators."""
    group = _group_for(request, name, rules.may_manage_members)
    form = MemberForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("accounts-group-detail", name=group.name)
    user, adding = form.cleaned_data["user"], form.cleaned_data["action"] == "add"
    if adding and not rules.may_add_member(request.user, group, user):
        messages.error(
            request,
            f"You administer {group.name}, which does not make you a member: its "
            "permissions come with membership, which a superuser grants.",
        )
        return redirect("accounts-group-detail", name=group.name)
    is_member = group.user_set.filter(pk=user.pk).exists()
    if adding == is_member:
        state = "already" if adding else "not"
        messages.info(request, f"{user.username} is {state} a member of {group.name}.")
        return redirect("accounts-group-detail", name=group.name)
    with audit.change(
        "group.member_add" if adding else "group.member_remove",
        request=request,
        targets=[group, user],
        message=f"{'Added' if adding else 'Removed'} {user.username} "
        f"{'to' if adding else 'from'} group {group.name}",
    ):
        if adding:
            group.user_set.add(user)
        else:
            group.user_set.remove(user)
    messages.success(
        request, f"{user.username} {'added to' if adding else 'removed from'} {group.name}."
    )
    return redirect("accounts-group-detail", name=group.name)


@login_required
@require_POST
def group_admins(request: HttpRequest, name: str) -> HttpResponse:
    """Name or remove a group administrator: superusers only."""
    group = _group_for(request, name, rules.may_edit_group)
    form = MemberForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("accounts-group-detail", name=group.name)
    user, adding = form.cleaned_data["user"], form.cleaned_data["action"] == "add"
    with audit.change(
        "group.admin_add" if adding else "group.admin_remove",
        request=request,
        targets=[group, user],
        message=f"{'Made' if adding else 'Removed'} {user.username} "
        f"{'an administrator of' if adding else 'as administrator of'} group {group.name}",
    ) as entry:
        profile = GroupProfile.of(group)
        is_admin = profile.admins.filter(pk=user.pk).exists()
        if adding == is_admin:
            entry.skip()
        elif adding:
            profile.admins.add(user)
        else:
            profile.admins.remove(user)
    if entry.skipped:
        state = "already" if adding else "not"
        messages.info(request, f"{user.username} is {state} an administrator of {group.name}.")
        return redirect("accounts-group-detail", name=group.name)
    messages.success(request, "Administrators updated.")
    return redirect("accounts-group-detail", name=group.name)


def _form_errors(request: HttpRequest, form: MemberForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
