"""`build --all` spread over processes writes what one process writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES


def test_build_all_over_one_process_per_core_writes_the_same_files_as_one_process(built, shared_builds):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: `build --all` runs in one process anyway")
    several = built["al-noor"].parent.parent  # `build --all`: one process per core
    one, _ = shared_builds.build("--all", "--clinics-dir", EXAMPLES, "--jobs", "1")
    files = sorted(path.relative_to(several) for path in several.rglob("*.pdf"))
    assert [path.parent.name for path in files] == ["al-noor", "dar-al-shifa", "harbor-spine"]
    assert files == sorted(path.relative_to(one) for path in one.rglob("*.pdf"))
    for path in files:
        assert (several / path).read_bytes() == (one / path).read_bytes(), path
    # reported in the order of the clinics, whichever process finished first
    written = [Path(line.split()[0]).parent.name for line in built.stdout.splitlines()]
    assert written == ["al-noor", "dar-al-shifa", "harbor-spine"]
