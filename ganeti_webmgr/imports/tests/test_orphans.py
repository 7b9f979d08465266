"""Give VMs without an owner one, in bulk (the bulk owner action, its result page)."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db

URL = "/clusters/sim/import/vms/orphans"


def test_the_list_shows_vms_without_owner_only(client, synced, admin_of):
    VirtualMachine.objects.filter(name="inst1.sim.test").update(
        owner_user=User.objects.create_user("dave")
    )
    client.force_login(admin_of(synced))
    names = [row.obj.name for row in client.get(URL).context["rows"]]
    assert len(names) == 9 and "inst1.sim.test" not in names


def test_it_assigns_an_owner_per_vm_with_a_tag_job_each(client, synced, admin_of, simulator):
    team = Group.objects.create(name="team")
    admin = admin_of(synced)
    client.force_login(admin)
    simulator.reset_records()
    response = client.post(
        URL, {"name": ["inst2.sim.test", "inst3.sim.test"], "owner": "group:team"}
    )
    assert response.status_code == 200
    assert response.context["action"] == "Change owner"
    assert [(o.vm.name, o.error) for o in response.context["outcomes"]] == [
        ("inst2.sim.test", ""),
        ("inst3.sim.test", ""),
    ]
    assert response.context["back"] == URL
    assert {
        vm.owner
        for vm in VirtualMachine.objects.filter(name__in=["inst2.sim.test", "inst3.sim.test"])
    } == {team}
    assert Job.objects.filter(requested_by=admin).count() == 2
    assert Entry.objects.filter(action="vm.owner").count() == 2
    assert Job.objects.filter(action="vm.tags", status="submitting").count() == 2


def test_a_vm_that_has_an_owner_meanwhile_is_refused(client, synced, admin_of):
    dave = User.objects.create_user("dave")
    VirtualMachine.objects.filter(name="inst1.sim.test").update(owner_user=dave)
    client.force_login(admin_of(synced))
    response = client.post(URL, {"name": ["inst1.sim.test"], "owner": "nobody"})
    assert "No longer without an owner" in response.content.decode()
    assert VirtualMachine.objects.get(name="inst1.sim.test").owner == dave


@pytest.mark.parametrize(
    ("owner", "error"),
    [("", "Owner: write user:NAME"), ("user:ghost", "no such user"), ("tag", "no such user")],
)
def test_a_bad_owner_changes_nothing(client, synced, admin_of, owner, error):
    client.force_login(admin_of(synced))
    response = client.post(URL, {"name": ["inst1.sim.test"], "owner": owner})
    assert error in response.content.decode()
    assert 'aria-label="select inst1.sim.test" checked' in response.content.decode()
    assert not Job.objects.exists() and not Entry.objects.filter(action="vm.owner").exists()


def test_others_may_not(client, synced, vm_holder, charlie, make_cluster, simulator, admin_of):
    other_admin = admin_of(make_cluster(simulator, slug="other"), "otheradmin")
    data = {"name": ["inst1.sim.test"], "owner": "nobody"}
    for user, status in ((charlie, 404), (other_admin, 404), (vm_holder, 403)):
        client.force_login(user)
        assert client.get(URL).status_code == status
        assert client.post(URL, data).status_code == status
    assert not Entry.objects.filter(action="vm.owner").exists()
