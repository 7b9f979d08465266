"""Pages stay right after an action: a rename moves the page and its polls, a delete
takes the VM off the lists (its page stays, for its log)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.inventory import sync
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)
OLD, NEW = "/clusters/sim/vms/inst2.sim.test/", "/clusters/sim/vms/web2.sim.test/"


@pytest.fixture
def stopped(simulator, make_cluster):
    """inst2, stopped, and its admin."""
    with simulator.cluster.lock:
        simulator.cluster.instances["inst2.sim.test"]["admin_state"] = "down"
        simulator.cluster.instances["inst2.sim.test"]["oper_state"] = False
        simulator.cluster.instances["inst2.sim.test"]["status"] = "ADMIN_down"
    sync.sync_cluster(make_cluster(simulator))
    vm = VirtualMachine.objects.select_related("cluster").get(name="inst2.sim.test")
    user = User.objects.create_user("vmadmin")
    set_permissions(vm, user, ["admin"])
    return vm, user


def test_a_rename_moves_the_page_and_its_polls(client, stopped, simulator, run_worker):
    vm, user = stopped
    client.force_login(user)
    client.post(OLD + "rename", {"new_name": "web2.sim.test"})
    assert client.get(OLD + "status").status_code == 200  # not renamed yet: same page
    run_worker()
    assert "web2.sim.test" in simulator.cluster.instances
    poll = client.get(OLD + "status", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Redirect"] == NEW
    jobs_poll = client.get(OLD + "jobs", headers={"HX-Request": "true"})
    assert jobs_poll["HX-Redirect"] == NEW
    page = client.get(OLD)
    assert page.status_code == 302 and page.url == NEW
    assert client.get(NEW).status_code == 200
    assert VirtualMachine.objects.get(pk=vm.pk).name == "web2.sim.test"
    # Someone who may not see it learns nothing from the old address.
    client.force_login(User.objects.create_user("outsider"))
    assert client.get(OLD).status_code == 404
    # Nor does an action posted to the old address do anything.
    client.force_login(user)
    assert client.post(OLD + "start").status_code == 404


def test_a_deleted_vm_leaves_the_lists_and_keeps_its_page(
    client, stopped, simulator, run_worker, make_cluster
):
    vm, user = stopped
    client.force_login(user)
    client.post(OLD + "remove", {"confirm_name": "inst2.sim.test"})
    run_worker()
    vm.refresh_from_db()
    assert vm.removed_at is not None and vm.missing
    listed = [v.name for v in client.get("/vms/").context["page"].object_list]
    assert "inst2.sim.test" not in listed
    gone = client.get("/vms/", {"state": "missing"}).context["page"].object_list
    assert "inst2.sim.test" not in [v.name for v in gone]
    root = User.objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(root)
    overview = client.get("/clusters/sim/import/")
    assert b"inst2.sim.test" not in overview.content
    page = client.get(OLD)
    assert page.status_code == 200 and b"This VM was deleted on" in page.content
    assert Job.objects.get(action="vm.remove").status == "success"
    # Ganeti has a VM of that name again: it is listed again.
    simulator.cluster.add_instance("inst2.sim.test", "node1.sim.test")
    sync.sync_cluster(vm.cluster)
    assert VirtualMachine.objects.get(pk=vm.pk).removed_at is None
