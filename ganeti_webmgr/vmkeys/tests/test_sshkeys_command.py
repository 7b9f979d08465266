"""gwm-manage sshkeys: the settings page's work, scripted."""

import pytest
from django.core.management import CommandError, call_command

from ganeti_webmgr.audit.models import Entry
from ganeti_webmgr.inventory import sync
from ganeti_webmgr.vmkeys.models import KeyFeed, KeyParameter


@pytest.fixture
def cluster(simulator, make_cluster):
    simulator.cluster.os_parameters["noop"] = [["ssh_key", "keys for root"]]
    cluster = make_cluster(simulator)
    sync.sync_cluster(cluster)
    cluster.refresh_from_db()
    return cluster


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("sshkeys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_map_list_check_unmap(cluster, simulator):
    assert run("map", "sim", "noop", "ssh_key", "--keys", "first") == (
        "keys go into ssh_key of noop on sim\n"
    )
    assert run("list", "sim") == "noop\tssh_key\tfirst\tdeclared\n"
    assert run("check", "sim") == "every mapping's OS declares its parameter\n"
    simulator.cluster.os_parameters["noop"] = []
    with pytest.raises(CommandError, match="1 mapping"):
        run("check", "sim")
    assert run("list", "sim") == "noop\tssh_key\tfirst\tNOT DECLARED\n"
    run("unmap", "sim", "noop")
    assert not KeyParameter.objects.exists()
    assert Entry.objects.filter(action="cluster.ssh_keys").count() == 2


def test_map_refuses_what_the_os_does_not_declare(cluster):
    with pytest.raises(CommandError, match="does not declare a parameter 'ssh_key'"):
        run("map", "sim", "debootstrap", "ssh_key")
    with pytest.raises(CommandError, match="no cluster named 'nope'"):
        run("map", "nope", "noop", "ssh_key")
    assert not KeyParameter.objects.exists()


def test_token_rotate_prints_a_new_token(cluster, client):
    first = run("token", "rotate", "sim").strip()
    second = run("token", "rotate", "sim").strip()
    assert first != second and KeyFeed.objects.get().matches(second)
    assert client.get(f"/clusters/sim/keys/{first}").status_code == 404
    assert client.get(f"/clusters/sim/keys/{second}").status_code == 200
