"""The user and group lists: their search, filters, sorts and columns, with the
semantics every list shares (core.listing).

Users and groups are Django's own tables, without a name_key column: their names
sort in natural order in Python (core.listing.Column.natural), which their sizes
allow (bench/search.py: 1,000 users).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.core import listing
from ganeti_webmgr.core.listing import Column, Filter
from ganeti_webmgr.core.sorting import natural_key

Membership = User.groups.through

YES_NO = (("yes", _("yes")), ("no", _("no")))


def _yes_no(field: str):
    return lambda value: Q(**{field: value == "yes"})


def _in_group(name: str) -> Q:
    return Q(pk__in=Membership.objects.filter(group__name=name).values("user_id"))


def _user_search(text: str) -> Q:
    """User name, name, e-mail address, and the names of the user's groups."""
    in_groups = Membership.objects.filter(group__name__icontains=text).values("user_id")
    return listing.contains("username", "first_name", "last_name", "email")(text) | Q(
        pk__in=in_groups
    )


USER_LIST = listing.register(
    listing.ListSpec(
        name="users",
        search=_user_search,
        filters=(
            Filter("active", _("Active"), _yes_no("is_active"), choices=YES_NO),
            Filter("superuser", _("Superuser"), _yes_no("is_superuser"), choices=YES_NO),
            Filter("group", _("Group"), _in_group, choices=()),
        ),
        columns=(
            Column("username", _("User name"), sort="username", natural=True),
            Column("name", _("Name"), sort="full_name", natural=True),
            Column("email", _("E-mail"), sort="email", natural=True),
            Column("groups", _("Groups")),
            Column("keys", _("SSH keys"), sort="key_count"),
            Column("status", _("Status")),
            Column("last_login", _("Last login"), sort="last_login", default=False),
            Column("joined", _("Created"), sort="date_joined", default=False),
        ),
        default_sort="username",
    )
)


def _count(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of queryset point at the outer row through field, as a subquery
    (no GROUP BY over the list's own query)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by()
    counted = counted.values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def users() -> QuerySet[User]:
    """Every user, with what the list sorts on besides its own columns."""
    return User.objects.annotate(
        full_name=Concat("first_name", Value(" "), "last_name", output_field=CharField()),
        key_count=_count(SshKey.objects.all(), "user"),
    )


USER_EXPORT_KEYS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "groups",
    "active",
    "superuser",
    "ssh_keys",
    "last_login",
    "created",
)


# What the export reads of each user (ORM lookups: never the password hash).
_USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_superuser",
    "key_count",
    "last_login",
    "date_joined",
)


def user_rows(ids: list[int]) -> list[tuple]:
    """The users of ids as the export writes them, in the order of ids: two queries
    (the users, their groups' names)."""
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    for user_id, group in Membership.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    ):
        names[user_id].append(group)
    found = {row[0]: row[1:] for row in users().filter(pk__in=ids).values_list("pk", *_USER_FIELDS)}
    rows = []
    for pk in ids:
        if pk in found:
            username, first, last, email, active, superuser, keys, login, joined = found[pk]
            groups = sorted(names[pk], key=natural_key)
            rows.append(
                (username, first, last, email, groups, active, superuser, keys, login, joined)
            )
    return rows


def _with_member(username: str) -> Q:
    return Q(pk__in=Membership.objects.filter(user__username=username).values("group_id"))


def _group_search(text: str) -> Q:
    """The group's name, and its members' user names."""
    with_members = Membership.objects.filter(user__username__icontains=text).values("group_id")
    return Q(name__icontains=text) | Q(pk__in=with_members)


GROUP_LIST = listing.register(
    listing.ListSpec(
        name="groups",
        search=_group_search,
        filters=(Filter("member", _("Member"), _with_member, help=_("a user name, exactly")),),
        columns=(
            Column("name", _("Name"), sort="name", natural=True),
            Column("description", _("Description")),
            Column("members", _("Members"), sort="member_count"),
            Column("admins", _("Administrators"), default=False),
            Column("you", _("You")),
        ),
        default_sort="name",
    )
)


def groups(visible: QuerySet[Group]) -> QuerySet[Group]:
    """The visible groups, with their member counts to sort on."""
    return visible.annotate(member_count=_count(Membership.objects.all(), "group"))


GROUP_EXPORT_KEYS = ("name", "description", "members", "administrators", "member_count")


def group_row(group: Group) -> tuple:
    """A group as the export writes it (groups() with members, profile and its
    administrators prefetched): what its page shows whoever may see it."""
    profile = getattr(group, "profile", None)
    return (
        group.name,
        profile.description if profile else "",
        sorted(u.username for u in group.user_set.all()),
        sorted(u.username for u in profile.admins.all()) if profile else [],
        group.member_count,
    )
