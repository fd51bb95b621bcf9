"""Folders that cannot be written, and a disk that is full, made for real: as root by mounting
(a read-only bind mount, a small tmpfs), else by permissions where they bind (a full disk then
cannot be made, and the test is skipped with the reason)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

ROOT = os.geteuid() == 0


def _mount(*args) -> None:
    subprocess.run(["mount", *map(str, args)], check=True, capture_output=True)


@contextlib.contextmanager
def read_only(path: Path):
    """`path` (a file or a folder) read-only for this process, even as root."""
    if ROOT:
        _mount("--bind", path, path)
        try:
            _mount("-o", "remount,ro,bind", path)
            yield path
        finally:
            subprocess.run(["umount", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield path
        finally:
            path.chmod(mode)


@contextlib.contextmanager
def small_disk(path: Path, size: str = "2m"):
    """A tmpfs of `size` at `path`, to fill up; skips the test when not root."""
    if not ROOT:
        pytest.skip("a full disk needs a small tmpfs, and mounting one needs root")
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", path)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(folder: Path) -> None:
    """Write to `folder` until its disk has no room left."""
    with open(folder / "filler", "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    for name in ("filler-small",):  # the last few bytes, too
        try:
            with open(folder / name, "wb") as out:
                while True:
                    out.write(b"\0")
                    out.flush()
        except OSError:
            pass
