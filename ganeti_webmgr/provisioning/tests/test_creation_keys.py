"""The requester's SSH keys in the create job's OS parameters, through the action layer."""

import pytest
from django.contrib.auth.models import Group

from ganeti_webmgr.accounts.models import SshKey
from ganeti_webmgr.accounts.sshkeys import parse
from ganeti_webmgr.accounts.tests.keys import ECDSA_256, ED25519, RSA_2048
from ganeti_webmgr.actions import service
from ganeti_webmgr.testing.worker import run_once
from ganeti_webmgr.vmkeys import mapping
from ganeti_webmgr.vmkeys.models import KeyParameter

pytestmark = pytest.mark.django_db(transaction=True)


def add_key(user, line, name):
    key = parse(line)
    return SshKey.objects.create(user=user, name=name, key=key.line, fingerprint=key.fingerprint)


@pytest.fixture
def keys(creator):
    """The creator's two keys, the Ed25519 one added first."""
    return [add_key(creator, ED25519[0], "laptop").key, add_key(creator, RSA_2048[0], "desk").key]


@pytest.fixture
def mapped(client, alice, cluster, simulator):
    """map(os, parameter, layout="lines"): saved on the settings page as an admin."""
    simulator.cluster.os_parameters["noop"] = [["ssh_key", "authorized_keys lines for root"]]

    def save(os="noop", parameter="ssh_key", layout="lines"):
        client.force_login(alice)
        data = {"form": "map", "os": os, "parameter": parameter, "layout": layout}
        response = client.post(f"/clusters/{cluster.slug}/ssh-keys", data)
        assert response.status_code == 302, response.content.decode()
        client.logout()

    return save


def created(simulator, path="/2/instances"):
    """The creation requests sent (not the mapping's dry-run checks)."""
    return [
        r.body
        for r in simulator.requests
        if r.method == "POST" and r.path == path and "dry-run" not in r.query
    ]


def test_the_requesters_keys_go_into_the_mapped_os_parameter(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped()
    service.request(creator, "vm.create", cluster, wizard_data())
    run_once()
    (body,) = created(simulator)
    assert body["os_type"] == "noop+default"
    assert body["osparams"] == {"ssh_key": "\n".join(keys)}
    assert simulator.cluster.meta["new1.sim.test"].osparams == {"ssh_key": "\n".join(keys)}


def test_a_mapping_may_send_the_first_key_only(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped(layout="first")
    service.request(creator, "vm.create", cluster, wizard_data())
    run_once()
    (body,) = created(simulator)
    assert body["osparams"] == {"ssh_key": keys[0]}


def test_a_mapping_may_send_them_comma_separated(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped(layout="commas")
    service.request(creator, "vm.create", cluster, wizard_data())
    run_once()
    (body,) = created(simulator)
    assert body["osparams"] == {"ssh_key": ",".join(" ".join(k.split()[:2]) for k in keys)}
    assert "laptop" not in body["osparams"]["ssh_key"]


def test_a_variants_mapping_wins_over_its_oss(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    simulator.cluster.os_parameters["noop"].append(["root_key", "one key"])
    mapped("noop", "ssh_key")
    mapped("noop+minimal", "root_key", layout="first")
    service.request(creator, "vm.create", cluster, wizard_data(os="noop+minimal"))
    run_once()
    (body,) = created(simulator)
    assert body["osparams"] == {"root_key": keys[0]}


def test_every_vm_of_a_multi_creation_gets_the_keys(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped()
    data = wizard_data(name="web{n}.sim.test", count="2", use_iallocator="on")
    service.request(creator, "vm.create", cluster, data)
    run_once(rounds=4)
    (body,) = created(simulator, "/2/instances-multi-alloc")
    assert [i["osparams"] for i in body["instances"]] == [{"ssh_key": "\n".join(keys)}] * 2


def test_the_requesters_keys_not_the_owner_groups(
    creator, cluster, simulator, keys, mapped, wizard_data, bob
):
    team = Group.objects.create(name="team")
    team.user_set.add(creator, bob)
    add_key(bob, ECDSA_256[0], "bobs")
    mapped()
    service.request(creator, "vm.create", cluster, wizard_data(owner="group:team"))
    run_once()
    (body,) = created(simulator)
    assert body["osparams"] == {"ssh_key": "\n".join(keys)}


def test_an_os_without_a_mapping_gets_no_keys(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped()
    service.request(creator, "vm.create", cluster, wizard_data(os="debootstrap+default"))
    run_once()
    (body,) = created(simulator)
    assert "osparams" not in body


def test_a_user_without_keys_sends_none(creator, cluster, simulator, mapped, wizard_data):
    mapped()
    service.request(creator, "vm.create", cluster, wizard_data())
    run_once()
    (body,) = created(simulator)
    assert "osparams" not in body


def test_a_parameter_the_os_no_longer_declares_is_refused_at_creation(
    creator, cluster, simulator, keys, mapped, wizard_data
):
    mapped()
    simulator.cluster.os_parameters["noop"] = []  # a new version of the OS definition
    assert mapping.refresh(cluster) == [
        "noop: The OS noop does not declare a parameter 'ssh_key' (Ganeti: The following "
        "parameters are not supported by the OS noop: ssh_key)."
    ]
    with pytest.raises(service.Invalid) as refused:
        service.request(creator, "vm.create", cluster, wizard_data())
    assert "puts your SSH keys in the OS parameter 'ssh_key'" in str(refused.value)
    assert "noop did not declare" in str(refused.value)
    assert created(simulator) == []
    assert not KeyParameter.objects.get().is_declared


def test_the_wizard_says_so_too(client, creator, cluster, simulator, keys, mapped, wizard_data):
    mapped()
    KeyParameter.objects.update(declared=[])
    client.force_login(creator)
    response = client.post("/clusters/sim/create-vm", wizard_data(action="create"))
    assert b"puts your SSH keys in the OS parameter" in response.content
    assert created(simulator) == []


def test_the_review_says_where_the_keys_go(client, creator, cluster, keys, mapped, wizard_data):
    mapped()
    client.force_login(creator)
    page = client.post("/clusters/sim/create-vm", wizard_data(action="review")).content.decode()
    assert "SSH keys" in page and "yours, in the OS parameter ssh_key" in page
    page = client.post(
        "/clusters/sim/create-vm", wizard_data(action="review", os="debootstrap+default")
    ).content.decode()
    assert "yours, in the OS parameter" not in page
