"""The tri-fold as a print shop folds it: the flap that folds in is narrower (97 of 297 mm on A4,
3 5/8 of 11 in on Letter), so each side's folds sit where the measured panel widths put them,
mirrored when Arabic leads; the cover is the title only and the back names the clinic. Built on
al-noor, the fullest example: its back panel carries the disclaimer beside the QR code."""

from __future__ import annotations

import io

import pytest

import brochure
from tests.conftest import EXAMPLES, MM
from tests.pdftext import plumbed

INCH = 25.4
# fold positions from the left edge of the sheet, outside then inside, in mm
FOLDS = {
    ("a4", "en,ar"): ((97.0, 197.0), (100.0, 200.0)),
    ("a4", "ar,en"): ((100.0, 200.0), (97.0, 197.0)),
    ("letter", "en,ar"): ((3.625 * INCH, (3.625 + 3.6875) * INCH), (3.6875 * INCH, 7.375 * INCH)),
    ("letter", "ar,en"): ((3.6875 * INCH, 7.375 * INCH), (3.625 * INCH, (3.625 + 3.6875) * INCH)),
}


@pytest.fixture(scope="module")
def trifolds(shared_builds):
    """Office tri-folds (their faint fold guides mark the folds) in both reading orders, of the
    example with the most to say (an extra section, the longest contact); made once a session."""
    return {(paper, langs): shared_builds.made("al-noor", "trifold", "office", paper, langs).pdf
            for paper, langs in FOLDS}


def _fold_guides(pdf: bytes) -> list[tuple[float, ...]]:
    with plumbed(pdf) as document:
        return [tuple(sorted({round(r["x0"] / MM, 1) for r in page.rects
                              if 0.1 * MM < r["width"] < 0.3 * MM and r["height"] > 100 * MM}))
                for page in document.pages]


@pytest.mark.parametrize("paper, langs", list(FOLDS))
def test_folds_sit_where_the_narrower_flap_puts_them(trifolds, paper, langs):
    outside, inside = _fold_guides(trifolds[paper, langs])
    expected_outside, expected_inside = FOLDS[paper, langs]
    assert outside == pytest.approx(expected_outside, abs=0.15)
    assert inside == pytest.approx(expected_inside, abs=0.15)


@pytest.mark.parametrize("paper, langs", list(FOLDS))
def test_panel_widths_are_full_full_and_a_narrower_flap(trifolds, paper, langs):
    """Three panels per side: the two full ones equal, the flap 3 mm (A4) or 1/16 in (Letter)
    narrower, on the left of the outside when English leads and on the right when Arabic does."""
    width = 297.0 if paper == "a4" else 11 * INCH
    for folds in _fold_guides(trifolds[paper, langs]):
        panels = [folds[0], folds[1] - folds[0], width - folds[1]]
        full, flap = (100.0, 97.0) if paper == "a4" else (3.6875 * INCH, 3.625 * INCH)
        assert sorted(panels) == pytest.approx(sorted([full, full, flap]), abs=0.15)
    outside = _fold_guides(trifolds[paper, langs])[0]
    flap_on_left = outside[0] < outside[1] - outside[0]
    assert flap_on_left == langs.startswith("en")


def test_text_keeps_clear_of_every_fold(trifolds):
    """Text at least 4 mm from each fold (the panels keep 5 mm), in both reading orders. A space
    draws no ink (a centred title line's last one is of no width, for its text layer only)."""
    for (paper, langs), pdf in trifolds.items():
        with plumbed(pdf) as document:
            for page, folds in zip(document.pages, _fold_guides(pdf), strict=True):
                for char in (char for char in page.chars if char["text"].strip()):
                    for fold in folds:
                        gap = min(abs(char["x0"] / MM - fold), abs(char["x1"] / MM - fold))
                        straddles = char["x0"] / MM < fold < char["x1"] / MM
                        assert gap >= 4 and not straddles, (paper, langs, char["text"], fold)


def test_cover_is_title_name_and_purpose_only_and_back_names_the_clinic(trifolds):
    pdf = trifolds["a4", "en,ar"]
    with plumbed(pdf) as document:
        outside = document.pages[0]
        folds = _fold_guides(pdf)[0]
        cover = outside.crop((folds[1] * MM, 0, outside.width, outside.height)).extract_text()
        back = outside.crop((folds[0] * MM, 0, folds[1] * MM, outside.height)).extract_text()
    assert "Minimally" in cover and "Al Noor Spine Centre" in cover
    assert "What is MISS" not in cover and "Contact" not in cover  # nothing the reader must read
    assert "Al Noor Spine Centre" in back and "Contact us" in back


def _back_text(pdf: bytes) -> str:
    with plumbed(pdf) as document:
        outside = document.pages[0]
        folds = _fold_guides(pdf)[0]
        return outside.crop((folds[0] * MM, 0, folds[1] * MM, outside.height)).extract_text()


@pytest.mark.parametrize("paper, langs", list(FOLDS))
def test_back_panel_gives_the_contact_once_and_the_disclaimer_beside_the_qr_code(trifolds, paper, langs):
    """al-noor's reading panels are full: the disclaimer moves to the back, where the phone, email
    and website are given once for both languages (two whole contact blocks left it no room)."""
    back = _back_text(trifolds[paper, langs])
    assert back.count("+971 4 123 4567") == 1 and back.count("care@alnoor-spine.example") == 1
    assert "Address: Building 4" in back and "Opening hours: Sunday" in back
    # beside the QR code: its caption's lines come between the disclaimer's in the text layer,
    # and where its lines break depends on the paper
    words = back.split()
    assert all(word in words for word in ("leaflet", "doctor's", "advice:", "surgeon", "condition."))
    assert "Content version 1.0" in back
    with plumbed(trifolds[paper, langs]) as document:
        inside = document.pages[1].extract_text()
    assert "This leaflet gives general" not in inside


@pytest.mark.parametrize("paper, langs", [("letter", "en,ar"), ("a4", "ar,en")])
def test_press_fold_marks_sit_on_each_sides_own_folds(paper, langs):
    """Outside the trim, above and below: the outside's fold marks where the outside folds, the
    inside's where the inside does (the narrower flap moves them, mirrored overleaf)."""
    import pikepdf

    clinic = brochure.load_clinic(EXAMPLES / "dar-al-shifa")
    pdf = brochure.build_leaflet(clinic, paper, tuple(langs.split(",")), layout="trifold", edition="press")
    with pikepdf.open(io.BytesIO(pdf)) as raw:
        trims = [[float(v) for v in page.obj.TrimBox] for page in raw.pages]
    with plumbed(pdf) as document:
        for page, (x0, _, _, y1), folds in zip(document.pages, trims, FOLDS[paper, langs], strict=True):
            top = float(page.height) - y1  # the trim's top edge, from the top of the sheet
            # the fold marks: vertical strokes above the trim, away from its corners
            marks = sorted({round((line["x0"] - x0) / MM, 1) for line in page.lines
                            if abs(line["x0"] - line["x1"]) < 0.1 and line["bottom"] < top
                            and 5 * MM < line["x0"] - x0 < float(page.width) - 2 * x0 - 5 * MM})
            assert marks == pytest.approx(list(folds), abs=0.15)
