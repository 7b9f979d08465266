"""The import of a GWM 0.11 database: users, groups and memberships, clusters,
quotas, grants, SSH keys, VM owners and grants, VM templates, the object log. All of
it in one transaction: a failure (or a dry run) leaves GWM as it was.

Re-runs import nothing twice: users match by username, groups by name, clusters by
slug or hostname, quotas by cluster and owner, VMs by cluster and name, templates by
cluster and name, log items by their 0.11 id. What already exists is left as it is.

VMs have rows in GWM only after their cluster's first sync: what 0.11 said of them
(owner, grants) is kept as claims (models.VMClaim), applied by that sync, or by a
re-run of the import once the VMs are there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ganeti_webmgr import audit
from ganeti_webmgr.accounts import sshkeys
from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.gwm011 import (
    claims,
    crypto,
    hashers,
    object_log,
    permission_map,
    vm_templates,
)
from ganeti_webmgr.gwm011.models import VMClaim
from ganeti_webmgr.gwm011.source import Data
from ganeti_webmgr.permissions import grants
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.quotas.models import QUOTA_MAX, Quota
from ganeti_webmgr.virtual_machines.models import VirtualMachine

KINDS = (
    "users",
    "groups",
    "memberships",
    "clusters",
    "quotas",
    "cluster grants",
    "ssh keys",
    "VMs (owner and grants)",
    "templates",
    "log entries",
)
VMS = "VMs (owner and grants)"
# An imported cluster is not synced until an administrator has confirmed its
# certificate (0.11 never verified TLS): its next sync is put off "forever", and
# saving the trust on its edit page asks for a sync at once.
HOLD_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)


class DecryptionFailed(Exception):
    """A cluster password cannot be decrypted with the SECRET_KEY given."""

    def __init__(self, cluster: str, reason: str):
        super().__init__(
            f"cannot decrypt the RAPI password of cluster {cluster!r} with this SECRET_KEY "
            f"({reason}); give the SECRET_KEY of the GWM 0.11 installation. Nothing was "
            "imported."
        )
        self.cluster = cluster


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class Report:
    dry_run: bool = False
    imported: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    waiting: Counter = field(default_factory=Counter)  # read, applied at a later sync
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # kind, name, why
    attention: list[str] = field(default_factory=list)  # what needs an administrator

    def skip(self, kind: str, name: str, why: str) -> None:
        self.skipped.append((kind, name, why))

    def lines(self) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        out = [
            f"{kind}: {verb} {self.imported[kind]}, already in GWM {self.existing[kind]}"
            + (
                f", waiting for the cluster's sync {self.waiting[kind]}"
                if kind in self.waiting
                else ""
            )
            for kind in KINDS
        ]
        out += [f"skipped {kind} {name}: {why}" for kind, name, why in self.skipped]
        out += [f"needs an administrator: {line}" for line in self.attention]
        return out


def run(data: Data, secret_key: str, *, dry_run: bool = False) -> Report:
    """Import `data` (read from a 0.11 database) into GWM; raise DecryptionFailed,
    before writing anything, if a cluster password cannot be decrypted."""
    passwords = {}
    for pk, row in data.clusters.items():
        try:
            passwords[pk] = crypto.decrypt(row["password"], secret_key)
        except crypto.WrongKey as error:
            raise DecryptionFailed(row["slug"], str(error)) from None
    report = Report(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Import(data, passwords, report).all()
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return report


class _Import:
    def __init__(self, data: Data, passwords: dict[int, str], report: Report):
        self.data = data
        self.passwords = passwords
        self.report = report
        self.users = {}  # 0.11 user id -> GWM user
        self.groups = {}  # 0.11 group id -> GWM group
        self.clusters = {}  # 0.11 cluster id -> GWM cluster

    def all(self) -> None:
        self.import_users()
        self.import_groups()
        self.import_memberships()
        self.import_clusters()
        self.import_quotas()
        self.import_cluster_grants()
        self.import_ssh_keys()
        self.import_vms()
        self.import_templates()
        object_log.import_items(self)
        self.needs_an_administrator()

    def _audit(self, obj, kind: str, name: str, **changes) -> None:
        audit.record(
            "legacy.import",
            targets=[obj],
            message=f"imported from GWM 0.11: {kind} {name}",
            changes=changes or None,
        )

    def import_users(self) -> None:
        User = get_user_model()
        known = {u.username: u for u in User.objects.filter(username__in=self._usernames())}
        for pk, row in self.data.users.items():
            name = row["username"]
            if name in known:
                self.users[pk] = known[name]
                self.report.existing["users"] += 1
                continue
            user = User(
                username=name,
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
                # The 0.11 hash, kept (old SHA1 and MD5 ones wrapped): the old password works.
                password=hashers.wrap(row["password"]),
                is_staff=row["is_staff"],
                is_active=row["is_active"],
                is_superuser=row["is_superuser"],
                last_login=_aware(row["last_login"]),
                date_joined=_aware(row["date_joined"]) or timezone.now(),
            )
            user.save()
            self.users[pk] = user
            self.report.imported["users"] += 1
            self._audit(user, "user", name)
            if not _usable_hash(user.password):
                self.report.attention.append(
                    f"user {name}: the 0.11 password hash is of no hasher GWM knows; "
                    "the user must reset the password"
                )

    def _usernames(self) -> list[str]:
        return [row["username"] for row in self.data.users.values()]

    def import_groups(self) -> None:
        known = {g.name: g for g in Group.objects.filter(name__in=self.data.groups.values())}
        for pk, name in self.data.groups.items():
            if name in known:
                self.groups[pk] = known[name]
                self.report.existing["groups"] += 1
                continue
            group = Group.objects.create(name=name)
            self.groups[pk] = group
            self.report.imported["groups"] += 1
            self._audit(group, "group", name)

    def import_memberships(self) -> None:
        for user_pk, group_pk in self.data.memberships:
            user, group = self.users.get(user_pk), self.groups.get(group_pk)
            if user is None or group is None:
                self.report.skip("memberships", f"{user_pk}/{group_pk}", "no such user or group")
                continue
            if user.groups.filter(pk=group.pk).exists():
                self.report.existing["memberships"] += 1
                continue
            user.groups.add(group)
            self.report.imported["memberships"] += 1
            audit.record(
                "legacy.import",
                targets=[group, user],
                message=f"imported from GWM 0.11: {user.username} member of {group.name}",
            )

    def import_clusters(self) -> None:
        for pk, row in self.data.clusters.items():
            slug, hostname = row["slug"], (row["hostname"] or "").lower()
            known = Cluster.objects.filter(Q(slug=slug) | Q(hostname__iexact=hostname)).first()
            if known is not None:
                self.clusters[pk] = known
                self.report.existing["clusters"] += 1
                continue
            cluster = Cluster(
                slug=slug,
                hostname=hostname,
                port=row["port"] or 5080,
                description=row["description"] or "",
                username=row["username"] or "",
                default_quota_ram=_amount(row["ram"]),
                default_quota_disk=_amount(row["disk"]),
                default_quota_vcpus=_amount(row["virtual_cpus"]),
                # No pinned fingerprint: the administrator confirms one first (HOLD_UNTIL).
                fingerprint="",
                next_sync_at=HOLD_UNTIL,
            )
            cluster.password = self.passwords[pk]  # re-encrypted with GWM's credentials key
            cluster.full_clean(exclude=["password_encrypted"])
            cluster.save()
            self.clusters[pk] = cluster
            self.report.imported["clusters"] += 1
            self._audit(cluster, "cluster", slug)
            self.report.attention.append(
                f"cluster {slug}: confirm its certificate fingerprint (Clusters, {slug}, "
                "Edit: check the connection, confirm); it is synced after that"
            )

    def import_quotas(self) -> None:
        for row in self.data.quotas:
            cluster = self.clusters.get(row["cluster_id"])
            owner = self._owner(row["user_id"])
            label = f"#{row['id']}"
            if cluster is None or owner is None:
                self.report.skip("quotas", label, "its cluster or owner is not in the 0.11 data")
                continue
            field_name = "owner_group" if isinstance(owner, Group) else "owner_user"
            label = f"of {owner} on {cluster.slug}"
            if Quota.objects.filter(cluster=cluster, **{field_name: owner}).exists():
                self.report.existing["quotas"] += 1
                continue
            quota = Quota.objects.create(
                cluster=cluster,
                ram=_amount(row["ram"]),
                disk=_amount(row["disk"]),
                vcpus=_amount(row["virtual_cpus"]),
                **{field_name: owner},
            )
            self.report.imported["quotas"] += 1
            self._audit(quota, "quota", label)

    def import_cluster_grants(self) -> None:
        """Add what each 0.11 holder had on a cluster; what they hold in GWM already
        stays (nothing is revoked)."""
        for row in self.data.cluster_grants:
            cluster, holder = self.clusters.get(row["obj_id"]), self._holder(row)
            if cluster is None or holder is None:
                self.report.skip(
                    "cluster grants", f"#{row['id']}", "its cluster or holder is not in the data"
                )
                continue
            codes = self._mapped(permission_map.CLUSTER, row, f"cluster {cluster.slug}", holder)
            if not codes:
                continue  # a row of no permission grants nothing
            held = set(dict(grants.holders(cluster)).get(holder, []))
            new = [code for code in codes if code not in held]
            if not new:
                self.report.existing["cluster grants"] += 1
                continue
            for code in new:
                grants.add_permission(cluster, holder, code)
            self.report.imported["cluster grants"] += 1
            audit.record(
                "legacy.import",
                targets=[cluster, holder],
                message=f"imported from GWM 0.11: {', '.join(new)} on cluster "
                f"{cluster.slug} for {holder}",
            )

    def import_ssh_keys(self) -> None:
        """Each key checked as a key pasted on the profile page; an invalid one (0.11
        took any text) is reported, not imported."""
        for row in self.data.ssh_keys:
            user = self.users.get(row["user_id"])
            label = f"#{row['id']}"
            if user is None:
                self.report.skip("ssh keys", label, "its user is not in the 0.11 data")
                continue
            label = f"#{row['id']} of {user.username}"
            try:
                parsed = sshkeys.parse(row["ssh_key"] or "")
            except sshkeys.InvalidKey as error:
                self.report.skip("ssh keys", label, str(error))
                continue
            if SshKey.objects.filter(user=user, fingerprint=parsed.fingerprint).exists():
                self.report.existing["ssh keys"] += 1
                continue
            key = SshKey.objects.create(
                user=user,
                name=self._key_name(user, (parsed.comment or parsed.type)[:90]),
                key=parsed.line,
                fingerprint=parsed.fingerprint,
            )
            self.report.imported["ssh keys"] += 1
            audit.record(
                "legacy.import",
                targets=[user],
                message=f"imported from GWM 0.11: SSH key {key.name} ({key.fingerprint})",
            )

    def _mapped(self, table, row: dict, on: str, holder) -> list[str]:
        codes, unmapped = permission_map.mapped(table, row["codes"])
        for code in unmapped:
            self.report.skip(
                "permissions", f"{code} on {on} for {holder}", "GWM has no such permission"
            )
        return codes

    def _holder(self, row: dict):
        if row["user_id"] is not None:
            return self.users.get(row["user_id"])
        return self.groups.get(row["group_id"])

    def import_vms(self) -> None:
        """Each 0.11 VM's owner and grants: applied to GWM's row of the VM if there is
        one, else kept as a claim the cluster's sync applies."""
        grants_of: dict[int, list] = {}
        for row in self.data.vm_grants:
            holder, vm = self._holder(row), self.data.vms.get(row["obj_id"])
            if holder is None or vm is None:
                self.report.skip(
                    "VM grants", f"#{row['id']}", "its VM or holder is not in the data"
                )
                continue
            on = f"VM {vm['hostname']}"
            codes = self._mapped(permission_map.VM, row, on, holder)
            if codes:
                kind = "group" if isinstance(holder, Group) else "user"
                grants_of.setdefault(row["obj_id"], []).append([kind, holder.pk, codes])
        for pk, row in self.data.vms.items():
            cluster = self.clusters.get(row["cluster_id"])
            name = (row["hostname"] or "").lower()
            if cluster is None:
                self.report.skip(VMS, name, "its cluster is not in the 0.11 data")
                continue
            owner = self._owner(row["owner_id"]) if row["owner_id"] is not None else None
            vm_grants = grants_of.get(pk, [])
            if owner is None and not vm_grants:
                continue  # nothing to carry over
            claim = VMClaim.objects.filter(cluster=cluster, vm_name=name).first()
            if claim is not None and claim.applied_at is not None:
                self.report.existing[VMS] += 1
                continue
            claim = claim or VMClaim(cluster=cluster, vm_name=name)
            claim.owner_user = owner if isinstance(owner, User) else None
            claim.owner_group = owner if isinstance(owner, Group) else None
            claim.grants = vm_grants
            claim.save()
            vm = (
                VirtualMachine.objects.filter(cluster=cluster, name=name, removed_at=None)
                .select_related("cluster", "owner_user", "owner_group")
                .first()
            )
            if vm is None:
                self.report.waiting[VMS] += 1
                continue
            claims.apply(claim, vm)
            self.report.imported[VMS] += 1

    def import_templates(self) -> None:
        """As GWM's templates, checked against the cluster's choices where GWM knows
        them (after its sync); what does not fit is reported, not dropped unsaid."""
        for row in self.data.templates:
            name, label = row["template_name"] or "", f"#{row['id']}"
            cluster = self.clusters.get(row["cluster_id"])
            if row["temporary"]:
                self.report.skip("templates", label, "a temporary one (a creation's leftover)")
                continue
            if cluster is None:
                self.report.skip("templates", f"{name} ({label})", "no cluster (or not imported)")
                continue
            label = f"{name} on {cluster.slug}"
            if not name.strip() or len(name) > VMTemplate._meta.get_field("name").max_length:
                self.report.skip("templates", label, "its name is empty or too long for GWM")
                continue
            if VMTemplate.objects.filter(cluster=cluster, name=name).exists():
                self.report.existing["templates"] += 1
                continue
            values, notes = vm_templates.to_values(row)
            template = VMTemplate.objects.create(
                cluster=cluster, name=name, description=row["description"] or "", values=values
            )
            self.report.imported["templates"] += 1
            self._audit(template, "VM template", label)
            for note in notes:
                self.report.skip("template fields", label, f"not carried over: {note}")
            problems = vm_templates.check(cluster, values, name, template)
            if problems is None:
                self.report.attention.append(
                    f"template {label}: not checked against the cluster's choices (GWM has "
                    "not synced it yet); open it once the cluster is synced"
                )
            for problem in problems or []:
                self.report.attention.append(f"template {label}: {problem}")

    def needs_an_administrator(self) -> None:
        imported = {line.split(":")[0] for line in self.report.attention}
        for cluster in set(self.clusters.values()):
            if cluster.next_sync_at == HOLD_UNTIL and f"cluster {cluster.slug}" not in imported:
                self.report.attention.append(
                    f"cluster {cluster.slug}: confirm its certificate fingerprint (still "
                    "waiting; its VMs' 0.11 owners and grants are applied at its sync)"
                )
        for claim in claims.unmatched():
            self.report.attention.append(
                f"VM {claim.vm_name} on {claim.cluster.slug}: not in Ganeti at the cluster's "
                f"last sync; 0.11's owner ({claim.owner or 'nobody'}) and grants wait for it"
            )
        for claim in VMClaim.objects.exclude(problem="").select_related("cluster"):
            self.report.attention.append(
                f"VM {claim.vm_name} on {claim.cluster.slug}: {claim.problem}"
            )

    @staticmethod
    def _key_name(user, name: str) -> str:
        """Names are unique per user; 0.11's keys had none, so comments may repeat."""
        taken = set(SshKey.objects.filter(user=user).values_list("name", flat=True))
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name} ({n})"
        return candidate

    def _owner(self, clusteruser_pk: int):
        kind, pk = self.data.owners.get(clusteruser_pk, (None, None))
        if kind == "user":
            return self.users.get(pk)
        if kind == "group":
            return self.groups.get(pk)
        return None


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def _amount(value) -> int | None:
    """A 0.11 limit as GWM keeps it: None (no limit) stays None; GWM's are unsigned."""
    if value is None:
        return None
    return min(max(int(value), 0), QUOTA_MAX)


def _usable_hash(encoded: str) -> bool:
    try:
        identify_hasher(encoded)
    except ValueError:
        return False
    return True
