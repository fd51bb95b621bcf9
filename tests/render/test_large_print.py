"""A one-language tri-fold holds half a bilingual one's words, and a one-language sheet that does
not fit one side takes two anyway: their sections are set in large print (English 14 pt, Arabic
16 pt, two points over the usual) wherever they fit so, read back from real builds; a bilingual
tri-fold, and a one-language sheet that fits one side, keep the usual sizes."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.pdftext import plumbed

BODY_PT = {"usual": {"en": 12, "ar": 14}, "large": {"en": 14, "ar": 16}}


def _body_size(pdf: bytes, lang: str) -> float:
    """The size most of the language's letters are set in: its body text."""
    def script(c):
        return "\u0621" <= c <= "\u064a" if lang == "ar" else c.isascii() and c.isalpha()

    with plumbed(pdf) as document:
        sizes = Counter(round(c["size"], 1) for page in document.pages for c in page.chars
                        if script(c["text"]))
    return sizes.most_common(1)[0][0]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_one_language_trifold_sets_its_sections_in_large_print(shared_builds, lang):
    leaflet = shared_builds.made("dar-al-shifa", "trifold", "office", "a4", lang)
    assert leaflet.density == "large"
    assert _body_size(leaflet.pdf, lang) == BODY_PT["large"][lang]


def test_a_one_language_sheet_on_two_sides_sets_its_sections_in_large_print(shared_builds):
    # al-noor's English on Letter does not fit one side at any spacing
    two_sides = shared_builds.made("al-noor", "sheet", "screen", "letter", "en")
    assert (two_sides.density, two_sides.page_count) == ("large", 2)
    assert _body_size(two_sides.pdf, "en") == BODY_PT["large"]["en"]
    one_side = shared_builds.made("dar-al-shifa", "sheet", "office", "a4", "en")
    assert (one_side.density, one_side.page_count) == ("normal", 1)
    assert _body_size(one_side.pdf, "en") == BODY_PT["usual"]["en"]


def test_a_bilingual_trifold_keeps_the_usual_sizes(shared_builds):
    leaflet = shared_builds.made("dar-al-shifa", "trifold", "office", "a4", "ar,en")
    assert leaflet.density != "large"
    assert {lang: _body_size(leaflet.pdf, lang) for lang in ("en", "ar")} == BODY_PT["usual"]


def test_the_build_says_it_set_large_print(tmp_path):
    result = run_cli("build", "--clinic", "dar-al-shifa", "--clinics-dir", EXAMPLES, "--layout", "trifold",
                     "--languages", "en", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(large print: the sections fit in larger type)" in result.stdout
