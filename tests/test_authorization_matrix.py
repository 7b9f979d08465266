"""Every URL of GWM, for every role: who gets what.

The URLconf is walked, so a new URL without an expectation here fails this test.
Objects of another cluster (or another user) are looked at too: where an object's
existence is private, outsiders get 404, not 403.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ganeti_webmgr.testing.pytest_plugin import ROLES

LOGIN = 302  # anonymous visitors are sent to the login page


def expect(*codes: int) -> dict[str, int]:
    """One status per role, in ROLES order."""
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


# name: (method, kwargs for our objects, {role: status}, kwargs of an object in another
# cluster or None, {role: status} for it)
MINE, OTHER = {"slug": "a", "name": "a1"}, {"slug": "b", "name": "b1"}
A, B = {"slug": "a"}, {"slug": "b"}
JOB_A, JOB_B = {"slug": "a", "job_id": 1}, {"slug": "b", "job_id": 2}
NODE_A, NODE_B = {"slug": "a", "name": "n1"}, {"slug": "b", "name": "n2"}
OTHER_ADMIN_ONLY = expect(LOGIN, 404, 404, 404, 404, 404, 200)  # another cluster's admin page
MATRIX = {
    "home": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "health": ("get", {}, expect(200, 200, 200, 200, 200, 200, 200), None, None),
    "favicon": ("get", {}, expect(301, 301, 301, 301, 301, 301, 301), None, None),
    "accounts-login": ("get", {}, expect(200, 302, 302, 302, 302, 302, 302), None, None),
    "accounts-logout": ("get", {}, expect(405, 405, 405, 405, 405, 405, 405), None, None),
    "accounts-password": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    # Forgotten passwords: open to all (the mailed link is the credential; a made-up
    # one shows "this link does not work").
    "accounts-password-reset": ("get", {}, expect(200, 200, 200, 200, 200, 200, 200), None, None),
    "accounts-password-reset-sent": (
        "get",
        {},
        expect(200, 200, 200, 200, 200, 200, 200),
        None,
        None,
    ),
    "accounts-password-reset-confirm": (
        "get",
        {"uidb64": "MQ", "token": "made-up"},
        expect(200, 200, 200, 200, 200, 200, 200),
        None,
        None,
    ),
    "accounts-password-reset-complete": (
        "get",
        {},
        expect(200, 200, 200, 200, 200, 200, 200),
        None,
        None,
    ),
    # Token-authenticated (the Ganeti hook): a login counts for nothing.
    "cluster-notify": (
        "post",
        {"slug": "a"},
        expect(404, 404, 404, 404, 404, 404, 404),
        None,
        None,
    ),
    # The key feed: the cluster's token in the path (a wrong one here); a login counts
    # for nothing.
    "cluster-key-feed": (
        "get",
        {"slug": "a", "token": "wrong"},
        expect(404, 404, 404, 404, 404, 404, 404),
        None,
        None,
    ),
    "vm-key-feed": (
        "get",
        {"slug": "a", "token": "wrong", "name": "a1"},
        expect(404, 404, 404, 404, 404, 404, 404),
        None,
        None,
    ),
    # The SSH key settings (OS parameter mapping, feed token): the cluster's admins.
    "cluster-ssh-keys": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        OTHER_ADMIN_ONLY,
    ),
    "cluster-permissions": (
        "get",
        {"slug": "a"},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {"slug": "b"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "cluster-quotas": (
        "get",
        {"slug": "a"},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {"slug": "b"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-permissions": (
        "get",
        MINE,
        expect(LOGIN, 404, 403, 200, 403, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "cluster-add": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    "cluster-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "cluster-detail": (
        "get",
        A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # Admins only; the RAPI address is 127.0.0.1:1, so allowed writes fail fast (302 back).
    "cluster-refresh": (
        "post",
        A,
        expect(LOGIN, 404, 403, 403, 403, 302, 302),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    # Redistribution is asked to be confirmed first: the confirmation page.
    "cluster-action": (
        "post",
        {**A, "action": "redistribute"},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {**B, "action": "redistribute"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "cluster-delete": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 403, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # The VNC password: whoever may edit the cluster (superusers).
    "cluster-console": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 403, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # Consoles: whoever may power the VM.
    "vm-console": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-console-serial": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "console-ticket": (
        "post",
        {**MINE, "kind": "vnc"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {**OTHER, "kind": "vnc"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # Superusers only, like adding one.
    "cluster-edit": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 403, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # The cluster's "Jobs" tab and its live "Recent jobs" fragment: whoever sees the
    # cluster (each sees the jobs they may see).
    "cluster-job-list": (
        "get",
        A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "cluster-jobs": (
        "get",
        A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    # A list, as a file: scoped as the list is (contents: virtual_machines/tests/test_vm_export.py).
    "vm-export": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "cluster-vm-export": (
        "get",
        A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "cluster-vm-list": (
        "get",
        A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-detail": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # Recorded for gwm-worker to submit (nothing is sent from the web request).
    "vm-action": (
        "post",
        {**MINE, "action": "start"},
        expect(LOGIN, 404, 302, 302, 302, 302, 302),
        {**OTHER, "action": "start"},
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    # A VM's holders see its cluster, not the cluster's nodes.
    "node-list": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # The node list as a file: whoever sees the list.
    "node-export": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "node-detail": (
        "get",
        NODE_A,
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
        NODE_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # No VM on the node to migrate: Ganeti would refuse, so GWM does (409).
    "node-action": (
        "post",
        {**NODE_A, "action": "migrate"},
        expect(LOGIN, 404, 404, 404, 404, 409, 409),
        {**NODE_B, "action": "migrate"},
        expect(LOGIN, 404, 404, 404, 404, 404, 409),
    ),
    "vm-jobs": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "node-jobs": (
        "get",
        NODE_A,
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
        NODE_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-status": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # Whoever sees the VM gets its actions card (holding only what they may do).
    "vm-actions": (
        "get",
        MINE,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # The VM's admins (an owner change is GWM's record, plus a tag job: 127.0.0.1:1 fails
    # at once, after the record; an empty form is refused first, with a message).
    # Changing parameters needs "modify" (the VM's admins, not its power users).
    "vm-parameters": (
        "get",
        MINE,
        expect(LOGIN, 404, 403, 200, 403, 200, 200),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # The creation wizard: create_vm (or admin) on a writable cluster. With exactly one
    # such cluster the chooser goes straight to it (302).
    "vm-create-choose": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 302, 200), None, None),
    "vm-create": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-create-status": (
        "get",
        {"slug": "a", "pk": 1},
        expect(LOGIN, 404, 200, 404, 404, 200, 200),
        {"slug": "b", "pk": 2},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # VM templates: used by create_vm holders, changed by cluster admins.
    "vm-template-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "cluster-vm-template-list": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-template-new": (
        "get",
        A,
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-template-detail": (
        "get",
        {"slug": "a", "pk": 1},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {"slug": "b", "pk": 2},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-template-edit": (
        "get",
        {"slug": "a", "pk": 1},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {"slug": "b", "pk": 2},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-template-copy": (
        "post",
        {"slug": "a", "pk": 1},
        expect(LOGIN, 404, 403, 403, 403, 302, 302),
        {"slug": "b", "pk": 2},
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    "vm-template-delete": (
        "get",
        {"slug": "a", "pk": 1},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {"slug": "b", "pk": 2},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "vm-template-from-vm": (
        "post",
        MINE,
        expect(LOGIN, 404, 403, 403, 403, 302, 302),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    # GWM's own notes: the VM's admins (read-only clusters too).
    "vm-notes": (
        "post",
        MINE,
        expect(LOGIN, 404, 403, 302, 403, 302, 302),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    "vm-owner": (
        "post",
        MINE,
        expect(LOGIN, 404, 403, 302, 403, 302, 302),
        OTHER,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    # Per-VM checks happen inside (tests in virtual_machines/tests/test_bulk.py); an empty
    # selection is sent back to the list.
    "vm-bulk": ("post", {}, expect(LOGIN, 302, 302, 302, 302, 302, 302), None, None),
    "job-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "search": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "job-detail": (
        "get",
        JOB_A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        JOB_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # A request not yet handed to Ganeti (no Ganeti job id): seen like its job.
    "job-request": (
        "get",
        {"slug": "a", "pk": 101},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"slug": "b", "pk": 102},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "job-request-status": (
        "get",
        {"slug": "a", "pk": 101},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"slug": "b", "pk": 102},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "job-status": (
        "get",
        JOB_A,
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        JOB_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "job-cancel": (
        "post",
        JOB_A,
        expect(LOGIN, 404, 302, 302, 302, 302, 302),
        JOB_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    "job-acknowledge": (
        "post",
        JOB_A,
        expect(LOGIN, 404, 302, 302, 302, 302, 302),
        JOB_B,
        expect(LOGIN, 404, 404, 404, 404, 404, 302),
    ),
    # import tools (ganeti_webmgr/imports/urls.py): the cluster's admins ("grant", so
    # read-only clusters too); a VM's holders see the cluster, not its import tools.
    "import-overview": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 200, 200), None, None),
    **{
        name: ("get", A, expect(LOGIN, 404, 403, 403, 403, 200, 200), B, OTHER_ADMIN_ONLY)
        for name in (
            "cluster-import",
            "cluster-import-vms",
            "cluster-import-vms-gone",
            "cluster-import-orphans",
            "cluster-import-nodes",
            "cluster-import-nodes-gone",
        )
    },
    # audit (ganeti_webmgr/audit/urls.py)
    "audit-log": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    "audit-log-cluster": (
        "get",
        {"slug": "a"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"slug": "b"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "audit-log-vm": (
        "get",
        {"cluster_slug": "a", "name": "a1"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"cluster_slug": "b", "name": "b1"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "audit-log-node": (
        "get",
        {"cluster_slug": "a", "name": "n1"},
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
        {"cluster_slug": "b", "name": "n2"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # A user's log: themself and superusers; whether another user exists is private.
    "audit-log-user": (
        "get",
        {"username": "plain"},
        expect(LOGIN, 200, 404, 404, 404, 404, 200),
        {"username": "cluster_admin"},
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
    ),
    # A group's log: its administrators and superusers; members 403, others 404.
    "audit-log-group": (
        "get",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 403, 404, 200),
        None,
        None,
    ),
    # Each log as a file: answered as its log is, holding what its pages show the
    # reader (contents: audit/tests/test_log_export.py, and the test below).
    "audit-log-export": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    "audit-log-cluster-export": (
        "get",
        {"slug": "a"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"slug": "b"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "audit-log-vm-export": (
        "get",
        {"cluster_slug": "a", "name": "a1"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {"cluster_slug": "b", "name": "b1"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "audit-log-node-export": (
        "get",
        {"cluster_slug": "a", "name": "n1"},
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
        {"cluster_slug": "b", "name": "n2"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    "audit-log-user-export": (
        "get",
        {"username": "plain"},
        expect(LOGIN, 200, 404, 404, 404, 404, 200),
        {"username": "cluster_admin"},
        expect(LOGIN, 404, 404, 404, 404, 200, 200),
    ),
    "audit-log-group-export": (
        "get",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 403, 404, 200),
        None,
        None,
    ),
    # accounts (ganeti_webmgr/accounts/urls.py)
    "accounts-user-list": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    "accounts-user-create": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    # The user list as a file: superusers, as the list (accounts/tests/test_user_export.py).
    "accounts-user-export": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    # No action chosen: nothing done, back to the list with the error.
    "accounts-user-bulk": ("post", {}, expect(LOGIN, 403, 403, 403, 403, 403, 302), None, None),
    "accounts-user-detail": (
        "get",
        {"username": "plain"},
        expect(LOGIN, 200, 403, 403, 403, 403, 200),
        {"username": "nobody"},
        expect(LOGIN, 403, 403, 403, 403, 403, 404),
    ),
    "accounts-user-edit": (
        "get",
        {"username": "plain"},
        expect(LOGIN, 403, 403, 403, 403, 403, 200),
        None,
        None,
    ),
    # POST without the confirmation box: nothing done, back to the user's page.
    "accounts-user-deactivate": (
        "post",
        {"username": "plain"},
        expect(LOGIN, 403, 403, 403, 403, 403, 302),
        None,
        None,
    ),
    "accounts-group-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "accounts-group-create": ("get", {}, expect(LOGIN, 403, 403, 403, 403, 403, 200), None, None),
    # The groups one may see, as a file (contents: accounts/tests/test_group_export.py).
    "accounts-group-export": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "accounts-group-detail": (
        "get",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 200, 404, 200),
        None,
        None,
    ),
    "accounts-group-edit": (
        "get",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 403, 404, 200),
        None,
        None,
    ),
    # POST with an empty form: nothing done, back to the group's page with the error.
    "accounts-group-members": (
        "post",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 403, 404, 302),
        None,
        None,
    ),
    "accounts-group-admins": (
        "post",
        {"name": "team"},
        expect(LOGIN, 404, 404, 404, 403, 404, 302),
        None,
        None,
    ),
    # One's own choice of columns on a list; an empty form is sent back with an error.
    "accounts-list-preferences": (
        "post",
        {"name": "vms"},
        expect(LOGIN, 302, 302, 302, 302, 302, 302),
        {"name": "nothing"},
        expect(LOGIN, 404, 404, 404, 404, 404, 404),
    ),
    "accounts-profile-edit": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "accounts-key-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    # Someone else's (or no) key: 404 for everyone, superusers included.
    "accounts-key-remove": (
        "post",
        {"pk": 999999},
        expect(LOGIN, 404, 404, 404, 404, 404, 404),
        None,
        None,
    ),
    # API tokens: one's own on the profile; no one's (or another's) token: 404. On a
    # user's page, those who may not see the user get 403 first.
    "accounts-token-list": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "accounts-token-revoke": (
        "post",
        {"key_id": "000000000000"},
        expect(LOGIN, 404, 404, 404, 404, 404, 404),
        None,
        None,
    ),
    "accounts-user-token-revoke": (
        "post",
        {"username": "plain", "key_id": "000000000000"},
        expect(LOGIN, 404, 403, 403, 403, 403, 404),
        None,
        None,
    ),
    # Two-factor sign-in. The code page belongs to a sign-in between its steps: without
    # one, visitors go to the login form and logged-in users home.
    "two-factor-verify": ("get", {}, expect(LOGIN, 302, 302, 302, 302, 302, 302), None, None),
    # Enrolment: one's own (or, between the steps, the one signing in's).
    "two-factor-enrol": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    "two-factor-profile": ("get", {}, expect(LOGIN, 200, 200, 200, 200, 200, 200), None, None),
    # Nobody here has a device: back to the profile page with a message.
    "two-factor-disable": ("post", {}, expect(LOGIN, 302, 302, 302, 302, 302, 302), None, None),
    # Single sign-on is off in the matrix's configuration: both ends are not found.
    "sso-start": ("get", {}, expect(404, 404, 404, 404, 404, 404, 404), None, None),
    "sso-callback": ("get", {}, expect(404, 404, 404, 404, 404, 404, 404), None, None),
}


# The API (/api/...): the same roles, each calling with a token of its user's (write
# scope), anonymous without one (401). Rows as MATRIX's; scoped as the web pages.
NO_TOKEN = 401
API_OTHER = expect(NO_TOKEN, 404, 404, 404, 404, 404, 200)  # another cluster's object
API_ADMINS = expect(NO_TOKEN, 404, 403, 403, 403, 200, 200)  # cluster a's admin pages
API_EVERYONE = expect(NO_TOKEN, 200, 200, 200, 200, 200, 200)
API_NODE = expect(NO_TOKEN, 404, 404, 404, 404, 200, 200)  # node n1 of cluster a
# Query parameters a row's request needs: the wait answers at once.
API_QUERY = {"api-job-wait": {"timeout": 0}}
API_MATRIX = {
    # The schema and its readers are public: they describe the API, not its data.
    "api-schema": ("get", {}, expect(200, 200, 200, 200, 200, 200, 200), None, None),
    "api-docs": ("get", {}, expect(200, 200, 200, 200, 200, 200, 200), None, None),
    "api-redoc": ("get", {}, expect(200, 200, 200, 200, 200, 200, 200), None, None),
    "api-cluster-list": ("get", {}, API_EVERYONE, None, None),
    "api-cluster-detail": (
        "get",
        A,
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        B,
        API_OTHER,
    ),
    "api-node-list": ("get", A, API_ADMINS, B, API_OTHER),
    "api-node-detail": ("get", NODE_A, API_NODE, NODE_B, API_OTHER),
    "api-cluster-vm-list": (
        "get",
        A,
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        B,
        API_OTHER,
    ),
    "api-vm-detail": (
        "get",
        MINE,
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        OTHER,
        API_OTHER,
    ),
    "api-vm-list": ("get", {}, API_EVERYONE, None, None),
    "api-cluster-grants": ("get", A, API_ADMINS, B, API_OTHER),
    "api-vm-grants": (
        "get",
        MINE,
        expect(NO_TOKEN, 404, 403, 200, 403, 200, 200),
        OTHER,
        API_OTHER,
    ),
    "api-cluster-quotas": ("get", A, API_ADMINS, B, API_OTHER),
    # A ticket for the console: whoever may power the VM (201: made).
    "api-vm-console": (
        "post",
        MINE,
        expect(NO_TOKEN, 404, 201, 201, 201, 201, 201),
        OTHER,
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 201),
    ),
    # Users: those who manage users; a user's own page for themself too (403 before
    # the lookup: nothing said about which users exist).
    "api-user-list": ("get", {}, expect(NO_TOKEN, 403, 403, 403, 403, 403, 200), None, None),
    "api-user-detail": (
        "get",
        {"username": "cluster_admin"},
        expect(NO_TOKEN, 403, 403, 403, 403, 200, 200),
        {"username": "nobody"},
        expect(NO_TOKEN, 403, 403, 403, 403, 403, 404),
    ),
    # Groups: their members and administrators (and superusers); others get 404.
    "api-group-list": ("get", {}, API_EVERYONE, None, None),
    "api-group-detail": (
        "get",
        {"name": "team"},
        expect(NO_TOKEN, 404, 404, 404, 200, 404, 200),
        {"name": "nobody"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 404),
    ),
    # Changing users and groups (empty bodies): whom the web's pages allow, the same
    # 403 before the lookup for users, 404 for a group one may not see.
    "api-user-deactivate": (
        "post",
        {"username": "plain"},
        expect(NO_TOKEN, 403, 403, 403, 403, 403, 409),  # 409: without "confirm": true
        {"username": "nobody"},
        expect(NO_TOKEN, 403, 403, 403, 403, 403, 404),
    ),
    # A group's members: its administrators (none here) and superusers; a member 403.
    "api-group-members": (
        "post",
        {"name": "team"},
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 400),  # 400: no username
        {"name": "nobody"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 404),
    ),
    "api-group-member": (
        "delete",
        {"name": "team", "username": "via_group"},
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 200),
        {"name": "team", "username": "plain"},  # not a member
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 404),
    ),
    "api-group-admins": (
        "post",
        {"name": "team"},
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 400),
        None,
        None,
    ),
    "api-group-admin": (
        "delete",
        {"name": "team", "username": "via_group"},  # not an administrator
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 404),
        None,
        None,
    ),
    "api-me": ("get", {}, API_EVERYONE, None, None),
    "api-log": ("get", {}, expect(NO_TOKEN, 403, 403, 403, 403, 403, 200), None, None),
    # Actions: what may be asked now (GET), and asking (POST). The RAPI address is
    # 127.0.0.1:1: a start is queued for the worker (202); a redistribution asks to be
    # confirmed first (409); a node without VMs has nothing to migrate (409).
    "api-cluster-actions": (
        "get",
        A,
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        B,
        API_OTHER,
    ),
    "api-cluster-action": (
        "post",
        {**A, "action": "redistribute"},
        expect(NO_TOKEN, 404, 403, 403, 403, 409, 409),
        {**B, "action": "redistribute"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 409),
    ),
    # A node is seen by the cluster's admins (and migrate holders): others get 404,
    # as on its web page.
    "api-node-actions": ("get", NODE_A, API_NODE, NODE_B, API_OTHER),
    "api-node-action": (
        "post",
        {**NODE_A, "action": "migrate"},
        expect(NO_TOKEN, 404, 404, 404, 404, 409, 409),
        {**NODE_B, "action": "migrate"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 409),
    ),
    "api-vm-actions": (
        "get",
        MINE,
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        OTHER,
        API_OTHER,
    ),
    "api-vm-action": (
        "post",
        {**MINE, "action": "start"},
        expect(NO_TOKEN, 404, 202, 202, 202, 202, 202),
        {**OTHER, "action": "start"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 202),
    ),
    # Templates: the cluster's admins (template 1 is in cluster a, 2 in b).
    "api-template-list": ("get", {}, API_EVERYONE, None, None),
    "api-template-detail": (
        "get",
        {"pk": 1},
        expect(NO_TOKEN, 404, 404, 404, 404, 200, 200),
        {"pk": 2},
        API_OTHER,
    ),
    # Jobs by GWM's id: job 1 is a1's (cluster a), job 2 b1's.
    "api-job-list": ("get", {}, API_EVERYONE, None, None),
    "api-job-detail": (
        "get",
        {"pk": 1},
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        {"pk": 2},
        API_OTHER,
    ),
    "api-job-cancel": (
        "post",
        {"pk": 1},
        expect(NO_TOKEN, 404, 202, 202, 202, 202, 202),
        {"pk": 2},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 202),
    ),
    "api-job-wait": (
        "get",
        {"pk": 1},
        expect(NO_TOKEN, 404, 200, 200, 200, 200, 200),
        {"pk": 2},
        API_OTHER,
    ),
    # Any other /api/ address: a JSON 404 for everyone, signed in or not.
    "api-not-found": ("get", {}, expect(404, 404, 404, 404, 404, 404, 404), None, None),
}


# API URLs that answer a second method: rows as ALSO's. Empty bodies: what may be
# changed is refused as invalid (400), what may not as on the web.
API_GRANT_CHANGE = expect(NO_TOKEN, 404, 403, 403, 403, 400, 400)
API_VM_GRANT_CHANGE = expect(NO_TOKEN, 404, 403, 400, 403, 400, 400)
API_OTHER_CHANGE = expect(NO_TOKEN, 404, 404, 404, 404, 404, 400)
API_GROUP_EDIT = expect(NO_TOKEN, 404, 404, 404, 403, 404, 200)
API_ALSO = [
    ("api-user-list", "post", {}, expect(NO_TOKEN, 403, 403, 403, 403, 403, 400), None, None),
    (
        "api-user-detail",
        "patch",
        {"username": "plain"},
        expect(NO_TOKEN, 403, 403, 403, 403, 403, 200),  # nothing to change
        {"username": "nobody"},
        expect(NO_TOKEN, 403, 403, 403, 403, 403, 404),
    ),
    ("api-group-list", "post", {}, expect(NO_TOKEN, 403, 403, 403, 403, 403, 400), None, None),
    ("api-group-detail", "patch", {"name": "team"}, API_GROUP_EDIT, None, None),
    (
        "api-group-detail",
        "delete",
        {"name": "team"},
        expect(NO_TOKEN, 404, 404, 404, 403, 404, 204),
        {"name": "nobody"},
        expect(NO_TOKEN, 404, 404, 404, 404, 404, 404),
    ),
    ("api-cluster-grants", "post", A, API_GRANT_CHANGE, B, API_OTHER_CHANGE),
    ("api-cluster-grants", "delete", A, API_GRANT_CHANGE, B, API_OTHER_CHANGE),
    ("api-vm-grants", "post", MINE, API_VM_GRANT_CHANGE, OTHER, API_OTHER_CHANGE),
    ("api-vm-grants", "delete", MINE, API_VM_GRANT_CHANGE, OTHER, API_OTHER_CHANGE),
]


def url_names(patterns=None, prefix="") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            names |= url_names(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL {entry.pattern} has no name: the matrix cannot cover it"
            names.add(entry.name)
    return names


# URLs that answer a second method too: (name, method, kwargs, {role: status}, kwargs of
# an object in another cluster or None, {role: status} for it).
ALSO = [
    # An action's own page (its form; in the page's dialog with JavaScript).
    (
        "vm-action",
        "get",
        {**MINE, "action": "start"},
        expect(LOGIN, 404, 200, 200, 200, 200, 200),
        {**OTHER, "action": "start"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    # No VM on the node to migrate: the page says why not (409).
    (
        "node-action",
        "get",
        {**NODE_A, "action": "migrate"},
        expect(LOGIN, 404, 404, 404, 404, 409, 409),
        {**NODE_B, "action": "migrate"},
        expect(LOGIN, 404, 404, 404, 404, 404, 409),
    ),
    (
        "cluster-action",
        "get",
        {**A, "action": "redistribute"},
        expect(LOGIN, 404, 403, 403, 403, 200, 200),
        {**B, "action": "redistribute"},
        expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
]


def test_every_url_has_an_expectation():
    names = url_names()
    covered = set(MATRIX) | set(API_MATRIX)
    assert sorted(names - covered) == [], "add these URLs to the matrix (API_MATRIX for /api/)"
    assert sorted(covered - names) == [], "these URLs are gone: drop them here"
    assert not set(MATRIX) & set(API_MATRIX), "one row per URL"
    assert [
        n for n, row in API_MATRIX.items() if not reverse(n, kwargs=row[1]).startswith("/api/")
    ] == []


def cases(matrix=MATRIX, also=ALSO):
    rows = [(name, name, *row) for name, row in sorted(matrix.items())]
    rows += [(f"{row[0]}-{row[1]}", *row) for row in also]
    for label, name, method, mine, expected, other, expected_other in rows:
        for role in ROLES:
            yield pytest.param(name, method, mine, expected[role], role, id=f"{label}-{role}")
            if other is not None:
                yield pytest.param(
                    name, method, other, expected_other[role], role, id=f"{label}-other-{role}"
                )


@pytest.mark.parametrize(("name", "method", "kwargs", "status", "role"), list(cases()))
def test_the_matrix(client, people, name, method, kwargs, status, role):
    if role != "anonymous":
        client.force_login(people[role])
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == status
    if role == "anonymous" and status == LOGIN and name != "accounts-login":
        assert response.url.startswith(reverse("accounts-login"))


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "status", "role"), list(cases(API_MATRIX, API_ALSO))
)
def test_the_api_matrix(api, people, name, method, kwargs, status, role):
    client = api(None if role == "anonymous" else people[role])
    url = reverse(name, kwargs=kwargs)
    if name in API_QUERY:
        url += "?" + urlencode(API_QUERY[name])
    response = getattr(client, method)(url, format="json")
    assert response.status_code == status, response.content[:300]
    # The rest answer JSON, refusals too (a 204 has no body).
    if name not in ("api-docs", "api-redoc", "api-schema") and status != 204:
        assert response["Content-Type"].startswith("application/json")


# What the search box finds of the objects above, per role: names it may show.
SEARCHES = {
    "a1": {"vm_power", "vm_admin", "via_group", "cluster_admin", "superuser"},
    "b1": {"superuser"},
    "n1": {"cluster_admin", "superuser"},
    "n2": {"superuser"},
    "team": {"via_group", "superuser"},
    "cluster_admin": {"superuser"},  # a user
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_search_box_finds_only_what_the_role_may_see(client, people, role):
    client.force_login(people[role])
    for text, who in SEARCHES.items():
        page = client.get(reverse("search"), {"q": text}).content.decode()
        shown = re.search(rf'<li><a href="[^"]+">{text}</a>', page) is not None
        assert shown == (role in who), f"{role} searching {text!r}"


# Log entries about the objects above (no messages: only the objects name them).
LOGGED = [["a1", "a"], ["b1", "b"], ["n1", "a"], ["n2", "b"], ["team"], ["cluster_admin"]]


def _log_the_world(people) -> None:
    from django.contrib.auth.models import Group, User

    from ganeti_webmgr import audit
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.nodes.models import Node
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    def find(name):
        for model, field in (
            (VirtualMachine, "name"),
            (Node, "name"),
            (Cluster, "slug"),
            (Group, "name"),
            (User, "username"),
        ):
            found = model.objects.filter(**{field: name}).first()
            if found is not None:
                return found
        raise LookupError(name)

    for names in LOGGED:
        audit.record("cluster.edit", actor=people["superuser"], targets=map(find, names))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_exports_hold_only_what_the_role_may_see(client, people, role):
    """Every export the role may fetch (the lists', the logs') names nothing of the
    objects above the role may not see (SEARCHES says who sees what)."""
    _log_the_world(people)
    client.force_login(people[role])
    # A user sees themself, which the search box only finds for superusers.
    hidden = [name for name, who in SEARCHES.items() if role not in who and name != role]
    fetched = 0
    for name, (_method, mine, expected, other, expected_other) in MATRIX.items():
        if not name.endswith("export"):
            continue
        for kwargs, statuses in ((mine, expected), (other, expected_other)):
            if kwargs is None or statuses[role] != 200:
                continue
            response = client.get(reverse(name, kwargs=kwargs), {"format": "json"})
            text = b"".join(response.streaming_content).decode()
            fetched += 1
            leaked = [n for n in hidden if re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w.-])", text)]
            assert leaked == [], f"{role}: {name} {kwargs} names {leaked}"
    assert fetched
