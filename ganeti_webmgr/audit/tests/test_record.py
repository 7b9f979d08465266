"""audit.record() and the helpers that compute `changes`."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory

from ganeti_webmgr import audit
from ganeti_webmgr.audit.api import MASK
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.jobs.models import Job

pytestmark = pytest.mark.django_db


def request_from(user, remote_addr="192.0.2.10", **headers):
    request = RequestFactory().post("/somewhere", REMOTE_ADDR=remote_addr, **headers)
    request.user = user
    return request


def test_it_records_an_entry_with_its_targets(alice, vm, cluster):
    entry = audit.record(
        "vm.start", actor=alice, targets=[vm, cluster], message="Started vm1.example.org"
    )
    entry.refresh_from_db()
    assert (entry.action, entry.actor, entry.actor_name) == ("vm.start", alice, "alice")
    assert entry.message == "Started vm1.example.org"
    assert entry.time is not None and entry.source_ip is None
    targets = {(t.content_type.model, t.object_pk, t.object_repr) for t in entry.targets.all()}
    assert targets == {
        ("virtualmachine", vm.pk, "vm1.example.org"),
        ("cluster", cluster.pk, "c1"),
    }


def test_it_takes_the_actor_and_address_from_the_request(bob):
    entry = audit.record("profile.edit", request=request_from(bob, "2001:db8::5"), targets=[bob])
    assert (entry.actor, entry.source_ip) == (bob, "2001:db8::5")


def test_an_explicit_actor_wins_over_the_requests_user(alice, bob):
    entry = audit.record("user.edit", actor=alice, request=request_from(bob))
    assert entry.actor == alice


def test_anonymous_requests_have_no_actor():
    entry = audit.record("user.login_failed", request=request_from(AnonymousUser()))
    assert (entry.actor, entry.actor_name, entry.source_ip) == (None, "", "192.0.2.10")


def test_it_ignores_x_forwarded_for_unless_behind_a_proxy(bob, configure):
    configure("web", "behind_tls_proxy", False)
    request = request_from(bob, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert audit.record("user.login", request=request).source_ip == "10.0.0.1"


def test_behind_a_proxy_it_takes_the_address_the_proxy_appended(bob, configure):
    configure("web", "behind_tls_proxy", True)
    # The client may send its own X-Forwarded-For; our proxy appends the real address.
    request = request_from(bob, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7")
    assert audit.record("user.login", request=request).source_ip == "198.51.100.7"


def test_behind_a_proxy_a_mangled_header_falls_back_to_remote_addr(bob, configure):
    configure("web", "behind_tls_proxy", True)
    request = request_from(bob, "10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert audit.record("user.login", request=request).source_ip == "10.0.0.1"


def test_it_refuses_unknown_actions(alice):
    with pytest.raises(ValueError, match=r"unknown audit action 'vm\.strat'"):
        audit.record("vm.strat", actor=alice)
    assert not Entry.objects.exists()


def test_it_refuses_unsaved_targets(alice, cluster):
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    with pytest.raises(ValueError, match="not saved"):
        audit.record("vm.create", actor=alice, targets=[VirtualMachine(cluster=cluster)])
    assert not Entry.objects.exists()  # all or nothing


def test_it_refuses_targets_without_integer_keys(alice):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    session = Session.objects.create(
        session_key="k" * 32, session_data="", expire_date=timezone.now()
    )
    with pytest.raises(TypeError, match="integer keys"):
        audit.record("user.logout", actor=alice, targets=[session])


def test_it_names_each_target_once(alice, vm):
    entry = audit.record("vm.start", actor=alice, targets=[vm, vm, None])
    assert entry.targets.count() == 1


def test_entries_outlive_their_actor_and_targets(bob, vm):
    entry = audit.record("vm.remove", actor=bob, targets=[vm])
    vm.delete()
    bob.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name) == (None, "bob")
    assert Target.objects.get(entry=entry).object_repr == "vm1.example.org"


def test_it_masks_secrets_in_changes_whatever_the_caller_passes(alice):
    entry = audit.record(
        "cluster.edit",
        actor=alice,
        changes={
            "password": ["old-secret", "new-secret"],
            "notify_token_hash": ["aaa", "bbb"],
            "api_key": [None, "k3y"],
            "options": [{"rapi": {"secret": "s1", "port": 1}}, {"rapi": {"secret": "s2"}}],
            "note": ["pbkdf2_sha256$870000$salt$hash", "md5$salt$hash"],
            "ca": ["", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"],
            "hostname": ["a.example.org", "b.example.org"],
        },
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "password": [MASK, MASK],
        "notify_token_hash": [MASK, MASK],
        "api_key": [None, MASK],
        "options": [{"rapi": {"secret": MASK, "port": 1}}, {"rapi": {"secret": MASK}}],
        "note": [MASK, MASK],
        "ca": ["", MASK],
        "hostname": ["a.example.org", "b.example.org"],
    }
    text = str(Entry.objects.filter(pk=entry.pk).values().get())
    for secret in ("old-secret", "new-secret", "k3y", "s1", "s2", "870000", "MIIB"):
        assert secret not in text


def test_snapshot_leaves_secret_fields_out_and_shows_relations_as_text(bob, group):
    bob.groups.add(group)
    values = audit.snapshot(bob, ["username", "password", "email", "groups", "is_active"])
    assert values == {
        "username": "bob",
        "email": "bob@example.org",
        "groups": ["ops"],
        "is_active": True,
    }


def test_snapshot_shows_foreign_keys_by_their_text(vm):
    assert audit.snapshot(vm, ["cluster", "primary_node"]) == {
        "cluster": "c1",
        "primary_node": None,
    }


def test_changes_lists_only_what_differs():
    before = {"name": "a", "email": "x@example.org", "active": True}
    after = {"name": "b", "email": "x@example.org", "active": True, "new": 1}
    assert audit.changes(before, after) == {"name": ["a", "b"], "new": [None, 1]}


def test_a_users_edit_never_logs_the_password_hash(bob):
    fields = ["username", "password", "email"]
    before = audit.snapshot(bob, fields)
    bob.set_password("another-password-2")
    bob.email = "robert@example.org"
    bob.save()
    changes = audit.changes(before, audit.snapshot(User.objects.get(pk=bob.pk), fields))
    assert changes == {"email": ["bob@example.org", "robert@example.org"]}


def test_it_copies_the_result_of_a_job_that_already_ended(alice, cluster):
    job = Job.objects.create(
        cluster=cluster,
        job_id=7,
        status=Job.Status.ERROR,
        finished=True,
        error_class="OpPrereqError",
        error_message="Instance is down",
        error_code="wrong_state",
    )
    entry = audit.record("vm.stop", actor=alice, job=job, targets=[cluster])
    assert entry.job_status == "error"
    assert entry.job_error == "OpPrereqError: Instance is down (wrong_state)"


def test_it_takes_two_inserts(alice, vm, cluster, django_assert_max_num_queries):
    audit.record("vm.start", actor=alice, targets=[vm, cluster])  # warms the type cache
    with django_assert_max_num_queries(4):  # entry, targets (and a savepoint around them)
        audit.record("vm.start", actor=alice, targets=[vm, cluster])
