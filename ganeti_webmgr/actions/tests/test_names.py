"""Ganeti's name rules, checked before anything is recorded: a rename never sends a
name Ganeti, DNS or GWM's own pages could not take."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import User

from ganeti_webmgr.actions import service
from ganeti_webmgr.actions.validators import ganeti_name
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.virtual_machines.models import VirtualMachine


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("web1.example.org", "web1.example.org"),
        ("  Web1.Example.ORG.  ", "web1.example.org"),  # as Ganeti stores it
        ("a" * 63 + ".example.org", "a" * 63 + ".example.org"),
        ("x-1", "x-1"),
    ],
)
def test_good_names_are_normalised(text, name):
    assert ganeti_name(text) == name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a" * 100_000, "At most 253 characters (100,000 given)."),
        (".".join(["abcdefghi"] * 26), "At most 253 characters (259 given)."),
        ("a" * 64 + ".example.org", "at most 63 characters (aaaaaaaaaaaaaaaaaaaa… has 64)"),
        ("web_1.example.org", "letters, digits and hyphens"),
        ("-web.example.org", "no part begins or ends with a hyphen"),
        ("web-.example.org", "no part begins or ends with a hyphen"),
        ("web..example.org", "letters, digits and hyphens"),
        ("", "letters, digits and hyphens"),
        ("web 1", "letters, digits and hyphens"),
        ("wéb.example.org", "letters, digits and hyphens"),
    ],
)
def test_bad_names_say_why(text, message):
    with pytest.raises(forms.ValidationError) as error:
        ganeti_name(text)
    assert message in error.value.messages[0]


@pytest.fixture
def stopped_vm(db):
    cluster = Cluster.objects.create(slug="c", hostname="127.0.0.1", port=1)
    VirtualMachine.objects.create(cluster=cluster, name="taken.example.org")
    return VirtualMachine.objects.create(
        cluster=cluster, name="web1.example.org", admin_state="down", status="ADMIN_down"
    )


def test_a_rename_with_a_huge_name_is_refused_on_its_field(stopped_vm):
    root = User.objects.create_superuser("root", "r@example.org", "pw")
    with pytest.raises(service.Invalid) as invalid:
        service.request(root, "vm.rename", stopped_vm, {"new_name": "a" * 100_000})
    assert invalid.value.form.errors["new_name"] == [
        "Ensure this value has at most 253 characters (it has 100000)."
    ]
    assert len(str(invalid.value)) < 200  # the message never carries the name back
    for name, error in (
        ("taken.example.org", "taken.example.org exists already in this cluster."),
        ("web1.example.org", "That is its name already."),
    ):
        with pytest.raises(service.Invalid) as invalid:
            service.request(root, "vm.rename", stopped_vm, {"new_name": name})
        assert invalid.value.form.errors["new_name"] == [error]
    with pytest.raises(service.Invalid) as invalid:
        service.request(
            root, "vm.rename", stopped_vm, {"new_name": "web2.example.org", "ip_check": "on"}
        )
    assert "only with the name check" in invalid.value.form.errors["ip_check"][0]
    assert not Job.objects.exists()
    job = service.request(
        root, "vm.rename", stopped_vm, {"new_name": "Web2.Example.org", "name_check": "on"}
    )
    assert job.params == {"new_name": "web2.example.org", "name_check": True, "ip_check": False}
