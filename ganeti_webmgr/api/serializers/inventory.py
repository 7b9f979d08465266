"""Clusters, nodes and VMs as the API shows them: what GWM last synced from Ganeti."""

from __future__ import annotations

from rest_framework import serializers

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.virtual_machines.models import VirtualMachine


def owner_name(vm) -> str | None:
    """ "alice" for a user, "group:ops" for a group (as the web's owner fields write it)."""
    if vm.owner_user_id:
        return vm.owner_user.username
    if vm.owner_group_id:
        return f"group:{vm.owner_group.name}"
    return None


class ClusterSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "url",
            "description",
            "ganeti_name",
            "ganeti_version",
            "read_only",
            "node_count",
            "instance_count",
            "last_sync_at",
            "stale",
        ]

    stale = serializers.SerializerMethodField()

    def get_url(self, cluster) -> str:
        return f"/api/v1/clusters/{cluster.slug}/"

    def get_stale(self, cluster) -> bool:
        """The last sync failed: what GWM shows may be out of date."""
        return bool(cluster.consecutive_failures)


class ClusterDetailSerializer(ClusterSerializer):
    class Meta(ClusterSerializer.Meta):
        fields = [
            *ClusterSerializer.Meta.fields,
            "operating_systems",
            "networks",
            "features",
            "default_quota_ram",
            "default_quota_disk",
            "default_quota_vcpus",
            "default_quota_vms",
            "quota_counts_stopped_vms",
        ]


class NodeSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    group = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Node
        fields = [
            "cluster",
            "name",
            "url",
            "role",
            "group",
            "offline",
            "drained",
            "master_candidate",
            "vm_capable",
            "primary_ip",
            "secondary_ip",
            "memory_total",
            "memory_free",
            "disk_total",
            "disk_free",
            "cpu_total",
            "primary_count",
            "secondary_count",
            "tags",
            "missing",
            "synced_at",
        ]

    def get_group(self, node) -> str | None:
        return node.group.name if node.group_id else None

    def get_url(self, node) -> str:
        return f"/api/v1/clusters/{node.cluster.slug}/nodes/{node.name}/"


class VirtualMachineSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    primary_node = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    secondary_node = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    owner = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    nic_ips = serializers.ListField(child=serializers.CharField(allow_null=True), read_only=True)
    nic_macs = serializers.ListField(child=serializers.CharField(), read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = VirtualMachine
        fields = [
            "cluster",
            "name",
            "url",
            "status",
            "admin_state",
            "oper_state",
            "os",
            "hypervisor",
            "disk_template",
            "primary_node",
            "secondary_node",
            "memory",
            "minmem",
            "vcpus",
            "disk_size",
            "disk_count",
            "nic_ips",
            "nic_macs",
            "tags",
            "owner",
            "missing",
            "synced_at",
        ]

    def get_owner(self, vm) -> str | None:
        return owner_name(vm)

    def get_url(self, vm) -> str:
        return f"/api/v1/clusters/{vm.cluster.slug}/vms/{vm.name}/"


class VirtualMachineDetailSerializer(VirtualMachineSerializer):
    ganeti = serializers.JSONField(source="raw", read_only=True)

    class Meta(VirtualMachineSerializer.Meta):
        fields = [*VirtualMachineSerializer.Meta.fields, "uuid", "ctime", "mtime", "ganeti"]
