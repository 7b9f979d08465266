"""The job list's search, filters and chips: the semantics of every list (core.listing)."""

import pytest
from django.contrib.auth.models import User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(db):
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    b = Cluster.objects.create(slug="ab", hostname="127.0.0.1", port=1)
    dana = User.objects.create_user("dana")
    Job.objects.create(cluster=a, job_id=7, action="vm.reboot", target_name="web1")
    Job.objects.create(cluster=a, job_id=8, action="vm.start", target_name="db1", requested_by=dana)
    Job.objects.create(
        cluster=b, job_id=9, action="vm.start", status="error", finished=True, target_name="web2"
    )


def ids(response):
    return [job.job_id for job in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"cluster": "a"}, [8, 7]),  # exact: not "ab"
        ({"cluster": "ab"}, [9]),
        ({"status": "active"}, [8, 7]),
        ({"status": "error"}, [9]),
        ({"q": "web"}, [9, 7]),
        ({"q": "reboot"}, [7]),
        ({"q": "dana"}, [8]),
        ({"q": "9"}, [9]),
        ({"q": "start", "cluster": "a"}, [8]),
    ],
)
def test_search_and_filters(admin_client, jobs, query, expected):
    response = admin_client.get("/jobs/", query)
    assert ids(response) == expected


def test_the_cluster_is_chosen_from_a_list(admin_client, jobs):
    response = admin_client.get("/jobs/", {"cluster": "nosuch"})
    assert response.context["query"].errors == [
        "Cluster: no 'nosuch' here; choose one of the list."
    ]
    assert '<select id="list-cluster" name="cluster">' in response.content.decode()


def test_chips_and_sorting(admin_client, jobs):
    response = admin_client.get("/jobs/", {"status": "active", "sort": "created"})
    assert ids(response) == [7, 8]
    [chip] = response.context["query"].chips
    assert (chip.label, chip.value, chip.drop) == ("Status", "not finished", "?sort=created")


def test_a_clusters_tab_fixes_its_cluster(admin_client, jobs):
    response = admin_client.get("/clusters/a/jobs/", {"q": "start"})
    assert ids(response) == [8]
    assert "cluster" not in {item.key for item, _v, _c in response.context["query"].fields}
