"""Ask for an action: check it, validate it, record it. gwm-worker submits it.

    job = service.request(user, "vm.reboot", vm, request.POST, request=request)

request() raises PermissionDenied (the user may not), Unavailable (Ganeti would
refuse it now: the VM's state, its disk template, a read-only cluster), Invalid
(the form's errors, per field) or NeedsConfirmation (a destructive action asked
without confirmed=True). Otherwise it records, in one transaction, the Job in
status "submitting" and its audit entry, and returns the Job. Nothing here talks
to Ganeti, so a sick cluster never holds a web request.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ganeti_webmgr import audit
from ganeti_webmgr.actions.base import Action, ActionForm
from ganeti_webmgr.actions.registry import ACTIONS, of_kind
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import can, may_override_quota
from ganeti_webmgr.quotas import reserve as quota
from ganeti_webmgr.quotas.usage import Amount
from ganeti_webmgr.virtual_machines.models import VirtualMachine

# How long gwm-worker keeps trying to hand a request to a cluster that does not
# answer; after that the request ends as "not started".
SUBMIT_WITHIN = timedelta(minutes=2)
# Added to a request's description when it went beyond the owner's quota.
OVERRIDDEN = " (beyond the owner's quota: overridden)"
# What is recorded (the job's operations, the audit entry) is in English.
RECORD_LANGUAGE = audit.RECORD_LANGUAGE


class Refused(Exception):
    """The request was not recorded; str() says why, for the user."""

    status = 400


class Unavailable(Refused):
    status = 409


class Invalid(Refused):
    def __init__(self, form: ActionForm):
        self.form = form
        errors = [f"{_label(form, name)}: {' '.join(e)}" for name, e in form.errors.items()]
        super().__init__(" ".join(errors))


class OverQuota(Refused):
    """The owner's quota has no room for it; `may_override`: the user may go beyond it."""

    status = 409

    def __init__(self, text: str, may_override: bool):
        self.may_override = may_override
        self.form: ActionForm | None = None
        super().__init__(text)


class NeedsConfirmation(Refused):
    status = 200

    def __init__(self, action: Action, target, form: ActionForm, text: str):
        self.action, self.target, self.form, self.text = action, target, form, text
        super().__init__(text)


def kind_of(target) -> str:
    if isinstance(target, VirtualMachine):
        return "vm"
    if isinstance(target, Node):
        return "node"
    if isinstance(target, Cluster):
        return "cluster"
    raise TypeError(f"no actions on {type(target).__name__}")


def why_not(user, action: Action, target) -> str:
    """ "" when user may ask for action on target now, else why not (for the page)."""
    cluster = target if isinstance(target, Cluster) else target.cluster
    if cluster.read_only:
        return _("the cluster is read-only in GWM")
    if not can(user, action.permission, target):
        return _("you may not")
    return action.available(target)


def available(user, target) -> list[Action]:
    """The actions user may ask for on target now: allowed to them, and what Ganeti
    would do in the target's state (what a page's header offers)."""
    return [action for action in of_kind(kind_of(target)) if not why_not(user, action, target)]


def request(
    user,
    name: str,
    target,
    data=None,
    *,
    request=None,
    confirmed: bool = False,
    form: ActionForm | None = None,
    override_quota: bool = False,
    ask_destructive: bool = False,
) -> Job:
    """Record user's request for action `name` on target (see the module's docstring).

    ask_destructive: a destructive action needs confirmed=True too, even where its own
    confirm() has nothing to say (the API: a script gets no dialog that asks first)."""
    action = ACTIONS[name]
    if action.kind != kind_of(target):
        raise TypeError(f"{name} acts on a {action.kind}, not on a {kind_of(target)}")
    # can() is False on a read-only cluster too: writes there are refused as not allowed.
    if not can(user, action.permission, target):
        raise PermissionDenied(
            _("not allowed to %(action)s %(target)s")
            % {"action": in_sentence(action.label), "target": target}
        )
    if why := action.available(target):
        raise Unavailable(_("%(action)s: not now, %(why)s.") % {"action": action.label, "why": why})
    if form is None:
        form = action.form(target, data, user=user, auto_id=f"id_{_slug(action)}_%s")
    if not form.is_valid():
        raise Invalid(form)
    params = form.params()
    if not confirmed and (text := _confirmation(action, target, params, ask_destructive)):
        raise NeedsConfirmation(action, target, form, text)
    try:
        return record(user, action, target, params, request=request, override_quota=override_quota)
    except OverQuota as over:
        over.form = form
        raise


def _confirmation(action: Action, target, params: dict, ask_destructive: bool) -> str:
    """What to ask before recording it ("" or None: nothing)."""
    if action.confirm and (text := action.confirm(target, params)):
        return text
    if ask_destructive and action.destructive:
        return str(action.warning) or _("%(action)s %(target)s: this cannot be undone.") % {
            "action": action.label,
            "target": target,
        }
    return ""


def record(
    user,
    action: Action,
    target,
    params: dict,
    *,
    request=None,
    audited: bool = True,
    override_quota: bool = False,
) -> Job:
    """The Job to submit, its quota reservation and its audit entry, in one transaction
    (OverQuota, and nothing recorded, when the owner's quota has no room).

    audited False: part of a change whose caller writes the entry, in its transaction.
    override_quota: beyond the quota, if the user may (superusers, cluster admins).
    """
    new_vm_name = action.creates(params) if action.creates else ""
    cluster = target if isinstance(target, Cluster) else target.cluster
    vm = target if isinstance(target, VirtualMachine) else None
    node = target if isinstance(target, Node) else None
    if vm is not None:
        kind, target_name, targets = Job.TargetKind.VIRTUAL_MACHINE, vm.name, [vm, cluster]
    elif new_vm_name:
        kind, target_name, targets = Job.TargetKind.VIRTUAL_MACHINE, new_vm_name, [cluster]
    elif node is not None:
        kind, target_name, targets = Job.TargetKind.NODE, node.name, [node, cluster]
    else:
        kind, target_name, targets = Job.TargetKind.CLUSTER, "", [cluster]
    with translation.override(RECORD_LANGUAGE):
        description = action.describe(target, params)
    now = timezone.now()
    owner, demand = action.charges(target, params) if action.charges else (None, Amount())
    may_override = may_override_quota(user, cluster)
    with transaction.atomic():
        # The owner's lock before any insert (quotas/reserve.py says why).
        try:
            overridden = owner is not None and quota.check(
                cluster, owner, demand, override=override_quota and may_override
            )
        except quota.OverQuota as over:
            raise OverQuota(str(over), may_override) from None
        if overridden:
            description += OVERRIDDEN
        with audit.change(
            action.audit_action, actor=user, request=request, targets=targets, message=description
        ) as entry:
            job = Job.objects.create(
                cluster=cluster,
                job_id=None,
                status=Job.Status.SUBMITTING,
                action=action.name,
                params=params,
                reason=f"gwm:{uuid.uuid4().hex}",
                submit_deadline=now + SUBMIT_WITHIN,
                next_follow_at=now,
                virtual_machine=vm,
                node=node,
                target_kind=kind,
                target_name=target_name,
                requested_by=user,
                operations=[description],
            )
            entry.job = job
            quota.keep(cluster, owner, demand, job, overridden=overridden)
            if not audited:
                entry.skip()
    return job


def in_sentence(label) -> str:
    """An action's label inside a sentence ("Yes, shut down"): lower-cased in languages
    that write verbs so (English), as it is in those that do not (German's nouns)."""
    # Translators: "lower" or "keep", how an action's label is written inside a sentence.
    if pgettext("action label inside a sentence", "lower") == "lower":
        return str(label).lower()
    return str(label)


def _slug(action: Action) -> str:
    return action.name.replace(".", "-")


def _label(form: ActionForm, name: str) -> str:
    if name == "__all__" or name not in form.fields:
        return form.__class__.__name__.removesuffix("Form") or "Form"
    return str(form.fields[name].label or name)
