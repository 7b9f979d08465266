"""Every action by name; each module of actions registers its own on import."""

from __future__ import annotations

from ganeti_webmgr.actions.base import Action

ACTIONS: dict[str, Action] = {}


def register(*actions: Action) -> None:
    for action in actions:
        if action.name in ACTIONS:
            raise ValueError(f"action {action.name!r} is declared twice")
        ACTIONS[action.name] = action


def of_kind(kind: str) -> list[Action]:
    return [a for a in ACTIONS.values() if a.kind == kind]


def _load() -> None:
    # The declarations; imported here so that ACTIONS is complete wherever it is used.
    from ganeti_webmgr.actions import cluster, create, node, vm, vm_storage  # noqa: F401


_load()
