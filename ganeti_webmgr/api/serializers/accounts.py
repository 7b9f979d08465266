"""Users, groups and the signed-in user as the API shows them: what their web pages
show whoever may see them."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ganeti_webmgr.api.models import Token
from ganeti_webmgr.api.serializers.quotas import OwnerQuotaSerializer
from ganeti_webmgr.core.sorting import natural_key


def _names(users) -> list[str]:
    return sorted((u.username for u in users), key=natural_key)


class UserSerializer(serializers.ModelSerializer):
    """A user as the user list shows them (groups prefetched)."""

    url = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active", read_only=True)
    superuser = serializers.BooleanField(source="is_superuser", read_only=True)
    groups = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "url",
            "first_name",
            "last_name",
            "email",
            "active",
            "superuser",
            "groups",
            "last_login",
            "date_joined",
        ]

    def get_url(self, user) -> str:
        return f"/api/v1/users/{user.username}/"

    def get_groups(self, user) -> list[str]:
        return sorted((g.name for g in user.groups.all()), key=natural_key)


class UserDetailSerializer(UserSerializer):
    """A user's page: also the groups they administer and how many SSH keys they have."""

    administers = serializers.SerializerMethodField()
    ssh_keys = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "administers", "ssh_keys"]

    def get_administers(self, user) -> list[str]:
        names = Group.objects.filter(profile__admins=user).values_list("name", flat=True)
        return sorted(names, key=natural_key)

    def get_ssh_keys(self, user) -> int:
        return user.ssh_keys.count()


class GroupSerializer(serializers.ModelSerializer):
    """A group as its page shows it (members, profile and its admins prefetched)."""

    url = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    admins = serializers.SerializerMethodField()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["name", "url", "description", "member_count", "members", "admins"]

    def get_url(self, group) -> str:
        return f"/api/v1/groups/{group.name}/"

    def get_description(self, group) -> str:
        profile = getattr(group, "profile", None)
        return profile.description if profile else ""

    def get_members(self, group) -> list[str]:
        return _names(group.user_set.all())

    def get_admins(self, group) -> list[str]:
        profile = getattr(group, "profile", None)
        return _names(profile.admins.all()) if profile else []

    def get_member_count(self, group) -> int:
        return len(group.user_set.all())


class ClusterQuotaSerializer(OwnerQuotaSerializer):
    """One cluster's line of the profile's quota table."""

    cluster = serializers.CharField(help_text="The cluster's slug.")


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    write = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)


class MeSerializer(UserDetailSerializer):
    """The signed-in user (context: the request, and "quotas": their usage per cluster
    as their profile page shows it)."""

    quotas = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField()

    class Meta(UserDetailSerializer.Meta):
        fields = [*UserDetailSerializer.Meta.fields, "quotas", "token"]

    @extend_schema_field(ClusterQuotaSerializer(many=True))
    def get_quotas(self, user) -> list:
        """Per cluster the user sees where they have a limit or use something."""
        return self.context["quotas"]

    @extend_schema_field(TokenInfoSerializer(allow_null=True))
    def get_token(self, user):
        """The token of this request; null for the web session."""
        token = self.context["request"].auth
        return TokenInfoSerializer(token).data if isinstance(token, Token) else None
