"""Every glyph of a name written with vowel marks maps to text, and the name reads back exactly:
the Allah ligature of "اللّٰه" with its marks is two glyphs, and Pango gives the whole cluster's
text to one of them (WeasyPrint then maps the other to nothing, which a reader extracts as a
stray character). The set copy and WeasyPrint's own layout are both checked."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pypdf
import pytest

import brochure
from brochure.config.patients import Patient
from brochure.pdf.glyph_text import cluster_pieces
from tests.conftest import EXAMPLES
from tests.personal.copies import check_pdf_standards, set_copy_and_its_weasyprint_layout

NAME = "عَبْدُ اللّٰهِ مُحَمَّد"


@pytest.fixture(scope="module")
def copies(shared_builds):
    """The first copy of a batch (so compared with WeasyPrint's layout, which must agree), and
    WeasyPrint's layout of the same patient; made once a session."""
    def make():
        clinic = brochure.load_clinic(EXAMPLES / "al-noor")
        patient = Patient("P-0310", NAME, "a@example.com", "ar", dt.datetime(2026, 12, 8, 10, 30),
                          None, "مُحَمَّد")
        fast, laid_out = set_copy_and_its_weasyprint_layout(clinic, patient)
        return {"set": fast, "weasyprint": laid_out}

    return shared_builds.once("glyph-text-copies", make)


def test_a_name_with_marks_keeps_the_fast_path(copies, caplog):
    with caplog.at_level(logging.WARNING, logger="brochure.personal"):
        assert copies["set"].count(b"%%EOF") == 2  # set into the shared copy: no drift
    assert not caplog.records


@pytest.mark.parametrize("made_by", ["set", "weasyprint"])
def test_every_glyph_maps_to_text(copies, made_by):
    check_pdf_standards(copies[made_by])


@pytest.mark.parametrize("made_by", ["set", "weasyprint"])
def test_the_name_with_its_marks_extracts_exactly(copies, made_by):
    text = pypdf.PdfReader(io.BytesIO(copies[made_by])).pages[0].extract_text()
    assert NAME in text


@pytest.mark.parametrize(("text", "glyphs", "right_to_left", "pieces"), [
    ("للّٰه", 2, True, ["لّٰه", "ل"]),    # the item's first glyph is the cluster's last in reading
    ("ffi", 2, False, ["ff", "i"]),
    ("ffi", 3, False, ["f", "f", "i"]),
    ("ا", 2, True, None),                # one character, two glyphs: nothing to share
])
def test_cluster_text_is_shared_in_reading_order(text, glyphs, right_to_left, pieces):
    shared = cluster_pieces(text, glyphs, right_to_left)
    assert shared == pieces
    if shared:
        assert all(shared)
        assert "".join(reversed(shared) if right_to_left else shared) == text
