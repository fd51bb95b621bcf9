"""A patient's copy fills its cover like a letter's first page: no more than about a third of
page 1 left empty, for every example clinic, A4 and Letter, both language orders, measured on
real copies (the ink pdfplumber finds on the page)."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

import brochure
from brochure.config.options import MM
from brochure.config.patients import Patient
from brochure.personal import leaflet as personal
from brochure.render import balance
from tests.conftest import EXAMPLES
from tests.pdftext import plumbed

BAND_MM = 5.0  # a band of a column with no ink in it counts as empty
CASES = [(clinic, paper, language) for clinic in ("al-noor", "dar-al-shifa", "harbor-spine")
         for paper in ("a4", "letter") for language in ("ar", "en")]


def empty_share(pdf: bytes) -> float:
    """The share of page 1's area left empty: its margins, and each 5 mm band of either column
    of its text area that holds no text, rule, box or picture."""
    with plumbed(pdf) as document:
        page = document.pages[0]
        top = balance.SIDE_MARGINS_MM[0] * MM
        bottom = page.height - balance.SCREEN_BOTTOM_MM * MM
        left, right = balance.SIDE_MARGINS_MM[3] * MM, page.width - balance.SIDE_MARGINS_MM[1] * MM
        # above the footer; a background (over half the page) is not ink
        ink = [item for item in (*page.chars, *page.rects, *page.images, *page.lines, *page.curves)
               if item["top"] < bottom and (item["x1"] - item["x0"]) * (item["bottom"] - item["top"])
               < page.width * page.height / 2]
        middle, bands = page.width / 2, int((bottom - top) // (BAND_MM * MM))
        empty_bands = 0
        for in_column in (lambda item: item["x0"] < middle, lambda item: item["x1"] > middle):
            column = [item for item in ink if in_column(item)]
            for band in range(bands):
                upper = top + band * BAND_MM * MM
                lower = upper + BAND_MM * MM
                empty_bands += not any(item["top"] < lower and item["bottom"] > upper for item in column)
        text_area = (right - left) * (bottom - top)
        filled = text_area * (1 - empty_bands / (2 * bands))
        return 1 - filled / (page.width * page.height)


@pytest.mark.parametrize(("clinic_name", "paper", "language"), CASES,
                         ids=[f"{c}-{p}-{lang}-first" for c, p, lang in CASES])
def test_cover_is_at_most_a_third_empty(clinic_name, paper, language):
    clinic = brochure.load_clinic(EXAMPLES / clinic_name)
    name = "فاطمة الزهراء" if language == "ar" else "John O'Neil"
    note = "Call 050-123-4567 the day before\nEmail care@alnoor-spine.example\nNo food after midnight"
    patient = Patient("P-0301", name, "p@example.com", language, dt.datetime(2026, 12, 8, 10, 30),
                      "Dr. Omar Haddad", note)
    copy = personal.make_personal_leaflet(clinic, patient, paper=paper).pdf
    assert empty_share(copy) <= 1 / 3


def test_empty_share_sees_an_empty_cover():
    """The measure itself: a leaflet page that is mostly blank is found mostly empty."""
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    patient = Patient("P-0302", "John O'Neil", "p@example.com", "en", dt.datetime(2026, 12, 8, 10, 30),
                      None, None)
    copy = personal.make_personal_leaflet(clinic, patient, paper="a4").pdf
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        del pdf.pages[:-1]  # the last page: the end of the second language, half a page or less
        kept = io.BytesIO()
        pdf.save(kept)
    assert empty_share(kept.getvalue()) > 1 / 3
