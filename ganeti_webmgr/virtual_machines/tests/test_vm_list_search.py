"""The VM list's quick search, precise filters and their chips, natural order, and the
address that keeps them (semantics: core.listing, docs/user-guide.rst)."""

import pytest
from django.contrib.auth.models import Group, User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.sorting import name_key
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    """Two clusters; in "a" nodes node2 and node20 (FQDNs), VMs with owners, OSes,
    tags, addresses; "b" has one VM."""
    a = Cluster.objects.create(slug="a", hostname="127.0.0.1", port=1)
    b = Cluster.objects.create(slug="b", hostname="127.0.0.1", port=1)
    node2 = Node.objects.create(cluster=a, name="node2.example.com")
    node20 = Node.objects.create(cluster=a, name="node20.example.com")
    other = Node.objects.create(cluster=b, name="node2.example.org")
    ops = Group.objects.create(name="ops")
    ops_user = User.objects.create_user("ops")  # a user named as the group
    dana = User.objects.create_user("dana")

    def vm(cluster, name, **fields):
        return VirtualMachine.objects.create(cluster=cluster, name=name, **fields)

    vm(
        a,
        "web1",
        primary_node=node2,
        os="debootstrap+default",
        owner_group=ops,
        tags=["web", "prod"],
        tags_text=" prod web ",
        nic_ips=["10.0.0.1"],
        nic_macs=["aa:00:00:00:00:01"],
        status="running",
        disk_size=10240,
        disk_count=1,
    )
    vm(a, "web10", primary_node=node20, os="noop", owner_user=ops_user, status="ADMIN_down")
    vm(
        a,
        "web2",
        primary_node=node20,
        secondary_node=node2,
        os="image+debian-12",
        owner_user=dana,
        tags=["webby"],
        tags_text=" webby ",
        status="ERROR_down",
    )
    vm(a, "gone", missing=True)
    vm(b, "b1", primary_node=other, os="noop", status="running")
    return a


def names(response):
    return [vm.name for vm in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # node: the short name or the full name, exactly; primary or secondary
        ({"node": "node2"}, ["b1", "web1", "web2"]),
        ({"node": "node2.example.com"}, ["web1", "web2"]),
        ({"node": "node20"}, ["web2", "web10"]),
        ({"node": "node"}, []),
        # owner: user:NAME, group:NAME, or bare NAME for either
        ({"owner": "group:ops"}, ["web1"]),
        ({"owner": "user:ops"}, ["web10"]),
        ({"owner": "ops"}, ["web1", "web10"]),
        ({"owner": "dana"}, ["web2"]),
        ({"owner": "da"}, []),
        # os: contains; tag: a whole tag
        ({"os": "debian"}, ["web2"]),
        ({"os": "noop"}, ["b1", "web10"]),
        ({"tag": "web"}, ["web1"]),
        ({"tag": "webby"}, ["web2"]),
        # cluster: exact, from the list of clusters
        ({"cluster": "b"}, ["b1"]),
        # state
        ({"state": "running"}, ["b1", "web1"]),
        ({"state": "stopped"}, ["web10"]),
        ({"state": "error"}, ["web2"]),
        ({"state": "missing"}, ["gone"]),
        # quick search: name, IP, MAC, node, OS, tags, owner
        ({"q": "web1"}, ["web1", "web10"]),
        ({"q": "10.0.0.1"}, ["web1"]),
        ({"q": "AA:00:00:00:00:01"}, ["web1"]),
        ({"q": "node20"}, ["web2", "web10"]),
        ({"q": "debian"}, ["web2"]),
        ({"q": "prod"}, ["web1"]),
        ({"q": "dana"}, ["web2"]),
        ({"q": "ops"}, ["web1", "web10"]),
        # as in the columns it looks in: an address's JSON quotes, a tag's spaces
        ({"q": '"10.0.0'}, ["web1"]),
        ({"q": "prod web"}, ["web1"]),
        # never across two of them (search_text has one per line)
        ({"q": 'web1\n["10.0'}, []),
        # filters combine
        ({"q": "web", "owner": "ops", "state": "running"}, ["web1"]),
    ],
)
def test_each_filter_means_the_same_on_every_list(admin_client, site, query, expected):
    response = admin_client.get("/vms/", query)
    assert response.status_code == 200
    assert names(response) == expected
    if "cluster" not in query:  # the cluster's own list: the same, within the cluster
        in_a = admin_client.get("/clusters/a/vms/", query)
        assert names(in_a) == [n for n in expected if n != "b1"]


def test_an_unknown_cluster_is_an_error_not_an_empty_list(admin_client, site):
    response = admin_client.get("/vms/", {"cluster": "nosuch"})
    assert response.status_code == 200
    error = "Cluster: no 'nosuch' here; choose one of the list."
    assert response.context["query"].errors == [error]
    assert error.replace("'", "&#x27;") in response.content.decode()
    assert names(response) == []


def test_the_cluster_filter_offers_only_clusters_the_user_sees(client, site, bob):
    set_permissions(VirtualMachine.objects.get(name="web1"), bob, ["power"])
    client.force_login(bob)
    response = client.get("/vms/")
    assert response.context["query"].choices["cluster"] == (("a", "a"),)
    assert names(client.get("/vms/", {"cluster": "b"})) == []


def test_names_sort_in_natural_order(admin_client, site):
    for name in ("web100", "Web3", "web02"):
        VirtualMachine.objects.create(cluster=site, name=name)
    response = admin_client.get("/clusters/a/vms/")
    # web02 and web2 are equal in natural order: the name decides
    assert names(response) == ["web1", "web02", "web2", "Web3", "web10", "web100"]
    descending = admin_client.get("/clusters/a/vms/", {"sort": "-name"})
    assert names(descending) == ["web100", "web10", "Web3", "web2", "web02", "web1"]


def test_the_name_key_follows_the_name(site):
    vm = VirtualMachine.objects.get(name="web10")
    assert vm.name_key == name_key("web10") == "web" + "10".zfill(20)
    vm.name = "web9"
    vm.save(update_fields=["name"])
    assert VirtualMachine.objects.get(pk=vm.pk).name_key == name_key("web9")
    assert Node.objects.get(name="node20.example.com").name_key == name_key("node20.example.com")


def test_nodes_sort_in_natural_order_too(admin_client, site):
    response = admin_client.get("/vms/", {"sort": "node", "cluster": "a"})
    assert names(response) == ["web1", "web2", "web10"]


def test_chips_show_each_filter_and_drop_only_it(admin_client, site):
    response = admin_client.get("/vms/", {"q": "web", "owner": "ops", "sort": "-name"})
    chips = {chip.label: chip for chip in response.context["query"].chips}
    assert set(chips) == {"Search", "Owner"}
    assert chips["Owner"].drop == "?q=web&sort=-name"
    assert chips["Search"].drop == "?owner=ops&sort=-name"
    html = response.content.decode()
    assert 'href="?q=web&amp;sort=-name"' in html and "Owner: ops" in html
    assert names(admin_client.get("/vms/" + chips["Owner"].drop)) == ["web10", "web2", "web1"]


def test_a_choice_chip_shows_the_choices_label(admin_client, site):
    response = admin_client.get("/vms/", {"state": "missing"})
    assert [(c.label, c.value) for c in response.context["query"].chips] == [
        ("State", "gone from Ganeti")
    ]


def test_links_keep_filter_sort_page_size_and_columns(admin_client, site):
    response = admin_client.get(
        "/vms/", {"owner": "ops", "sort": "-memory", "per_page": "25", "cols": "name,os"}
    )
    html = response.content.decode()
    query = "owner=ops&amp;sort=-memory&amp;per_page=25&amp;cols=name%2Cos"
    assert f'href="/vms/export?{query}&amp;format=csv"' in html
    # the sort links keep the rest, and flip the direction of the current sort
    assert 'href="?owner=ops&amp;sort=name&amp;per_page=25&amp;cols=name%2Cos"' in html
    assert [c.key for c in response.context["query"].shown] == ["name", "os"]
    assert response.context["page"].paginator.per_page == 25


def test_a_bad_page_size_or_sort_falls_back_and_says_so(admin_client, site):
    response = admin_client.get("/vms/", {"per_page": "7", "sort": "nonsense"})
    assert response.status_code == 200
    assert response.context["page"].paginator.per_page == 50
    assert response.context["query"].errors == [
        "Sort: no column 'nonsense'; the usual order instead."
    ]


def test_a_diskless_vm_says_so(admin_client, site):
    html = admin_client.get("/clusters/a/vms/", {"q": "web1"}).content.decode()
    assert "<td>10240 MiB</td>" in html and "<td>diskless</td>" in html


def test_the_page_selects_all_with_a_static_script(admin_client, site):
    html = admin_client.get("/vms/").content.decode()
    assert 'data-select-all="vm"' in html
    assert "gwm/lists.js" in html
    assert "<script>" not in html
    assert 'value="matching"' in html and "all 4 matching" in html


def test_the_database_orders_name_keys_as_python_does(admin_client, site):
    # A locale's collation weighs punctuation and case its own way (MariaDB's
    # general_ci puts "aab" before "a_b"): the key's column compares bytes everywhere.
    odd = ["a_b", "aab", "a-b", "a.b", "a0b", "A9b", "a10b", "zz"]
    cluster = Cluster.objects.create(slug="odd", hostname="127.0.0.1", port=1)
    for name in odd:
        VirtualMachine.objects.create(cluster=cluster, name=name)
    response = admin_client.get("/clusters/odd/vms/")
    assert names(response) == sorted(odd, key=lambda name: (name_key(name), name))


def test_an_unknown_state_lists_nothing_rather_than_everything(admin_client, site):
    response = admin_client.get("/vms/", {"state": "bogus"})
    assert names(response) == []
    assert response.context["query"].errors == ["State: no 'bogus' here; choose one of the list."]


def test_odd_input_is_no_error_page(admin_client, site):
    for query in ({"q": "web\x001"}, {"node": "\x00"}, {"per_page": "²"}, {"cols": ",,x"}):
        assert admin_client.get("/vms/", query).status_code == 200, query
    assert names(admin_client.get("/vms/", {"q": "web\x001"})) == ["web1", "web10"]
