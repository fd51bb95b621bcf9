"""`build --all` spread over processes writes what one process writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import brochure
from tests.conftest import EXAMPLES


def test_build_all_over_one_process_per_core_writes_the_same_files_as_one_process(built, shared_builds):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: `build --all` runs in one process anyway")
    several = built["al-noor"].parent.parent  # `build --all`: one process per core
    files = sorted(path.relative_to(several) for path in several.rglob("*.pdf"))
    assert [path.parent.name for path in files] == ["al-noor", "dar-al-shifa", "harbor-spine"]
    # one process: each clinic's leaflet made in this one and written as the command writes it
    # (the shared builds other tests read; `--jobs 1` takes the same path in the command's process)
    for path in files:
        clinic = brochure.load_clinic(EXAMPLES / path.parent.name)
        one = shared_builds.leaflet(clinic.slug, "sheet", "office", clinic.paper, ",".join(clinic.languages))
        assert one.relative_to(one.parent.parent) == path
        assert (several / path).read_bytes() == one.read_bytes(), path
    # reported in the order of the clinics, whichever process finished first
    written = [Path(line.split()[0]).parent.name for line in built.stdout.splitlines()]
    assert written == ["al-noor", "dar-al-shifa", "harbor-spine"]
