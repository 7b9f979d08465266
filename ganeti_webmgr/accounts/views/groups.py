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
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr.accounts import changes, filters, list_prefs
from ganeti_webmgr.accounts.filters import GROUP_LIST
from ganeti_webmgr.accounts.forms import GroupForm, MemberForm
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import export, listing
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.quotas import usage

EXPORT_CHUNK = 1000  # groups fetched at a time by an export
GroupRule = Callable[[User, Group], bool]


def _group_for(request: HttpRequest, name: str, allowed: GroupRule | None = None) -> Group:
    """The group: 404 if the user may not see it, 403 if allowed() says no."""
    group = get_object_or_404(Group, name=name)
    if not rules.may_see_group(request.user, group):
        raise Http404
    if allowed is not None and not allowed(request.user, group):
        raise PermissionDenied
    return group


def _listed(request: HttpRequest):
    """The group list's query and the groups it lists: those the user may see."""
    columns, page_size = list_prefs.saved(request.user, GROUP_LIST.name)
    query = ListQuery(GROUP_LIST, request.GET, saved_columns=columns, saved_page_size=page_size)
    return query, query.apply(filters.groups(rules.visible_groups(request.user)))


def _rows(ids, *related: str) -> QuerySet[Group]:
    """The groups of ids with their profiles (descriptions) and related prefetched."""
    groups = filters.groups(Group.objects.filter(pk__in=ids)).select_related("profile")
    return groups.prefetch_related(*related)


def _exported(ids) -> QuerySet[Group]:
    return _rows(ids, "user_set", "profile__admins")


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    query, groups = _listed(request)
    shown = query.shown
    related = ["profile__admins"] if "admins" in {c.key for c in shown} else []
    paginator = listing.TwoStepPaginator(
        groups, query.page_size, lambda ids: _rows(ids, *related), ids=query.ids(groups)
    )
    export_url = reverse("accounts-group-export")
    context = {
        "query": query,
        "page": paginator.get_page(request.GET.get("page")),
        "headings": query.headings(shown),
        "shown": {c.key for c in shown},
        "all_columns": GROUP_LIST.columns,
        "page_sizes": listing.PAGE_SIZES,
        "export_csv": f"{export_url}?{query.parameters(format='csv').urlencode()}",
        "export_json": f"{export_url}?{query.parameters(format='json').urlencode()}",
        "here": request.get_full_path(),
        "administered": set(
            GroupProfile.objects.filter(admins=request.user).values_list("group_id", flat=True)
        ),
        "may_create": rules.may_create_groups(request.user),
        "sees_all": rules.may_see_everything(request.user),
    }
    return render(request, "accounts/group_list.html", context)


@login_required
@require_GET
def group_export(request: HttpRequest) -> HttpResponse:
    """The filtered group list as CSV or JSON: the groups the user may see, with what
    their pages show them (members, administrators)."""
    if refused := export.refused_format(request):
        return refused
    fmt = request.GET.get("format", "csv")
    query, groups = _listed(request)
    rows = export.objects_in_chunks(query.ids(groups), EXPORT_CHUNK, _exported)
    return export.response(fmt, "groups", filters.GROUP_EXPORT_KEYS, map(filters.group_row, rows))


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_create_groups(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = changes.create_group(request, form)
        messages.success(request, _("Group %(name)s created.") % {"name": group.name})
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
    before = changes.group_snapshot(group)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        changed = changes.edit_group(request, form, before)
        messages.success(request, _("Saved.") if changed else _("Nothing changed."))
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
    names = {"user": user.username, "group": group.name}
    try:
        changed = changes.set_member(request, group, user, adding)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts-group-detail", name=group.name)
    if not changed and adding:
        messages.info(request, _("%(user)s is already a member of %(group)s.") % names)
    elif not changed:
        messages.info(request, _("%(user)s is not a member of %(group)s.") % names)
    elif adding:
        messages.success(request, _("%(user)s added to %(group)s.") % names)
    else:
        messages.success(request, _("%(user)s removed from %(group)s.") % names)
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
    if not changes.set_admin(request, group, user, adding):
        names = {"user": user.username, "group": group.name}
        if adding:
            messages.info(request, _("%(user)s is already an administrator of %(group)s.") % names)
        else:
            messages.info(request, _("%(user)s is not an administrator of %(group)s.") % names)
        return redirect("accounts-group-detail", name=group.name)
    messages.success(request, _("Administrators updated."))
    return redirect("accounts-group-detail", name=group.name)


def _form_errors(request: HttpRequest, form: MemberForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
