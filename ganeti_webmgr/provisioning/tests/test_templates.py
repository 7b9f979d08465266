"""VM templates: saved from the wizard, listed, viewed, edited, copied, deleted, made
from a VM, and used to fill the wizard in."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.provisioning.models import VMTemplate
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db
NEW = "/clusters/sim/templates/new"


@pytest.fixture
def admin(cluster):
    user = User.objects.create_user("cadmin")
    set_permissions(cluster, user, ["admin"])
    return user


@pytest.fixture
def template(cluster, admin):
    return VMTemplate.objects.create(
        cluster=cluster,
        name="small",
        values={
            "hypervisor": "kvm",
            "os": "noop+minimal",
            "disk_template": "file",
            "memory": "2G",
            "vcpus": "2",
            "nic_count": "1",
            "pnode": "node2.sim.test",
            "start": False,
            "hv_kvm_boot_order": "cdrom",
            "disks": [{"size": "20G"}],
            "nics": [{"mode": "routed", "link": "rt0"}],
        },
        created_by=admin,
    )


def test_saving_the_wizards_values_as_a_template(client, admin, wizard_data):
    client.force_login(admin)
    data = wizard_data(disk_template="file", disks=("15G",), memory="3G", owner="user:cadmin")
    form = client.post(NEW, data).context["form"]  # from the wizard: filled in, to be named
    assert form["memory"].value() == "3G" and form.disks.forms[0]["size"].value() == "15G"
    assert not form.is_bound
    response = client.post(NEW, {**data, "template_name": "web", "template_description": "Web"})
    template = VMTemplate.objects.get()
    assert response.url == f"/clusters/sim/templates/{template.pk}/"
    assert template.values["memory"] == "3G" and template.values["disks"] == [{"size": "15G"}]
    assert not {"owner", "name", "count", "template_name"} & set(template.values)
    assert template.created_by == admin
    assert Entry.objects.filter(action="template.create").count() == 1


def test_the_template_name_is_unique_per_cluster(client, admin, template, wizard_data):
    client.force_login(admin)
    page = client.post(NEW, {**wizard_data(), "template_name": "small"})
    assert "has a template named 'small' already" in page.context["form"].errors["template_name"][0]
    assert VMTemplate.objects.count() == 1


def test_a_template_fills_the_wizard_in(client, admin, template):
    client.force_login(admin)
    page = client.get(f"/clusters/sim/create-vm?template={template.pk}")
    form = page.context["form"]
    assert not form.is_bound
    assert form["hypervisor"].value() == "kvm" and form["memory"].value() == "2G"
    assert form["hv_kvm_boot_order"].value() == "cdrom"
    assert form.disks.forms[0]["size"].value() == "20G"
    assert form.nics.forms[0]["link"].value() == "rt0"
    assert b"Filled in from the template" in page.content


def test_the_page_shows_what_the_template_makes(client, admin, template):
    client.force_login(admin)
    page = client.get(f"/clusters/sim/templates/{template.pk}/")
    summary = dict(page.context["summary"])
    assert summary["Memory"] == "2 GiB" and summary["Disks"] == "20 GiB"
    assert summary["Hypervisor parameters"] == "boot_order=cdrom"
    Cluster.objects.filter(pk=template.cluster_id).update(operating_systems=["noop+default"])
    page = client.get(f"/clusters/sim/templates/{template.pk}/")
    assert b"no longer fits the cluster" in page.content


def test_editing_a_template(client, admin, template):
    client.force_login(admin)
    url = f"/clusters/sim/templates/{template.pk}/edit"
    form = client.get(url).context["form"]
    data = {bound.html_name: bound.value() for bound in form if bound.value() not in (None, False)}
    for formset in (form.disks, form.nics):
        data.update({f.html_name: f.value() for f in formset.management_form})
        for row in formset:
            data.update({f.html_name: f.value() for f in row if f.value()})
    data.update(memory="4G", template_name="medium")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    template.refresh_from_db()
    assert (template.name, template.values["memory"]) == ("medium", "4G")
    assert Entry.objects.filter(action="template.edit").count() == 1


def test_copying_and_deleting(client, admin, template):
    client.force_login(admin)
    client.post(f"/clusters/sim/templates/{template.pk}/copy")
    client.post(f"/clusters/sim/templates/{template.pk}/copy")
    names = sorted(VMTemplate.objects.values_list("name", flat=True))
    assert names == ["small", "small (copy)", "small (copy) 2"]
    copy = VMTemplate.objects.get(name="small (copy)")
    assert copy.values == template.values
    assert client.get(f"/clusters/sim/templates/{copy.pk}/delete").status_code == 200
    assert VMTemplate.objects.filter(pk=copy.pk).exists()  # GET only asks
    client.post(f"/clusters/sim/templates/{copy.pk}/delete")
    assert not VMTemplate.objects.filter(pk=copy.pk).exists()
    assert Entry.objects.filter(action="template.delete").count() == 1


def test_a_template_from_a_vm(client, admin, simulator):
    simulator.cluster.instances["inst2.sim.test"]["custom_hvparams"]["boot_order"] = "network"
    client.force_login(admin)
    response = client.post("/clusters/sim/vms/inst2.sim.test/template")
    template = VMTemplate.objects.get()
    assert response.url == f"/clusters/sim/templates/{template.pk}/edit"
    vm = VirtualMachine.objects.get(name="inst2.sim.test")
    values = template.values
    assert (values["hypervisor"], values["os"], values["disk_template"]) == (
        "kvm",
        vm.os,
        vm.disk_template,
    )
    assert values["vcpus"] == vm.vcpus and values["nic_count"] == 1
    assert values["nics"] == [{"mode": "bridged", "link": "br0"}]
    assert template.name == "like inst2.sim.test"


def test_creators_see_and_use_templates_but_do_not_change_them(
    client, creator, template, make_cluster, simulator
):
    other = make_cluster(simulator, "other")
    VMTemplate.objects.create(cluster=other, name="secret")
    client.force_login(creator)
    page = client.get("/templates/")
    assert [t.name for t in page.context["templates"]] == ["small"]
    assert client.get(f"/clusters/sim/templates/{template.pk}/").status_code == 200
    assert client.get("/clusters/other/templates/").status_code == 404
    for url in ("edit", "copy", "delete"):
        method = client.get if url == "edit" else client.post
        assert method(f"/clusters/sim/templates/{template.pk}/{url}").status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post("/clusters/sim/vms/inst1.sim.test/template").status_code in (403, 404)
    assert VMTemplate.objects.count() == 2
