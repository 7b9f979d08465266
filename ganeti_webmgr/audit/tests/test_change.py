"""audit.change(): a change and its entry commit, or roll back, together.

With real transactions (transaction=True), so what is checked is what another
connection would see after the block, on every database the suite runs on.
"""

import pytest
from django.db import DatabaseError

from ganeti_webmgr import audit
from ganeti_webmgr.audit.models import Entry, Target
from ganeti_webmgr.virtual_machines.models import VirtualMachine

pytestmark = pytest.mark.django_db(transaction=True)


def set_notes(vm, notes):
    VirtualMachine.objects.filter(pk=vm.pk).update(notes=notes)


def notes_of(vm):
    return VirtualMachine.objects.get(pk=vm.pk).notes


def test_the_change_and_its_entry_are_committed_together(alice, vm, cluster):
    with audit.change("vm.notes", actor=alice, targets=[vm, cluster]) as entry:
        set_notes(vm, "billing: 42")
        entry.changes = {"notes": ["", "billing: 42"]}  # known once the change is made
        entry.message = "notes of vm1 changed"
    assert notes_of(vm) == "billing: 42"
    written = Entry.objects.get()
    assert written == entry.entry
    assert (written.actor, written.message) == (alice, "notes of vm1 changed")
    assert written.changes == {"notes": ["", "billing: 42"]}
    assert {t.object_repr for t in written.targets.all()} == {"vm1.example.org", "c1"}


def test_a_change_that_fails_leaves_neither_change_nor_entry(alice, vm):
    with pytest.raises(RuntimeError), audit.change("vm.notes", actor=alice, targets=[vm]):
        set_notes(vm, "half done")
        raise RuntimeError("the change failed")
    assert notes_of(vm) == ""
    assert not Entry.objects.exists()


def test_an_entry_that_cannot_be_written_undoes_the_change(alice, vm, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the log's table is gone")

    monkeypatch.setattr(Target.objects, "bulk_create", broken)
    with pytest.raises(DatabaseError), audit.change("vm.notes", actor=alice, targets=[vm]):
        set_notes(vm, "never seen")
    assert notes_of(vm) == ""
    assert not Entry.objects.exists()


def test_an_unsaved_target_undoes_the_change(alice, vm, cluster):
    unsaved = VirtualMachine(cluster=cluster, name="ghost")
    failure = pytest.raises(ValueError, match="not saved")
    with failure, audit.change("vm.notes", actor=alice) as entry:
        set_notes(vm, "never seen")
        entry.targets.append(unsaved)
    assert notes_of(vm) == ""
    assert not Entry.objects.exists()


def test_an_unknown_code_fails_before_the_change(alice, vm):
    made = []
    failure = pytest.raises(ValueError, match="unknown audit action")
    with failure, audit.change("vm.typo", actor=alice, targets=[vm]):
        made.append(True)
    assert not made


def test_an_object_the_change_deletes_is_still_named(alice, vm, cluster):
    pk = vm.pk
    with audit.change("vm.forget", actor=alice, targets=[vm, cluster]):
        vm.delete()
    target = Entry.objects.get().targets.get(content_type__model="virtualmachine")
    assert (target.object_pk, target.object_repr) == (pk, "vm1.example.org")


def test_an_object_the_change_renames_is_named_as_it_is_now(alice, group):
    with audit.change("group.edit", actor=alice, targets=[group]):
        group.name = "operations"
        group.save()
    assert Entry.objects.get().targets.get().object_repr == "operations"


def test_a_skipped_entry_is_not_written_but_the_change_is(alice, vm):
    with audit.change("vm.notes", actor=alice, targets=[vm]) as entry:
        set_notes(vm, "")  # the same as before: nothing to log
        entry.skip()
    assert not Entry.objects.exists()
    assert entry.entry is None
