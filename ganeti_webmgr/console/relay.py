"""Bytes both ways between the browser's websocket and the node's console (a VNC
port, or an SSH channel for the serial console), until one side closes, the
session runs out of time, or its user loses the right."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ganeti_webmgr.console.node_stream import NodeStream

CHUNK = 64 * 1024


@dataclass
class Upstream:
    """The node's side: `read()` returns b"" at its end (a NodeStream has the same)."""

    read: Callable[[], Awaitable[bytes]]
    write: Callable[[bytes], Awaitable[None]]
    close: Callable[[], None]


@dataclass
class Limits:
    idle: float  # seconds without a key press or mouse move from the browser
    maximum: float  # seconds since the session began
    recheck: float = 15.0  # seconds between checks that the user may still use it


@dataclass
class Ended:
    reason: str  # "browser", "server", "idle", "maximum", "revoked"
    seconds: float
    to_server: int  # bytes
    to_browser: int


async def relay(
    from_browser: Callable[[], Awaitable[bytes | None]],
    to_browser: Callable[[bytes], Awaitable[None]],
    server: Upstream | NodeStream,
    limits: Limits,
    still_allowed: Callable[[], Awaitable[bool]],
    sink=None,
) -> Ended:
    """`from_browser()` returns the next message (None once the browser has gone).
    With a `sink` (gwm-server's BinarySink) a NodeStream's chunks go to the browser
    from the event loop's callback, without `to_browser` and a task between."""
    started = last_input = time.monotonic()
    counts = {"to_server": 0, "to_browser": 0}

    async def upstream() -> str:
        nonlocal last_input
        while (data := await from_browser()) is not None:
            last_input = time.monotonic()
            await server.write(data)
            counts["to_server"] += len(data)
        return "browser"

    async def downstream() -> str:
        if sink is not None and isinstance(server, NodeStream):
            return await server.forward(sink)
        while data := await server.read():
            await to_browser(data)
            counts["to_browser"] += len(data)
        return "server"

    async def watch() -> str:
        next_check = started + limits.recheck
        while True:
            now = time.monotonic()
            if now - last_input >= limits.idle:
                return "idle"
            if now - started >= limits.maximum:
                return "maximum"
            if now >= next_check:
                if not await still_allowed():
                    return "revoked"
                next_check = time.monotonic() + limits.recheck
            wake = min(last_input + limits.idle, started + limits.maximum, next_check)
            await asyncio.sleep(max(0.0, wake - time.monotonic()))

    tasks = [asyncio.ensure_future(t()) for t in (upstream, downstream, watch)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        first = next(t for t in tasks if t in done)
        reason = first.result() if not first.exception() else _failure(first.exception())
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        server.close()
    if isinstance(server, NodeStream):
        counts["to_browser"] += server.forwarded
    return Ended(reason, time.monotonic() - started, counts["to_server"], counts["to_browser"])


def _failure(error: BaseException) -> str:
    # A reset or broken pipe is one side going away, named by where it happened.
    if isinstance(error, (ConnectionError, asyncio.IncompleteReadError)):
        return "server"
    raise error
