"""Users, managed by superusers. Users are deactivated, never deleted: the log keeps
their name and their history stays attached to them."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganeti_webmgr.accounts import activation, changes, filters, list_prefs
from ganeti_webmgr.accounts.filters import USER_LIST
from ganeti_webmgr.accounts.forms import UserCreateForm, UserEditForm
from ganeti_webmgr.accounts.models import GroupProfile
from ganeti_webmgr.accounts.views import tokens
from ganeti_webmgr.core import export, listing, params
from ganeti_webmgr.core.listing import ListQuery
from ganeti_webmgr.core.sorting import natural_key
from ganeti_webmgr.permissions import rules

EXPORT_CHUNK = 1000  # users fetched at a time by an export


def _require_user_manager(request: HttpRequest) -> None:
    # Checked before any lookup: a 403 here says nothing about which users exist.
    if not rules.may_manage_users(request.user):
        raise PermissionDenied


def _listed(request: HttpRequest, data: QueryDict):
    """The user list's query (data: its parameters) and the users it lists."""
    columns, page_size = list_prefs.saved(request.user, USER_LIST.name)
    names = sorted(Group.objects.values_list("name", flat=True), key=natural_key)
    query = ListQuery(
        USER_LIST,
        data,
        saved_columns=columns,
        saved_page_size=page_size,
        choices={"group": tuple((name, name) for name in names)},
    )
    return query, query.apply(filters.users())


def _rows(ids) -> QuerySet[User]:
    """The users of ids with what a row shows."""
    return filters.users().filter(pk__in=ids).prefetch_related("groups")


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    query, users = _listed(request, request.GET)
    paginator = listing.TwoStepPaginator(users, query.page_size, _rows, ids=query.ids(users))
    shown = query.shown
    export_url = reverse("accounts-user-export")
    context = {
        "query": query,
        "page": paginator.get_page(request.GET.get("page")),
        "headings": query.headings(shown),
        "shown": {c.key for c in shown},
        "all_columns": USER_LIST.columns,
        "page_sizes": listing.PAGE_SIZES,
        "matching": query.filter_parameters(),
        "max_selection": MAX_SELECTION,
        "bulk_actions": BULK_ACTIONS,
        "export_csv": f"{export_url}?{query.parameters(format='csv').urlencode()}",
        "export_json": f"{export_url}?{query.parameters(format='json').urlencode()}",
        "here": request.get_full_path(),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
@require_GET
def user_export(request: HttpRequest) -> HttpResponse:
    """The filtered user list as CSV or JSON, for those who manage users."""
    _require_user_manager(request)
    if refused := export.refused_format(request):
        return refused
    fmt = request.GET.get("format", "csv")
    query, users = _listed(request, request.GET)
    return export.response(fmt, "users", filters.USER_EXPORT_KEYS, _exported(query.ids(users)))


def _exported(ids) -> Iterator[tuple]:
    """The export's rows of the users of ids, EXPORT_CHUNK at a time, in their order."""
    ids = list(ids)
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from filters.user_rows(ids[start : start + EXPORT_CHUNK])


# The user list's bulk actions and their labels.
BULK_ACTIONS = {"activate": gettext_lazy("Activate"), "deactivate": gettext_lazy("Deactivate")}
MAX_SELECTION = 500


@login_required
@require_POST
def user_bulk(request: HttpRequest) -> HttpResponse:
    """Activate or deactivate the ticked users, or every user the list's filter matches
    (evaluated again here, and its count confirmed first); deactivating ticked users
    is confirmed first too."""
    _require_user_manager(request)
    back = params.local_path(request.POST.get("next"), request, reverse("accounts-user-list"))
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        messages.error(
            request,
            _("Bulk action: choose one of %(actions)s.") % {"actions": ", ".join(BULK_ACTIONS)},
        )
        return redirect(back)
    context = {"action": action, "label": BULK_ACTIONS[action], "back": back}
    if request.POST.get("scope") == "matching":
        query, users = _listed(request, QueryDict(request.POST.get("filter", "")[:4000]))
        if query.errors:
            messages.error(request, " ".join(query.errors))
            return redirect(back)
        pks = list(users.values_list("pk", flat=True)[: MAX_SELECTION + 1])
        if len(pks) > MAX_SELECTION:
            messages.error(
                request,
                _("%(count)s users match; a bulk action takes at most %(max)s. Narrow the filter.")
                % {"count": f"{users.count():,}", "max": f"{MAX_SELECTION:,}"},
            )
            return redirect(back)
        if not pks:
            messages.error(request, _("No user matches."))
            return redirect(back)
        confirmed = params.primary_key(request.POST.get("confirm_count"))
        if confirmed != len(pks):
            context.update(
                count=len(pks),
                chips=query.chips,
                filter=request.POST.get("filter", ""),
                changed=confirmed is not None,
            )
            return render(request, "accounts/user_bulk_matching.html", context)
    else:
        pks = [pk for pk in map(params.primary_key, request.POST.getlist("user")) if pk]
        if not pks:
            messages.error(request, _("Select at least one user."))
            return redirect(back)
        if action == "deactivate" and request.POST.get("confirm") != "yes":
            chosen = User.objects.filter(pk__in=pks[:MAX_SELECTION])
            context["users"] = sorted(chosen, key=lambda u: natural_key(u.username))
            return render(request, "accounts/user_bulk_confirm.html", context)
    chosen = sorted(
        User.objects.filter(pk__in=pks[:MAX_SELECTION]), key=lambda u: natural_key(u.username)
    )
    outcome = activation.set_active(request, chosen, action == "activate")
    _report(request, action, outcome)
    return redirect(back)


def _report(request: HttpRequest, action: str, outcome: activation.Outcome) -> None:
    if outcome.changed:
        names = ", ".join(u.username for u in outcome.changed)
        if action == "activate":
            text = ngettext(
                "Activated %(count)s user: %(names)s.",
                "Activated %(count)s users: %(names)s.",
                len(outcome.changed),
            )
        else:
            text = ngettext(
                "Deactivated %(count)s user: %(names)s.",
                "Deactivated %(count)s users: %(names)s.",
                len(outcome.changed),
            )
        messages.success(request, text % {"count": len(outcome.changed), "names": names})
    if outcome.skipped:
        skipped = "; ".join(f"{user.username} ({why})" for user, why in outcome.skipped)
        messages.info(request, _("Skipped: %(users)s.") % {"users": skipped})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = changes.create_user(request, form)
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
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
        "tokens": tokens.of(target) if rules.may_see_tokens(request.user, target) else None,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    _require_user_manager(request)
    target = get_object_or_404(User, username=username)
    before = changes.user_snapshot(target)
    form = UserEditForm(request.POST or None, instance=target, editor=request.user)
    if request.method == "POST" and form.is_valid():
        changed = changes.edit_user(request, form, before)
        messages.success(request, _("Saved.") if changed else _("Nothing changed."))
        return redirect("accounts-user-detail", username=form.instance.username)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_deactivate(request: HttpRequest, username: str) -> HttpResponse:
    _require_user_manager(request)
    target = get_object_or_404(User, username=username)
    if target.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    elif request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _("Tick the box to confirm deactivating %(name)s.") % {"name": target.username},
        )
    elif not target.is_active:
        messages.info(request, _("%(name)s is already inactive.") % {"name": target.username})
    elif activation.set_active(request, [target], active=False).changed:
        messages.success(
            request,
            _("%(name)s is deactivated and can no longer log in.") % {"name": target.username},
        )
    else:  # deactivated meanwhile
        messages.info(request, _("%(name)s is already inactive.") % {"name": target.username})
    return redirect("accounts-user-detail", username=target.username)
