"""Shared helpers of the RAPI client tests: recordings, shapes, the sandbox env."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"
#: where bin/ganeti-sandbox writes its settings ($GS_STATE/rapi.env)
SANDBOX_ENV = Path(os.environ.get("GANETI_SANDBOX_ENV", "/var/tmp/ganeti-sandbox/rapi.env"))


def recording(name: str) -> Any:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"  # Ganeti's timestamps are ints or floats
    return type(value).__name__


def key_types(items: list[dict[str, Any]]) -> dict[str, set[str]]:
    """For each key: the value types seen, plus the element types of lists."""
    out: dict[str, set[str]] = {}
    for item in items:
        for key, value in item.items():
            seen = out.setdefault(key, set())
            seen.add(type_name(value))
            if isinstance(value, list):
                seen.update(f"list of {type_name(v)}" for v in value)
    return out


def shape_problems(
    expected: list[dict[str, Any]], actual: list[dict[str, Any]], nullable: set[str] = frozenset()
) -> list[str]:
    """Differences in keys and value types between two sets of objects.

    Keys must be the same; every type seen in ``actual`` must have been seen
    in ``expected`` (``null`` is allowed for the ``nullable`` keys).
    """
    problems = []
    for i, item in enumerate(actual):
        missing = set(expected[0]) - set(item)
        extra = set(item) - set(expected[0])
        if missing or extra:
            problems.append(f"item {i}: missing keys {sorted(missing)}, extra keys {sorted(extra)}")
    want, got = key_types(expected), key_types(actual)
    for key, types in got.items():
        allowed = want.get(key, set()) | ({"null"} if key in nullable else set())
        bad = types - allowed
        # An empty list in the recording says nothing about element types.
        bad = {
            t
            for t in bad
            if not (
                t.startswith("list of")
                and "list" in allowed
                and not any(a.startswith("list of") for a in allowed)
            )
        }
        if bad:
            problems.append(f"{key}: types {sorted(bad)} not in recorded {sorted(allowed)}")
    return problems


def read_sandbox_env(path: Path = SANDBOX_ENV) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env
