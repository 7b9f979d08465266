"""Two requests at a quota's edge at the same moment: exactly one passes, on every
database the suite runs on (tests/suites.py runs this on PostgreSQL and MariaDB too).

Each request runs in a thread of its own, so on a connection of its own. The usage
read is made slow (it sleeps after reading), so that without the owner's lock both
would read the same usage before either had written its reservation.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.create import CreateVMsForm
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.quotas.models import Quota, Reservation
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster(synced_cluster, own_vms, bob):
    cluster = synced_cluster
    set_permissions(cluster, bob, ["create_vm"])
    # stopped: 4096 and 512 MiB
    own_vms(bob, "inst4.sim.test", "inst5.sim.test", grant=["power", "modify"])
    return Cluster.objects.get(pk=cluster.pk)


@pytest.fixture
def slow_usage(monkeypatch):
    read = usage.used

    def slow(*args, **kwargs):
        found = read(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(usage, "used", slow)


def at_once(*requests) -> list[str]:
    """Run the requests in threads released together; "ok" or the refusal's class."""
    barrier = threading.Barrier(len(requests))
    results: list[str] = [""] * len(requests)

    def run(index, work):
        try:
            barrier.wait()
            work()
            results[index] = "ok"
        except service.Refused as refused:
            results[index] = type(refused).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_creates_at_the_edge_one_passes(cluster, bob, wizard_data, slow_usage):
    Quota.objects.create(cluster=cluster, owner_user=bob, vms=3)  # bob owns 2

    def create(name):
        def work():
            data = wizard_data(owner="user:bob", name=name)
            form = CreateVMsForm(cluster, data, user=bob)
            service.request(bob, "vm.create", cluster, form=form)

        return work

    results = at_once(create("a1.sim.test"), create("a2.sim.test"))
    assert sorted(results) == ["OverQuota", "ok"]
    assert Reservation.objects.filter(owner_user=bob).count() == 1


def test_two_starts_at_the_edge_one_passes(cluster, bob, slow_usage):
    # Room for one more: 512 MiB; both ask for inst5's 512 MiB (two requests).
    Quota.objects.create(cluster=cluster, owner_user=bob, ram=512)
    inst5 = VirtualMachine.objects.select_related("cluster").get(name="inst5.sim.test")

    def start():
        service.request(bob, "vm.start", inst5, {})

    assert sorted(at_once(start, start)) == ["OverQuota", "ok"]


def test_two_modifies_at_the_edge_one_passes(cluster, bob, slow_usage):
    Quota.objects.create(cluster=cluster, owner_user=bob, disk=2048)  # 1024 in use (inst4)
    inst4 = VirtualMachine.objects.select_related("cluster").get(name="inst4.sim.test")

    def grow():
        service.request(bob, "vm.modify", inst4, {"add_disk": "1024"})

    assert sorted(at_once(grow, grow)) == ["OverQuota", "ok"]
