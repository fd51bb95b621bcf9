"""`brochure build --clinic` writes the very PDF `brochure.make_leaflet` makes for the same options,
under the leaflet's own file name: the shared builds the other tests read are made through the API
and written as the command writes them (tests/conftest.py, SharedBuilds.leaflet)."""

from __future__ import annotations

from tests.conftest import EXAMPLES, run_cli


def test_build_writes_the_leaflet_the_api_makes_byte_for_byte(shared_builds, tmp_path):
    # a build test_design and the print tests share, finished for press (marks, PDF/X) after the render
    result = run_cli("build", "--clinic", "harbor-spine", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--layout", "trifold", "--for", "press", "--paper", "letter", "--languages", "en,ar")
    assert result.returncode == 0, result.stderr
    leaflet = shared_builds.made("harbor-spine", "trifold", "press", "letter", "en,ar")
    [written] = (tmp_path / "harbor-spine").iterdir()
    assert written.name == leaflet.filename
    assert written.read_bytes() == leaflet.pdf
