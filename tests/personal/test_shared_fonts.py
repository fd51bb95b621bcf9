"""A set cover draws its glyphs from the leaflet's own font programs (widened once per shared
copy), so a copy embeds no font program of its own; a glyph outside them (a letter of Latin
Extended-A) gets a subset of the copy's own. Either way one subset tag names one program, every
glyph maps to text, and the name reads back as typed."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

import brochure
from brochure.config.patients import Patient
from brochure.personal import leaflet as personal
from tests.conftest import EXAMPLES
from tests.pdftext import tagged_reading
from tests.personal.copies import check_pdf_standards


def _programs(pdf: bytes) -> tuple[set, set]:
    """The font programs (object numbers) page 1 uses, and those the other pages use."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        def used(page):
            return {font.DescendantFonts[0].FontDescriptor.FontFile2.objgen
                    for font in page.Resources.get("/Font", {}).values()}
        return used(document.pages[0]), set().union(*(used(page) for page in document.pages[1:]))


@pytest.mark.parametrize(("name", "language", "shared"), [
    ("فاطمة الزهراء", "ar", True), ("Zoë Díaz", "en", True), ("Łukasz Wałęsa", "en", False)])
def test_cover_fonts_come_from_the_leaflets_programs(name, language, shared):
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    patient = Patient("P-0330", name, "p@example.com", language, dt.datetime(2026, 12, 8, 10, 30),
                      "Dr. Omar Haddad", "Call 050-123-4567 the day before")
    copy = personal.make_personal_leaflet(clinic, patient).pdf
    assert copy.count(b"%%EOF") == 2  # set into the shared copy
    cover, leaflet = _programs(copy)
    own = cover - leaflet
    assert not own if shared else own  # Ł is not in the widened programs: its font is cut for it
    check_pdf_standards(copy)
    # drawn right to left, so pdfplumber gives an Arabic name's characters reversed
    drawn = name[::-1] if language == "ar" else name
    assert any(text.strip() == drawn for _, text in tagged_reading(copy))
