"""The bodies of changes to users, groups and grants, for the schema: the web's forms
(accounts.forms, permissions.forms) validate them, under the names the API shows."""

from __future__ import annotations

from rest_framework import serializers

from ganeti_webmgr.api.serializers.records import HOLDER_KINDS


class UserChangeSerializer(serializers.Serializer):
    """PATCH: only the fields sent change."""

    username = serializers.CharField(required=False, max_length=150)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False, help_text="Inactive users cannot sign in; nobody deactivates themself."
    )
    superuser = serializers.BooleanField(
        required=False, help_text="May do everything in GWM, on every cluster."
    )


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        write_only=True,
        help_text="Checked as the web's user form checks it (the site's password rules).",
    )
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    superuser = serializers.BooleanField(required=False, default=False)


class ConfirmSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true: yes, do it.")


class GroupChangeSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100, help_text="Letters, digits and . + @ - _ (in URLs and Ganeti tags)."
    )
    description = serializers.CharField(required=False, allow_blank=True)


class GroupPatchSerializer(GroupChangeSerializer):
    """PATCH: only the fields sent change."""

    name = serializers.CharField(required=False, max_length=100)


class MemberSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="An active user's name.")


class GrantChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HOLDER_KINDS)
    name = serializers.CharField(
        max_length=150, help_text="The user name (an active user) or the group's name."
    )
    permissions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Permissions to grant, of the object's grantable ones (GET lists them); "
        "what the holder has already stays.",
    )
