"""What a printer and a reader see on the page: paper size, one sheet, which language sits where,
numbers that read the right way, a graphic at true scale, a vector QR code and live links."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

import brochure
from tests.conftest import EXAMPLES, MM, drawn_near_the_edge
from tests.pdftext import plumbed

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
ALL_KEYS = ["al-noor", "dar-al-shifa", "harbor-spine", "al-noor:letter:ar,en", "harbor-spine:a4:en,ar",
            "al-noor:a4:ar", "harbor-spine:letter:en"]


@pytest.mark.parametrize("key, size", [("al-noor", A4), ("dar-al-shifa", A4), ("harbor-spine", LETTER),
                                       ("al-noor:letter:ar,en", LETTER), ("harbor-spine:a4:en,ar", A4)])
def test_page_size_is_exact(built, key, size):
    for page in PdfReader(built[key]).pages:
        box = page.mediabox
        assert float(box.left) == 0 and float(box.bottom) == 0
        assert float(box.width) == pytest.approx(size[0], abs=0.01)
        assert float(box.height) == pytest.approx(size[1], abs=0.01)


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_leaflet_is_one_sheet(built, key):
    assert 1 <= len(PdfReader(built[key]).pages) <= 2


def _line_chars(chars, anchor):
    """The characters on the same text line as `anchor`, left to right. Naskh and Sans glyphs on
    one line have different ascents, so tops differ by a few points; lines are ~20pt apart."""
    return sorted((c for c in chars if abs(c["top"] - anchor["top"]) < 8), key=lambda c: c["x0"])


@pytest.mark.parametrize("key, phone", [("al-noor", "+97141234567"), ("dar-al-shifa", "+966112345678"),
                                        ("harbor-spine", "+13135550142")])
def test_phone_digits_read_left_to_right_in_the_arabic_column(built, key, phone):
    with plumbed(built[key]) as pdf:
        page = pdf.pages[-1]
        middle = page.width / 2
        plus_signs = [c for c in page.chars if c["text"] == "+" and c["x0"] > middle]
        assert plus_signs, "the phone number is printed in the Arabic (right) column"
        line = _line_chars(page.chars, plus_signs[0])
        assert any("\u0600" <= c["text"] <= "\u06ff" for c in line), "on the line of the Arabic label"
        shown = "".join(c["text"] for c in line
                        if c["x0"] > middle and (c["text"].isdigit() or c["text"] == "+"))
        assert shown == phone


def test_arabic_column_is_on_the_right_and_english_on_the_left(built):
    for key in ("al-noor", "harbor-spine"):  # Arabic first, and English first
        with plumbed(built[key]) as pdf:
            page = pdf.pages[0]
            middle = page.width / 2
            arabic = [c for c in page.chars if "\u0621" <= c["text"] <= "\u064a" and c["top"] > 200]
            latin = [c for c in page.chars if c["text"].isascii() and c["text"].isalpha() and c["top"] > 200
                     and c["fontname"].endswith("Brochure-Sans") and c["size"] >= 11.9]
            assert sum(c["x0"] > middle for c in arabic) / len(arabic) > 0.95
            assert sum(c["x1"] < middle for c in latin) / len(latin) > 0.9


def test_body_text_is_at_least_12pt_and_arabic_is_larger(built):
    with plumbed(built["al-noor"]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    body_ar = [c["size"] for c in chars if "\u0621" <= c["text"] <= "\u064a" and c["top"] > 150]
    body_en = [c["size"] for c in chars if c["text"].isalpha() and c["text"].isascii() and c["top"] > 150]
    common_ar = max(set(body_ar), key=body_ar.count)
    common_en = max(set(body_en), key=body_en.count)
    assert common_en >= 12 and common_ar >= 12
    assert common_ar > common_en


@pytest.mark.parametrize("key", ["al-noor", "harbor-spine", "al-noor:letter:ar,en"])
def test_incision_bars_are_drawn_at_true_scale(built, key):
    """1 mm on paper is 1 mm: the bars are 5 and 6 inches, one inch, 2 and 5 mm long."""
    with plumbed(built[key]) as pdf:
        widths = sorted({round(r["width"], 1) for page in pdf.pages for r in page.rects})
    for millimetres in (127.0, 25.4, 2.0):
        assert any(abs(w - millimetres * MM) < 0.3 for w in widths), (millimetres, widths)
    for extra in (152.4 - 127.0, 5.0 - 2.0):  # the "up to" part of each range
        assert any(abs(w - extra * MM) < 0.3 for w in widths), (extra, widths)


def test_qr_code_is_vector_and_logos_are_the_only_images(built):
    for key, images in [("al-noor", 0), ("harbor-spine", 0), ("dar-al-shifa", 1)]:  # only the PNG logo
        with plumbed(built[key]) as pdf:
            assert sum(len(page.images) for page in pdf.pages) == images, key
            # the QR code is drawn as vector modules (segno strokes one path per row of modules)
            last = pdf.pages[-1]
            assert len(last.rects) + len(last.lines) + len(last.curves) > 100


@pytest.mark.parametrize("key, links", [
    ("al-noor", {"tel:+97141234567", "mailto:care@alnoor-spine.example", "https://alnoor-spine.example/miss"}),
    ("harbor-spine", {"tel:+13135550142", "mailto:hello@harborspine.example",
                      "https://www.harborspine.example/patients"}),
])
def test_contact_block_links_are_clickable(built, key, links):
    found = set()
    for page in PdfReader(built[key]).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.add(str(action["/URI"]))
    assert links <= found


@pytest.mark.parametrize("key", ["al-noor", "harbor-spine", "al-noor:a4:ar"])
def test_arabic_number_ranges_read_right_to_left_beside_their_unit(built, key):
    """٥-٦ بوصات: in the Arabic text ٥ is read first, so it sits to the right of ٦, and the unit
    follows on its left, on the same line."""
    with plumbed(built[key]) as pdf:
        page = pdf.pages[0]
        fives = [c for c in page.chars if c["text"] == "٥" and c["size"] >= 13.5]
        found = False
        for five in fives:
            line = _line_chars(page.chars, five)
            six = [c for c in line if c["text"] == "٦" and five["x0"] - 12 < c["x0"] < five["x0"]]
            if six:
                found = True
                unit = "".join(c["text"] for c in line if c["x1"] <= six[0]["x0"])
                assert unit.endswith("تاصوب") or "تاصوب" in unit[-12:], unit  # بوصات, glyphs left to right
        assert found, "the range ٥-٦ was not found in the Arabic text"


@pytest.mark.parametrize("slug, layout", [("al-noor", "sheet"), ("dar-al-shifa", "sheet"),
                                          ("harbor-spine", "sheet"), ("dar-al-shifa", "bilingual-pages"),
                                          ("harbor-spine", "bilingual-pages")])
def test_nothing_is_drawn_in_the_side_margins(built, shared_builds, slug, layout):
    if layout == "sheet":
        path = built[slug]
    else:  # the clinic's paper and languages, spelled out to share the build with other tests
        clinic = brochure.load_clinic(EXAMPLES / slug)
        # the clinic's own paper: Letter for harbor-spine, whose Arabic side only just fits it
        path = shared_builds.leaflet(slug, layout, "office", clinic.paper, ",".join(clinic.languages))
    # the side margins an office printer may not print (a figure is an SVG, which the text
    # overflow walk of the build does not measure)
    assert drawn_near_the_edge(path, 12, sides=("left", "right")) == []
