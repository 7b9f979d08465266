"""The grant page in German, the permissions' descriptions too (the models keep them
in English, as auth_permission stores them)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions.descriptions import DESCRIPTIONS
from ganeti_webmgr.permissions.grants import set_permissions
from ganeti_webmgr.virtual_machines.models import VirtualMachine

VM = "/clusters/a/vms/a1/permissions/"


def test_every_declared_description_can_be_translated():
    declared = {text for model in (Cluster, VirtualMachine) for _, text in model._meta.permissions}
    assert declared == DESCRIPTIONS


def test_the_grant_page_is_in_german(client, world, german):
    client.force_login(world.vm_admin)
    text = client.get(VM, **german).content.decode()
    assert "<h1>Berechtigungen auf a1</h1>" in text
    assert "<h2>Wer was darf</h2>" in text
    assert "admin: Die VM verwalten; Berechtigungen darauf erteilen und entziehen" in text
    assert "<td>Benutzer vmadmin</td>" in text


def test_a_grant_says_so_in_german_and_stores_english(client, world, german):
    client.force_login(world.vm_admin)
    data = {"holder_kind": "user", "holder_name": "plain", "permissions": ["power"]}
    page = client.post(VM, data, follow=True, **german)
    assert "Benutzer plain: erteilt: power." in page.content.decode()
    stored = Permission.objects.get(codename="power", content_type__app_label="virtual_machines")
    assert stored.name == "Start, stop, reboot; open the console"
    refused = client.post(VM, {**data, "holder_name": "nobody-here"}, **german)
    assert "Es gibt keinen aktiven Benutzer namens &#x27;nobody-here&#x27;." in (
        refused.content.decode()
    )


@pytest.mark.django_db
def test_a_refused_action_says_so_in_german(client, synced_cluster, german):
    viewer = User.objects.create_user("viewer")
    set_permissions(VirtualMachine.objects.get(name="inst1.sim.test"), viewer, ["tags"])
    client.force_login(viewer)
    response = client.get("/clusters/sim/vms/inst1.sim.test/shutdown", **german)
    assert response.status_code == 403
    assert "Nicht erlaubt: Herunterfahren (inst1.sim.test)." in response.content.decode()
