import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_it_shows_the_dashboard(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 200
    assert b"<h1>Dashboard</h1>" in response.content
    assert b"Log out" in response.content


def test_it_rejects_post(admin_client):
    assert admin_client.post("/").status_code == 405


def test_it_summarises_each_visible_cluster(client, simulator, make_cluster):
    from django.contrib.auth.models import User

    from ganeti_webmgr.inventory import sync
    from ganeti_webmgr.permissions.grants import set_permissions

    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    make_cluster(simulator, "hidden")
    admin = User.objects.create_user("cadmin")
    set_permissions(cluster, admin, ["admin"])
    client.force_login(admin)
    page = client.get("/")
    [summary] = page.context["clusters"]
    assert summary.cluster == cluster and summary.vms == 10
    assert summary.running == sum(
        1 for i in simulator.cluster.instances.values() if i["status"] == "running"
    )
    memory = summary.capacity[0]
    nodes = simulator.cluster.nodes.values()
    assert memory.total == sum(n["mtotal"] for n in nodes)
    assert memory.used == memory.total - sum(n["mfree"] for n in nodes)
    assert b'role="meter"' in page.content
    vcpus = summary.capacity[2]
    running = [i for i in simulator.cluster.instances.values() if i["status"] == "running"]
    assert vcpus.used == sum(i["beparams"]["vcpus"] for i in running)
    assert vcpus.total == sum(int(n["ctotal"]) for n in nodes)
    assert f"{vcpus.used} on {vcpus.total} CPUs, <strong>{vcpus.ratio}</strong>" in (
        page.content.decode()
    )


def test_vm_users_get_counts_but_no_capacity(client, simulator, make_cluster):
    from django.contrib.auth.models import User

    from ganeti_webmgr.inventory import sync
    from ganeti_webmgr.permissions.grants import set_permissions
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    user = User.objects.create_user("vmuser")
    vm = VirtualMachine.objects.get(name="inst1.sim.test")
    set_permissions(vm, user, ["power"])
    VirtualMachine.objects.filter(pk=vm.pk).update(owner_user=user)
    client.force_login(user)
    page = client.get("/")
    [summary] = page.context["clusters"]
    assert summary.vms == 1 and summary.capacity == []
    assert [v.name for v in page.context["own_vms"]] == ["inst1.sim.test"]


def test_failed_jobs_show_until_acknowledged(admin_client, simulator, make_cluster):
    from ganeti_webmgr.jobs.models import Job

    cluster = make_cluster(simulator)
    Job.objects.create(
        cluster=cluster,
        job_id=5,
        status="error",
        finished=True,
        error_class="OpPrereqError",
        error_message="no way",
    )
    assert b"OpPrereqError: no way" in admin_client.get("/").content
    Job.objects.filter(job_id=5).update(acknowledged=True)
    assert b"OpPrereqError: no way" not in admin_client.get("/").content


def test_its_query_count_does_not_grow_with_clusters(
    admin_client, simulator, make_cluster, django_assert_max_num_queries
):
    for n in range(5):
        make_cluster(simulator, f"c{n}")
    with django_assert_max_num_queries(12):
        admin_client.get("/")


def test_an_overcommitted_bar_stays_a_valid_meter():
    from ganeti_webmgr.core.dashboard import Capacity

    bar = Capacity("vCPUs per CPU", used=10, total=4, unit="")
    assert (bar.percent, bar.width, bar.maximum) == (250, 100, 10)
    normal = Capacity("Memory", used=512, total=2048, unit="MiB")
    assert (normal.percent, normal.width, normal.maximum) == (25, 25, 2048)


def test_overcommit_is_a_ratio():
    from ganeti_webmgr.core.dashboard import Capacity

    assert Capacity("vCPUs", used=602, total=80, unit="CPU").ratio == "7.5:1"
    assert Capacity("vCPUs", used=80, total=80, unit="CPU").ratio == "1:1"
    assert Capacity("vCPUs", used=3, total=0, unit="CPU").ratio == ""
