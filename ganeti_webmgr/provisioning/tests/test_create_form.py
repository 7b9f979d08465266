"""The wizard's validation: every choice from the cluster, every policy bound at its field."""

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.units import format_mib, parse_size
from ganeti_webmgr.provisioning.forms import CreateForm
from ganeti_webmgr.provisioning.policy import names_from_pattern

pytestmark = pytest.mark.django_db


def form(cluster, user, data):
    f = CreateForm(cluster, user, data)
    f.is_valid()
    return f


def test_a_valid_diskless_vm(cluster, creator, wizard_data):
    f = form(cluster, creator, wizard_data())
    assert f.is_valid(), f.errors
    allocation = f.allocation()
    assert allocation["disks"] == [] and allocation["pnode"] == "node1.sim.test"
    assert allocation["beparams"] == {"maxmem": 512, "minmem": 512, "vcpus": 1}
    assert allocation["nics"] == [{}]
    assert "iallocator" not in allocation and "hvparams" not in allocation
    assert f.cleaned_data["names"] == ["new1.sim.test"]


def test_choices_come_from_the_synced_cluster(cluster, creator):
    f = CreateForm(cluster, creator)
    assert [c for c, _ in f.fields["hypervisor"].choices] == ["fake", "kvm"]
    assert [c for c, _ in f.fields["disk_template"].choices] == [
        "diskless",
        "file",
        "plain",
        "drbd",
    ]
    assert [c for c, _ in f.fields["os"].choices][1:] == cluster.operating_systems
    assert [c for c, _ in f.fields["pnode"].choices][1:] == [
        "node1.sim.test",
        "node2.sim.test",
        "node3.sim.test",
    ]
    assert f.fields["owner"].choices == [("user:creator", "user creator")]


def test_a_user_may_create_for_their_groups_and_an_admin_for_anyone(cluster, creator, alice):
    team = Group.objects.create(name="team")
    creator.groups.add(team)
    Group.objects.create(name="others")
    owners = [c for c, _ in CreateForm(cluster, creator).fields["owner"].choices]
    assert owners == ["user:creator", "group:team"]
    owners = [c for c, _ in CreateForm(cluster, alice).fields["owner"].choices]
    assert {"user:alice", "user:creator", "group:team", "group:others"} <= set(owners)


@pytest.mark.parametrize(
    "fields, disks, field, message",
    [
        ({"memory": "64M"}, (), "memory", "at least 128 MiB by the cluster's policy"),
        ({"memory": "64G"}, (), "memory", "at most 32 GiB by the cluster's policy"),
        ({"vcpus": "9"}, (), "vcpus", "vCPUs: at most 8 by the cluster's policy"),
        ({"disk_template": "file"}, ("512M",), None, "Disk size: at least 1 GiB"),
        ({"disk_template": "file"}, ("2T",), None, "Disk size: at most 1 TiB"),
        ({"disk_template": "file"}, (), None, "Add at least one disk."),
        ({"disk_template": "diskless"}, ("10G",), None, "A diskless VM has no disks"),
        ({"nic_count": "0"}, (), None, "Number of network cards: at least 1"),
        ({"minmem": "1G"}, (), "minmem", "may not exceed the memory"),
        ({"memory": "lots"}, (), "memory", "is not a size"),
        ({"os": ""}, (), "os", "Choose an operating system."),
        ({"os": "windows+xp"}, (), "os", "Select a valid choice"),
        ({"hypervisor": "xen-pvm"}, (), "hypervisor", "Select a valid choice"),
        ({"disk_template": "rbd"}, (), "disk_template", "Select a valid choice"),
        ({"pnode": ""}, (), "pnode", "Choose the primary node, or let Ganeti choose."),
        ({"pnode": "node9.sim.test"}, (), "pnode", "Select a valid choice"),
        (
            {"disk_template": "drbd", "snode": ""},
            ("10G",),
            "snode",
            "A drbd VM needs a secondary node.",
        ),
        (
            {"disk_template": "drbd", "snode": "node1.sim.test"},
            ("10G",),
            "snode",
            "must differ from the primary",
        ),
        ({"name": "inst1.sim.test"}, (), "name", "inst1.sim.test exists already"),
        ({"name": "bad_name!"}, (), "name", "is not a valid host name"),
        ({"name": "web.sim.test", "count": "3"}, (), "name", "put {n} in the name"),
        ({"name": "web{n}{x}.sim.test", "count": "2"}, (), "name", "not valid"),
        ({"name": "web{n}.sim.test", "count": "51"}, (), "count", "less than or equal to 50"),
        ({"owner": "user:alice"}, (), "owner", "Select a valid choice"),
    ],
)
def test_each_mistake_is_shown_at_its_field(
    cluster, creator, alice, wizard_data, fields, disks, field, message
):
    f = form(cluster, creator, wizard_data(disks=disks, **fields))
    assert not f.is_valid()
    errors = " ".join(f.errors.get(field or "__all__", []))
    assert message in errors, f.errors


def test_a_policy_with_several_ranges_accepts_a_vm_in_any_of_them(cluster, creator, wizard_data):
    info = cluster.info
    small = {"memory-size": 128, "cpu-count": 1, "disk-count": 1, "disk-size": 1024, "nic-count": 1}
    info["ipolicy"]["minmax"] = [
        {"min": small, "max": {**small, "memory-size": 1024, "cpu-count": 2}},
        {"min": {**small, "memory-size": 4096}, "max": {**small, "memory-size": 65536}},
    ]
    Cluster.objects.filter(pk=cluster.pk).update(info=info)
    cluster.refresh_from_db()
    assert form(cluster, creator, wizard_data(memory="1G")).is_valid()
    assert form(cluster, creator, wizard_data(memory="8G")).is_valid()
    f = form(cluster, creator, wizard_data(memory="2G"))
    assert "at most 1 GiB" in str(f.errors["memory"])  # the first range's bound


def test_a_template_the_policy_forbids_is_not_offered(cluster, creator, wizard_data):
    info = cluster.info
    info["ipolicy"]["disk-templates"] = ["file", "drbd"]
    Cluster.objects.filter(pk=cluster.pk).update(info=info)
    cluster.refresh_from_db()
    f = form(cluster, creator, wizard_data())
    assert [c for c, _ in f.fields["disk_template"].choices] == ["file", "drbd"]
    assert "disk_template" in f.errors


def test_no_os_list_yet_says_so(cluster, creator, wizard_data):
    Cluster.objects.filter(pk=cluster.pk).update(operating_systems=[])
    cluster.refresh_from_db()
    f = form(cluster, creator, wizard_data())
    assert "has not read this cluster's OS list yet" in " ".join(f.errors["os"])


def test_nics_disks_and_placement_are_sent_as_given(cluster, creator, wizard_data):
    Cluster.objects.filter(pk=cluster.pk).update(
        networks=[{"name": "vlan100", "network": "192.0.2.0/24"}]
    )
    cluster.refresh_from_db()
    data = wizard_data(
        disk_template="drbd",
        snode="node2.sim.test",
        disks=("10G", "1.5T"),
        nics=({"network": "vlan100", "ip": "pool"}, {"mode": "bridged", "link": "br1"}),
        memory="2G",
        minmem="1G",
    )
    data["disk-1-size"] = "512G"
    f = form(cluster, creator, data)
    assert f.is_valid(), f.errors
    allocation = f.allocation()
    assert allocation["disks"] == [{"size": 10240}, {"size": 524288}]
    assert allocation["nics"] == [
        {"network": "vlan100", "ip": "pool"},
        {"mode": "bridged", "link": "br1"},
    ]
    assert (allocation["pnode"], allocation["snode"]) == ("node1.sim.test", "node2.sim.test")
    assert allocation["beparams"] == {"maxmem": 2048, "minmem": 1024, "vcpus": 1}


@pytest.mark.parametrize(
    "nic, field, message",
    [
        ({"mac": "aa:bb"}, "mac", "six pairs"),
        ({"mac": "zz:00:00:00:00:01"}, "mac", "hexadecimal"),
        ({"ip": "pool"}, "ip", "Only a Ganeti network has a pool"),
        ({"network": "vlan100", "link": "br0"}, "network", "not both"),
    ],
)
def test_nic_mistakes_are_shown_on_their_row(cluster, creator, wizard_data, nic, field, message):
    Cluster.objects.filter(pk=cluster.pk).update(networks=[{"name": "vlan100"}])
    cluster.refresh_from_db()
    f = form(cluster, creator, wizard_data(nics=(nic,)))
    assert not f.is_valid()
    assert message in str(f.nics.forms[0].errors[field])


def test_iallocator_and_hypervisor_parameters(cluster, creator, wizard_data):
    f = form(
        cluster,
        creator,
        wizard_data(
            hypervisor="kvm",
            use_iallocator="on",
            hv_kvm_boot_order="cdrom",
            hv_kvm_cdrom_image_path="/srv/iso/debian.iso",
            hv_kvm_serial_console="true",  # the cluster's value: not sent
        ),
    )
    assert f.is_valid(), f.errors
    allocation = f.allocation()
    assert allocation["iallocator"] == cluster.info["default_iallocator"]
    assert "pnode" not in allocation
    assert allocation["hvparams"] == {
        "boot_order": "cdrom",
        "cdrom_image_path": "/srv/iso/debian.iso",
    }
    assert ("Hypervisor parameters", "boot_order=cdrom, cdrom_image_path=/srv/iso/debian.iso") in (
        f.summary()
    )


def test_several_names_from_a_pattern(cluster, creator, wizard_data):
    f = form(cluster, creator, wizard_data(name="web{n:02d}.sim.test", count="3", first_number="9"))
    assert f.is_valid(), f.errors
    assert f.cleaned_data["names"] == ["web09.sim.test", "web10.sim.test", "web11.sim.test"]
    assert names_from_pattern("a{n}", 2, 0) == ["a0", "a1"]


def test_sizes():
    assert [parse_size(t) for t in ("10G", "512M", "512 MiB", "1.5T", "2048", "1gb")] == [
        10240,
        512,
        512,
        1572864,
        2048,
        1024,
    ]
    for bad in ("", "ten", "-1G", "0.5M", "1X"):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert [format_mib(n) for n in (100, 1024, 1536, 1048576)] == [
        "100 MiB",
        "1 GiB",
        "1.5 GiB",
        "1 TiB",
    ]
