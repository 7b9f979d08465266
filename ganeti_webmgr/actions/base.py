"""How an action is declared: its form, when Ganeti would do it, its words, its submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from ganeti_webmgr.ganeti import RapiClient


class ActionForm(forms.Form):
    """An action's parameters, validated against the target as GWM last synced it.

    params() gives what is recorded and later submitted: JSON values only, and for
    changes only what really changes.
    """

    def __init__(self, target, data=None, *, user=None, **kwargs):
        self.target, self.user = target, user
        super().__init__(data, **kwargs)

    def params(self) -> dict[str, Any]:
        # Unset fields and unticked boxes say nothing (0 is a value, False is not).
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if v is not False and v not in (None, "", [], {})
        }


class NoParams(ActionForm):
    pass


def always(target) -> str:
    return ""


@dataclass(frozen=True)
class Action:
    name: str  # the registry key, kept in Job.action: "vm.start"
    kind: str  # what it acts on: "vm", "node" or "cluster"
    label: str  # its button: "Start"
    permission: str  # asked of permissions.rules.can(user, permission, target)
    audit_action: str
    describe: Callable[[Any, dict], str]  # for the audit log, messages and the job list
    # (client, the target's Ganeti name, params, reason=...) -> Ganeti's job id
    submit: Callable[..., int]
    form: type[ActionForm] = NoParams
    # "" when Ganeti would do it now (state, disk template, ...), else why not.
    available: Callable[[Any], str] = always
    # What will happen, asked before it is recorded; None: no confirmation.
    confirm: Callable[[Any, dict], str] | None = None
    section: str = ""  # where the VM or node page shows it
    # For a creation: the name of the one VM it makes ("" for several), from params.
    creates: Callable[[dict], str] | None = None
    # What it asks of an owner's quota: (target, params) -> (owner or None, Amount).
    charges: Callable[[Any, dict], tuple] | None = None


def submit_with(method: str, **fixed) -> Callable[..., int]:
    """A submit that calls client.method(name, **params, **fixed, reason=reason)."""

    def submit(client: RapiClient, name: str, params: dict, *, reason: str = "") -> int:
        return getattr(client, method)(name, **params, **fixed, reason=reason or None)

    return submit


class NotSubmitted(Exception):
    """Raised by a submit that finds it must not send anything (e.g. the VM changed in
    Ganeti since the form was shown): the request ends as "not started" with this text."""
