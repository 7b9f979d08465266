"""The audit log's vocabulary: every action code `audit.record()` accepts.

Codes are `<object>.<verb>`, lower case. `record()` refuses a code that is not here,
so a typo fails in the tests rather than leaving entries no filter finds. Add new
codes here *and* to the table in docs/audit.rst (a test checks both agree).
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # Sessions (recorded from Django's own auth signals)
    "user.login": "logged in",
    "user.logout": "logged out",
    "user.login_failed": "failed logins of a user, or with unknown user names, from one address "
    "within an hour (never the password, nor a name no user has)",
    "login.unlock": "login lockouts lifted (gwm-manage unlock)",
    # Users, groups, profiles (accounts pages)
    "user.create": "user created",
    "user.edit": "user edited by a superuser",
    "user.deactivate": "user deactivated (users are never deleted)",
    "user.activate": "deactivated user activated again (from the user list)",
    "profile.edit": "user edited their own name, e-mail or language",
    "profile.password_change": "user changed their own password",
    "user.password_reset_request": "password reset link mailed (or asked for an address "
    "of no account: no mail)",
    "user.password_reset": "password set through a reset link",
    "sshkey.add": "SSH public key added",
    "sshkey.remove": "SSH public key removed",
    # API tokens (profile pages, gwm-manage token)
    "api.token_create": "API token made (its secret is never recorded)",
    "api.token_revoke": "API token revoked, by its owner or an administrator",
    # Two-factor sign-in (two_factor pages and gwm-manage two_factor)
    "twofactor.enrol": "authenticator app enrolled for two-factor sign-in",
    "twofactor.disable": "user turned their two-factor sign-in off",
    "twofactor.reset": "an administrator removed a user's second factor",
    "twofactor.recovery_code": "recovery code used (each works once)",
    "twofactor.code_failed": "wrong second-factor code entered",
    "group.create": "group created",
    "group.edit": "group renamed or described",
    "group.delete": "group deleted (its grants, quotas and memberships with it)",
    "group.member_add": "member added to a group",
    "group.member_remove": "member removed from a group",
    "group.admin_add": "group administrator added",
    "group.admin_remove": "group administrator removed",
    # Permissions
    "permission.grant": "permission granted to a user or group",
    "permission.revoke": "permission revoked",
    # Quotas
    "quota.set": "an owner's quota on a cluster set (or back to the cluster's defaults)",
    # Clusters
    "cluster.add": "cluster added to GWM",
    "cluster.edit": "cluster settings changed in GWM",
    "cluster.console": "cluster console settings changed (VNC password set or cleared)",
    "cluster.ssh_keys": "cluster SSH key settings changed (OS parameter mapping, feed token)",
    "cluster.remove": "cluster removed from GWM (not from Ganeti)",
    "cluster.sync": "sync requested by a user",
    "cluster.tags": "cluster tags changed",
    "cluster.redistribute_config": "configuration redistributed",
    # Nodes
    "node.modify": "node role or flags changed",
    "node.migrate": "primary instances of a node migrated",
    "node.evacuate": "node evacuated",
    "node.tags": "node tags changed",
    "node.import": "node found in Ganeti imported into GWM (import tools)",
    "node.forget": "node gone from Ganeti removed from GWM (not from Ganeti)",
    # VM templates (the creation wizard's saved values)
    "template.create": "VM template made (new, copied or from a VM)",
    "template.edit": "VM template changed",
    "template.delete": "VM template deleted",
    # Virtual machines
    "vm.create": "virtual machine created",
    "vm.start": "virtual machine started",
    "vm.stop": "virtual machine shut down",
    "vm.reboot": "virtual machine rebooted",
    "vm.console": "console opened",
    "vm.console_closed": "console session ended (how long, and why)",
    "vm.modify": "virtual machine parameters changed",
    "vm.notes": "administrators' notes on a virtual machine changed (GWM only)",
    "vm.reinstall": "operating system reinstalled",
    "vm.rename": "virtual machine renamed",
    "vm.remove": "virtual machine removed",
    "vm.migrate": "virtual machine live-migrated",
    "vm.failover": "virtual machine failed over",
    "vm.replace_disks": "disks replaced",
    "vm.export": "virtual machine exported",
    "vm.tags": "virtual machine tags changed",
    "vm.owner": "owner changed",
    "vm.import": "virtual machine found in Ganeti imported into GWM (import tools)",
    "vm.forget": "virtual machine gone from Ganeti removed from GWM (not from Ganeti)",
    # Jobs
    "job.cancel": "Ganeti job cancelled",
    "job.acknowledge": "failed job's error acknowledged (hidden from the dashboard)",
    # Moving from GWM 0.11 (gwm-manage import-gwm011)
    "legacy.import": "user, group, membership, cluster, quota, permission, SSH key, VM owner, "
    "VM template or object log entry imported from a GWM 0.11 database",
}
