"""Changing users and groups through the API: the web's forms validate each body
(accounts.forms), accounts.changes makes the change with its audit entry (the same
codes as the web's, naming the token), and permissions.rules says who may, with the
web's 404/403 split.

Users are deactivated, never deleted, as on the web. A new user's password is set
as the web's user form sets it, checked by the site's password rules; the form asks
for it twice against typing mistakes, the API once.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from ganeti_webmgr.accounts import activation, changes
from ganeti_webmgr.accounts.forms import GroupForm, MemberForm, UserCreateForm, UserEditForm
from ganeti_webmgr.api import formdata
from ganeti_webmgr.api.errors import Conflict
from ganeti_webmgr.api.formdata import BadBody
from ganeti_webmgr.api.serializers.accounts import GroupSerializer, UserDetailSerializer
from ganeti_webmgr.api.serializers.changes import (
    ConfirmSerializer,
    GroupChangeSerializer,
    GroupPatchSerializer,
    MemberSerializer,
    UserChangeSerializer,
    UserCreateSerializer,
)
from ganeti_webmgr.api.serializers.errors import ErrorSerializer
from ganeti_webmgr.api.views import accounts
from ganeti_webmgr.api.views.base import ApiView
from ganeti_webmgr.permissions import rules

# The API's names of the user forms' fields (as UserSerializer shows them), and back.
USER_NAMES = {"active": "is_active", "superuser": "is_superuser", "password": "password1"}
USER_SHOWN = {
    "is_active": "active",
    "is_superuser": "superuser",
    "password1": "password",
    "password2": "password",  # where Django's form puts what the password rules say
}
CONFLICT = {
    409: OpenApiResponse(ErrorSerializer, description="Not now: the detail says why (its code).")
}


def _user_data(request, user: User, status: int = 200) -> Response:
    user = User.objects.prefetch_related("groups").get(pk=user.pk)
    data = UserDetailSerializer(user, context={"request": request}).data
    headers = {"Location": data["url"]} if status == 201 else None
    return Response(data, status=status, headers=headers)


def _group_data(request, group: Group, status: int = 200) -> Response:
    group = accounts.groups_with_people(Group.objects.all()).get(pk=group.pk)
    data = GroupSerializer(group, context={"request": request}).data
    headers = {"Location": data["url"]} if status == 201 else None
    return Response(data, status=status, headers=headers)


class Users(accounts.UserList):
    """Every user, for those who manage users, with the web's user list filters."""

    @extend_schema(request=UserCreateSerializer, responses={201: UserDetailSerializer})
    def post(self, request):
        """Create a user, as the web's user form does (superusers): 201 with the user."""
        accounts.require_user_manager(request)
        body = formdata.body_of(request)
        if "password2" in body:
            raise BadBody({"password2": [_("Unknown field.")]})
        data = formdata.named_form_data(UserCreateForm(), body, USER_NAMES)
        if "password1" in data:  # asked once: a script makes no typing mistakes
            data["password2"] = data["password1"]
        form = UserCreateForm(data)
        if not form.is_valid():
            raise formdata.form_errors(form, USER_SHOWN)
        return _user_data(request, changes.create_user(request._request, form), 201)


class UserDetail(accounts.UserDetail):
    """A user's page: for themself and those who manage users."""

    @extend_schema(request=UserChangeSerializer, responses={200: UserDetailSerializer})
    def patch(self, request, username: str):
        """Change the fields sent, as the web's user form does (superusers)."""
        accounts.require_user_manager(request)
        target = get_object_or_404(User, username=username)
        before = changes.user_snapshot(target)
        blank = UserEditForm(instance=target, editor=request.user)
        body = formdata.body_of(request)
        data = formdata.named_form_data(blank, body, USER_NAMES, formdata.current_values(blank))
        form = UserEditForm(data, instance=target, editor=request.user)
        if not form.is_valid():
            raise formdata.form_errors(form, USER_SHOWN)
        changes.edit_user(request._request, form, before)
        return _user_data(request, form.instance)


class UserDeactivate(ApiView):
    """Deactivate a user (they can no longer sign in, their tokens stop), with
    {"confirm": true}; PATCH "active" makes them active again."""

    @extend_schema(request=ConfirmSerializer, responses={200: UserDetailSerializer, **CONFLICT})
    def post(self, request, username: str):
        accounts.require_user_manager(request)
        target = get_object_or_404(User, username=username)
        body = formdata.body_of(request)
        confirmed = formdata.flag(body, formdata.CONFIRM)
        if body:
            raise BadBody({k: [_("Unknown field.")] for k in sorted(body)})
        if not rules.may_set_active(request.user, target, active=False):
            raise exceptions.PermissionDenied(_("You cannot deactivate yourself."))
        if not confirmed:
            raise Conflict(
                _('Send "confirm": true to deactivate %(name)s.') % {"name": target.username},
                code="needs_confirmation",
            )
        if target.is_active:
            activation.set_active(request._request, [target], active=False)
        return _user_data(request, target)


class Groups(accounts.GroupList):
    """The groups the user may see (member, administrator; all for superusers)."""

    @extend_schema(request=GroupChangeSerializer, responses={201: GroupSerializer})
    def post(self, request):
        """Create a group (superusers): 201 with the group."""
        if not rules.may_create_groups(request.user):
            raise exceptions.PermissionDenied(_("Only superusers create groups."))
        form = GroupForm(formdata.to_form_data(GroupForm(), formdata.body_of(request)))
        if not form.is_valid():
            raise formdata.form_errors(form)
        return _group_data(request, changes.create_group(request._request, form), 201)


def _group_for(request, name: str, allowed, refusal: str) -> Group:
    """The group: 404 if the user may not see it, 403 if allowed() says no."""
    group = get_object_or_404(Group, name=name)
    if not rules.may_see_group(request.user, group):
        raise Http404
    if not allowed(request.user, group):
        raise exceptions.PermissionDenied(refusal)
    return group


class GroupDetail(accounts.GroupDetail):
    """A group with its members and administrators; one the user may not see is 404."""

    @extend_schema(request=GroupPatchSerializer, responses={200: GroupSerializer})
    def patch(self, request, name: str):
        """Rename or describe the group (superusers)."""
        group = _group_for(request, name, rules.may_edit_group, _("Only superusers edit groups."))
        before = changes.group_snapshot(group)
        blank = GroupForm(instance=group)
        values = {**formdata.current_values(blank), **formdata.body_of(request)}
        form = GroupForm(formdata.to_form_data(blank, values), instance=group)
        if not form.is_valid():
            raise formdata.form_errors(form)
        changes.edit_group(request._request, form, before)
        return _group_data(request, form.instance)

    @extend_schema(responses={204: None, **CONFLICT})
    def delete(self, request, name: str):
        """Delete the group, its grants, quotas and memberships (superusers); 409
        owns_vms while it owns VMs."""
        group = _group_for(
            request, name, rules.may_delete_group, _("Only superusers delete groups.")
        )
        try:
            changes.delete_group(request._request, group)
        except changes.OwnsVirtualMachines as owned:
            raise Conflict(
                _(
                    "%(group)s owns %(count)s VMs (or VMs being created): give them to "
                    "another owner first."
                )
                % {"group": group.name, "count": owned.args[0]},
                code="owns_vms",
            ) from None
        return Response(status=204)


def _person(body: dict) -> User:
    """The active user a member or administrator body names (MemberForm's check)."""
    if wrong := sorted(set(body) - {"username"}):
        raise BadBody({k: [_("Unknown field.")] for k in wrong})
    form = MemberForm(formdata.to_form_data(MemberForm(), {**body, "action": "add"}))
    if not form.is_valid():
        raise formdata.form_errors(form)
    return form.cleaned_data["user"]


class _People(ApiView):
    """POST {"username": ...}: add a member (administrator); DELETE .../<username>/:
    remove them."""

    allowed = staticmethod(rules.may_manage_members)
    refusal = gettext_lazy("Only superusers and the group's administrators change its members.")

    def _group(self, request, name: str) -> Group:
        return _group_for(request, name, self.allowed, str(self.refusal))


class GroupMembers(_People):
    @extend_schema(request=MemberSerializer, responses={200: GroupSerializer})
    def post(self, request, name: str):
        """Add a member (superusers and the group's administrators, who may not add
        themselves): the group."""
        group = self._group(request, name)
        user = _person(formdata.body_of(request))
        changes.set_member(request._request, group, user, adding=True)
        return _group_data(request, group)


class GroupMember(_People):
    @extend_schema(responses={200: GroupSerializer})
    def delete(self, request, name: str, username: str):
        """Remove a member (superusers and the group's administrators): the group."""
        group = self._group(request, name)
        user = group.user_set.filter(username=username).first()
        if user is None:
            raise exceptions.NotFound(
                _("%(user)s is not a member of %(group)s.")
                % {"user": username, "group": group.name}
            )
        changes.set_member(request._request, group, user, adding=False)
        return _group_data(request, group)


class GroupAdmins(_People):
    allowed = staticmethod(rules.may_edit_group)
    refusal = gettext_lazy("Only superusers name a group's administrators.")

    @extend_schema(request=MemberSerializer, responses={200: GroupSerializer})
    def post(self, request, name: str):
        """Name an administrator of the group (superusers): the group."""
        group = self._group(request, name)
        user = _person(formdata.body_of(request))
        changes.set_admin(request._request, group, user, adding=True)
        return _group_data(request, group)


class GroupAdmin(_People):
    allowed = staticmethod(rules.may_edit_group)
    refusal = gettext_lazy("Only superusers name a group's administrators.")

    @extend_schema(responses={200: GroupSerializer})
    def delete(self, request, name: str, username: str):
        """Remove an administrator of the group (superusers): the group."""
        group = self._group(request, name)
        user = User.objects.filter(administered_groups__group=group, username=username).first()
        if user is None:
            raise exceptions.NotFound(
                _("%(user)s is not an administrator of %(group)s.")
                % {"user": username, "group": group.name}
            )
        changes.set_admin(request._request, group, user, adding=False)
        return _group_data(request, group)
