"""Users, groups and the signed-in user: scoped as their web pages are
(accounts/views/users.py, groups.py, profile.py), every question asked of
permissions.rules.

The web's user and group lists sort names in natural order in Python (their
Column.natural); cursor pages need an order the database keeps, so these lists
are ordered by the unique name itself (username, the group's name): plain
character order, "web10" before "web9".
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions

from ganeti_webmgr.accounts import filters
from ganeti_webmgr.accounts.filters import GROUP_LIST, USER_LIST
from ganeti_webmgr.api import listing
from ganeti_webmgr.api.conditional import detail
from ganeti_webmgr.api.pagination import Cursor
from ganeti_webmgr.api.serializers.accounts import (
    GroupSerializer,
    MeSerializer,
    UserDetailSerializer,
    UserSerializer,
)
from ganeti_webmgr.api.serializers.quotas import usage_data
from ganeti_webmgr.api.views.base import ApiView, DetailView, ListView
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.sorting import natural_key
from ganeti_webmgr.permissions import rules
from ganeti_webmgr.quotas import usage


def require_user_manager(request) -> None:
    # Before any lookup, as the web's: a 403 says nothing about which users exist.
    if not rules.may_manage_users(request.user):
        raise exceptions.PermissionDenied(_("Only those who manage users see them."))


class ByUsername(Cursor):
    ordering = ("username",)


class ByName(Cursor):
    ordering = ("name",)


# The filters are the list's (GET), not those of a POST to the same address.
@extend_schema_view(get=extend_schema(parameters=listing.schema_parameters(USER_LIST)))
class UserList(ListView):
    """Every user, for those who manage users, with the web's user list filters."""

    serializer_class = UserSerializer
    pagination_class = ByUsername

    def get_queryset(self):
        require_user_manager(self.request)
        names = sorted(Group.objects.values_list("name", flat=True), key=natural_key)
        users = listing.filtered(
            USER_LIST,
            self.request,
            filters.users(),
            choices={"group": tuple((name, name) for name in names)},
        )
        return users.prefetch_related("groups")


class UserDetail(DetailView):
    """A user's page: for themself and those who manage users."""

    serializer_class = UserDetailSerializer

    def get_object(self):
        username = self.kwargs["username"]
        if not rules.may_see_user(self.request.user, username):
            raise exceptions.PermissionDenied(_("Only the user and those who manage users."))
        return get_object_or_404(User.objects.prefetch_related("groups"), username=username)


def groups_with_people(queryset):
    return queryset.select_related("profile").prefetch_related("user_set", "profile__admins")


@extend_schema_view(get=extend_schema(parameters=listing.schema_parameters(GROUP_LIST)))
class GroupList(ListView):
    """The groups the user may see (member, administrator; all for superusers)."""

    serializer_class = GroupSerializer
    pagination_class = ByName

    def get_queryset(self):
        visible = rules.visible_groups(self.request.user)
        return groups_with_people(listing.filtered(GROUP_LIST, self.request, visible))


class GroupDetail(DetailView):
    """A group with its members and administrators; one the user may not see is 404."""

    serializer_class = GroupSerializer

    def get_object(self):
        group = get_object_or_404(groups_with_people(Group.objects.all()), name=self.kwargs["name"])
        if not rules.may_see_group(self.request.user, group):
            raise Http404
        return group


class Me(ApiView):
    """The signed-in user, their groups, and their quota usage per cluster as their
    profile page shows it."""

    conditional = True

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        clusters = rules.visible(user, Cluster.objects.order_by("slug"))
        quotas = (
            [{"cluster": c.slug, **usage_data(u)} for c, u in usage.overview(user, clusters)]
            if rules.may_see_quota(user, user)
            else []
        )
        context = {"request": request, "quotas": quotas}
        return detail(request, MeSerializer(user, context=context).data)
