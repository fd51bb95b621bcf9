"""Watching the files a leaflet is made of (watchfiles: the operating system's notifications, no
polling loop of ours)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anyio
from watchfiles import awatch


async def watch_files(folders: list[Path], on_change: Callable[[], None], stop: anyio.Event) -> None:
    """Call `on_change` after each batch of changes under `folders`, until `stop` is set.
    watchfiles waits for a short quiet spell, so an editor's save is one batch."""
    async for _changes in awatch(*folders, stop_event=stop, step=50):
        on_change()
