"""`brochure build --clinic` writes the very PDF `brochure.make_leaflet` makes for the same options,
under the leaflet's own file name: the shared builds the other tests read are made through the API
and written as the command writes them (tests/conftest.py, SharedBuilds.leaflet)."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, run_cli

# (the press edition is left out: its PDF/X metadata names each build with a new document ID)
CASES = {  # the options given on the command line, and the same build as made through the API
    "every-option-given": ("harbor-spine", ["--layout", "trifold", "--for", "office", "--paper",
                                            "letter", "--languages", "en,ar"],
                           ("trifold", "office", "letter", "en,ar")),
    "the-clinics-paper-and-languages": ("dar-al-shifa", ["--layout", "bilingual-pages"],
                                        ("bilingual-pages", "office", "a4", "ar,en")),
}


@pytest.mark.parametrize("case", CASES)
def test_build_writes_the_leaflet_the_api_makes_byte_for_byte(case, shared_builds, tmp_path):
    slug, options, (layout, edition, paper, languages) = CASES[case]
    result = run_cli("build", "--clinic", slug, "--clinics-dir", EXAMPLES, "--out", tmp_path, *options)
    assert result.returncode == 0, result.stderr
    leaflet = shared_builds.made(slug, layout, edition, paper, languages)
    [written] = (tmp_path / slug).iterdir()
    assert written.name == leaflet.filename
    assert written.read_bytes() == leaflet.pdf
