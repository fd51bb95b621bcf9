"""Print editions and layouts, checked in the written PDFs: what a print shop's preflight and a
person folding the tri-fold would meet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from tests.conftest import EXAMPLES, MM, copy_clinic, drawn_near_the_edge, run_cli
from tests.pdftext import pdfium_text, plumbed

A4 = (210.0, 297.0)
LETTER = (215.9, 279.4)
BUILDS = {  # key: (clinic, layout, edition, paper, languages)
    "sheet-press": ("al-noor", "sheet", "press", "a4", "ar,en"),
    "trifold-press": ("harbor-spine", "trifold", "press", "letter", "en,ar"),
    "trifold-ar": ("dar-al-shifa", "trifold", "office", "a4", "ar,en"),
    "trifold-en": ("harbor-spine", "trifold", "office", "a4", "en,ar"),
    "trifold-ar-only": ("dar-al-shifa", "trifold", "office", "a4", "ar"),
    "pages": ("harbor-spine", "bilingual-pages", "office", "a4", "ar,en"),
    "sheet-office": ("harbor-spine", "sheet", "office", "letter", "en,ar"),
    "sheet-office-ar": ("al-noor", "sheet", "office", "a4", "ar,en"),
    "trifold-en-letter": ("harbor-spine", "trifold", "office", "letter", "en,ar"),
    "pages-en": ("dar-al-shifa", "bilingual-pages", "office", "a4", "en,ar"),
    "trifold-press-ar": ("al-noor", "trifold", "press", "a4", "ar,en"),
}
OFFICE = [key for key, build in BUILDS.items() if build[2] == "office"]


class Printed:
    """The BUILDS, each written by `brochure build` when a test first asks for it."""

    def __init__(self, shared_builds):
        self.shared_builds = shared_builds

    def __getitem__(self, key: str) -> Path:
        slug, layout, edition, paper, langs = BUILDS[key]
        path = self.shared_builds.leaflet(slug, layout, edition, paper, langs)
        assert path.name == f"{slug}-miss-{layout}-{paper}-{langs.replace(',', '-')}-{edition}.pdf"
        return path


@pytest.fixture(scope="module")
def printed(shared_builds) -> Printed:
    return Printed(shared_builds)


def _mm(box):
    return [round(float(v) / MM, 2) for v in box]


@pytest.mark.parametrize("key, trim", [("sheet-press", A4), ("trifold-press", LETTER[::-1])])
def test_press_boxes_trim_bleed_and_room_for_marks(printed, key, trim):
    with pikepdf.open(printed[key]) as pdf:
        for page in pdf.pages:
            media, trim_box, bleed = _mm(page.obj.MediaBox), _mm(page.obj.TrimBox), _mm(page.obj.BleedBox)
            assert trim_box[2] - trim_box[0] == pytest.approx(trim[0], abs=0.01)
            assert trim_box[3] - trim_box[1] == pytest.approx(trim[1], abs=0.01)
            offsets = [b - t for b, t in zip(bleed, trim_box, strict=True)]
            assert offsets == pytest.approx([-3, -3, 3, 3], abs=0.01)
            assert media[:2] < bleed[:2] and media[2] > bleed[2] and media[3] > bleed[3]


@pytest.mark.parametrize("key, size", [("sheet-office", LETTER), ("trifold-en", A4[::-1])])
def test_office_has_no_bleed(printed, key, size):
    with pikepdf.open(printed[key]) as pdf:
        for page in pdf.pages:
            assert _mm(page.obj.MediaBox) == pytest.approx([0, 0, *size], abs=0.01)
            assert _mm(page.obj.get("/TrimBox", page.obj.MediaBox)) == _mm(page.obj.MediaBox)


@pytest.mark.parametrize("key", ["sheet-press", "trifold-press"])
def test_press_is_pdf_x4_with_a_cmyk_output_intent(printed, key):
    with pikepdf.open(printed[key]) as pdf:
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX"
        assert int(intent.DestOutputProfile.N) == 4  # a CMYK profile, embedded
        assert len(intent.DestOutputProfile.read_bytes()) > 1000
        for page in pdf.pages:  # RGB colours are colour-managed, not device-dependent
            assert "/DefaultRGB" in page.obj.Resources.ColorSpace


def test_press_keeps_every_font_embedded_and_bundled(printed):
    from brochure.pdf import inspect as pdfcheck

    fonts = pdfcheck.inspect_pdf(printed["sheet-press"].read_bytes()).fonts
    assert fonts and pdfcheck.font_problems(fonts) == []


@pytest.mark.parametrize("key, marks", [("sheet-press", 8), ("trifold-press", 12)])
def test_crop_and_fold_marks_lie_outside_the_bleed(printed, key, marks):
    with plumbed(printed[key]) as pdf:
        page = pdf.pages[0]
        height = float(page.height)
        with pikepdf.open(printed[key]) as raw:
            x0, y0, x1, y1 = (float(v) for v in raw.pages[0].obj.BleedBox)
        outside = [line for line in page.lines
                   if max(line["x0"], line["x1"]) <= x0 or min(line["x0"], line["x1"]) >= x1
                   or height - max(line["top"], line["bottom"]) >= y1
                   or height - min(line["top"], line["bottom"]) <= y0]
        assert len(outside) >= marks


@pytest.mark.parametrize("key", ["sheet-press", "trifold-press"])
def test_no_text_or_logo_within_4mm_of_the_trim(printed, key):
    with pikepdf.open(printed[key]) as raw:
        trims = [[float(v) for v in page.obj.TrimBox] for page in raw.pages]
    with plumbed(printed[key]) as pdf:
        for page, (x0, y0, x1, y1) in zip(pdf.pages, trims, strict=True):
            top, bottom = float(page.height) - y1, float(page.height) - y0
            safe = 4 * MM
            for item in [*page.chars, *page.images]:
                assert item["x0"] >= x0 + safe and item["x1"] <= x1 - safe, item.get("text")
                assert item["top"] >= top + safe and item["bottom"] <= bottom - safe, item.get("text")


@pytest.mark.parametrize("key", OFFICE)
def test_office_prints_nothing_within_10mm_of_the_paper_edge(printed, key):
    """Desk printers clip up to about 10 mm from the edge: every layout, both reading orders and
    both papers keep text, logo, rules, QR code, figure and the version line inside.
    The faint fold lines of the office tri-fold are guides, not content, but they are not
    excused: they stop at the same margin (a guide from 10 mm to 10 mm still shows where to fold,
    and a line the printer would cut off half way helps nobody)."""
    too_close = drawn_near_the_edge(printed[key], 10)
    assert not too_close, too_close[:8]


# the fold beside the cover, from the trim's left edge: Letter English first (flap 3 5/8 in, back
# 3 11/16 in, cover), A4 Arabic first (cover 100 mm, back, flap)
COVER_FOLD_MM = {"trifold-press": 25.4 * (3 + 5 / 8 + 3 + 11 / 16), "trifold-press-ar": 100.0}


@pytest.mark.parametrize("key, outer", [("trifold-press", "right"), ("trifold-press-ar", "left")])
def test_press_trifold_cover_colour_runs_to_the_bleed_box_and_past_its_fold(printed, key, outer):
    """The cover's brand colour fills its panel out to the BleedBox on the three outer edges (a
    white sliver inside the bleed shows when the trim drifts) and runs 1.5 mm past its fold, so a
    fold that drifts shows colour, not paper."""
    with pikepdf.open(printed[key]) as raw:
        page = raw.pages[0].obj
        bleed_x0, bleed_y0, bleed_x1, bleed_y1 = (float(v) for v in page.BleedBox)
        trim_x0 = float(page.TrimBox[0])
    with plumbed(printed[key]) as pdf:
        page = pdf.pages[0]  # the outside of the sheet, with the cover
        height = float(page.height)
        coloured = [r for r in page.rects if r.get("fill") and r.get("non_stroking_color")
                    and tuple(r["non_stroking_color"]) not in ((1,), (1, 1, 1), (0, 0, 0, 0))]
        cover = max(coloured, key=lambda r: r["width"] * r["height"])
    fold = trim_x0 + COVER_FOLD_MM[key] * MM
    assert cover["top"] == pytest.approx(height - bleed_y1, abs=0.2)
    assert cover["bottom"] == pytest.approx(height - bleed_y0, abs=0.2)
    if outer == "left":
        assert cover["x0"] == pytest.approx(bleed_x0, abs=0.2)
        assert cover["x1"] == pytest.approx(fold + 1.5 * MM, abs=0.2)
    else:
        assert cover["x1"] == pytest.approx(bleed_x1, abs=0.2)
        assert cover["x0"] == pytest.approx(fold - 1.5 * MM, abs=0.2)


def _third_of(path, page_number, word_text):
    """Which third of the page (0 left, 1 middle, 2 right) holds every occurrence of a word that
    appears in one panel only (words of one line in different panels interleave in extraction)."""
    with plumbed(path) as pdf:
        page = pdf.pages[page_number]
        thirds = {int(w["x0"] // (float(page.width) / 3)) for w in page.extract_words()
                  if w["text"] == word_text}
    assert len(thirds) == 1, (word_text, thirds)
    return thirds.pop()


@pytest.mark.parametrize("key, cover, back, first_inside", [
    ("trifold-en", 2, 1, 0),  # English first: cover on the right of the outside
    ("trifold-ar", 0, 1, 2),  # Arabic first: mirrored, opens from the right
])
def test_trifold_panels_land_where_the_fold_needs_them(printed, key, cover, back, first_inside):
    """The cover holds the title, the back the contact block; the first section is read behind
    the cover (which sections go on which panel after it is the layout step's choice)."""
    path = printed[key]
    assert _third_of(path, 0, "Minimally") == cover
    assert _third_of(path, 0, "Contact") == back
    assert _third_of(path, 1, "What") == first_inside


def test_single_language_trifold_is_mirrored_for_arabic(printed):
    with plumbed(printed["trifold-ar-only"]) as pdf:
        page = pdf.pages[0]
        third = float(page.width) / 3
        title = [c for c in page.chars if c["text"] == "ج" and c["size"] > 19]
        assert title and all(c["x0"] < third for c in title)


@pytest.mark.parametrize("key", ["trifold-en", "trifold-ar"])
def test_trifold_figure_is_life_size_and_cuts_the_bar_too_long_for_the_panel(printed, key):
    """A panel is too narrow for five inches. Every bar is at life size, read against the
    life-size ruler: one inch and 2 to 5 mm exactly so; the open-surgery bar runs the figure's
    whole width (past the ruler's end), crossed by a break mark and marked "longer than shown" in each
    language. Drawn at half size, it ended at "3" on the inch scale."""
    with plumbed(printed[key]) as pdf:
        page = next(page for page in pdf.pages if any(r["width"] > 60 * MM for r in page.rects))
        widths = [round(r["width"] / MM, 1) for r in page.rects if 3.5 * MM < r["height"] < 4.5 * MM]
        ruler = max((line for line in page.lines if abs(line["top"] - line["bottom"]) < 0.1),
                    key=lambda line: line["x1"] - line["x0"])
        marks = [line for line in page.lines if line["stroking_color"] == (1, 1, 1)]  # white
        text = "".join(c["text"] for c in page.chars)
    for millimetres in (25.4, 2.0, 3.0):
        assert any(abs(w - millimetres) < 0.2 for w in widths), (millimetres, widths)
    assert not any(abs(w - millimetres) < 0.3 for w in widths for millimetres in (63.5, 12.7))
    assert max(widths) >= (ruler["x1"] - ruler["x0"]) / MM, widths  # to the ruler's end at least
    assert len(marks) == 2, "the cut bar's break mark, two strokes"
    assert "longerthanshown" in text.replace(" ", "")
    assert "أطول" in text or "لوطأ" in text  # pdfplumber may give an Arabic word reversed


def test_bilingual_pages_put_one_language_on_each_side(printed):
    with plumbed(printed["pages"]) as pdf:  # footers included: each side speaks its own
        front, back = ("".join(c["text"] for c in page.chars) for page in pdf.pages)
    arabic = lambda text: sum("\u0621" <= c <= "\u064a" for c in text)  # noqa: E731
    latin = lambda text: sum(c.isascii() and c.isalpha() for c in text)  # noqa: E731
    assert arabic(front) > 10 * latin(front)  # Arabic leads: the front
    assert latin(back) > 10 * arabic(back)


def test_overfull_panel_is_named_and_nothing_is_written(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine", "x")
    (folder / "sections").mkdir()
    (folder / "sections" / "team.toml").write_text(
        '[section]\nid = "team"\n[section.en]\nheading = "Our team"\nparagraphs = ['
        + ", ".join(['"Our surgeons and nurses care for you before, during and after surgery."'] * 6)
        + ']\n[section.ar]\nheading = "فريقنا"\nparagraphs = ['
        + ", ".join(['"يعتني بك الجراحون والممرضون قبل الجراحة وأثناءها وبعدها."'] * 6) + "]\n",
        encoding="utf-8")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o",
                     "--layout", "trifold")
    assert result.returncode == 2
    # the layout step fills the panels in reading order: what is left over is in the last one
    assert "panel inside-3 (inside page): team does not fit" in result.stderr
    assert not (tmp_path / "o").exists()


def test_one_language_per_side_that_does_not_fit_names_the_side(tmp_path):
    # al-noor's Arabic side just fits A4 with tighter spacing, not Letter's shorter page
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--layout", "bilingual-pages", "--paper", "letter")
    assert result.returncode == 2
    assert "one language per side does not fit on LETTER: the Arabic" in result.stderr
    assert "more than one page" in result.stderr
    assert not any(tmp_path.rglob("*.pdf"))


def test_preview_writes_pages_and_a_contact_sheet(tmp_path):
    result = run_cli("preview", "--clinic", "harbor-spine", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--layout", "trifold")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "harbor-spine" / "preview"
    pages = sorted(folder.glob("*-p*.png"))
    assert len(pages) == 2
    with Image.open(pages[0]) as first, Image.open(next(folder.glob("*-sheet.png"))) as sheet:
        assert first.width > first.height  # landscape
        assert sheet.width > 2 * first.width
    assert not any(tmp_path.rglob("*.pdf"))


def test_low_resolution_logo_warns_for_press(tmp_path):
    folder = copy_clinic(tmp_path, "dar-al-shifa", "x")
    with Image.open(folder / "logo.png") as logo:
        logo.resize((60, 60)).save(folder / "logo.png")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o",
                     "--for", "press")
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stderr and "logo.png: " in result.stderr
    assert " dpi at its printed size" in result.stderr


def test_clinic_can_supply_its_print_shops_icc_profile(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine", "x")
    source = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
    if not Path(source).exists():
        pytest.skip("no CMYK profile on this machine to stand in for a print shop's")
    shutil.copy(source, folder / "shop.icc")
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[press]\nicc_profile = "shop.icc"\n',
                    encoding="utf-8")
    out = tmp_path / "o"
    args = ("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", out, "--for", "press")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    with pikepdf.open(next(out.rglob("*.pdf"))) as pdf:
        assert int(pdf.Root.OutputIntents[0].DestOutputProfile.N) == 4
    toml.write_text(toml.read_text(encoding="utf-8").replace('"shop.icc"', '"../../../shop.icc"'),
                    encoding="utf-8")
    bad = run_cli(*args)
    assert bad.returncode == 2 and "press.icc_profile: expected a file inside" in bad.stderr


@pytest.mark.parametrize("key", ["sheet-press", "trifold-press", "trifold-ar-only", "pages", "sheet-office"])
def test_every_printed_leaflet_says_its_content_version_and_review_date(printed, key):
    """Document control on paper: the version and the last review, in each language printed."""
    text = pdfium_text(printed[key])
    languages = BUILDS[key][4].split(",")
    if "en" in languages:
        assert "Content version 1.0 · last reviewed 20 November 2026" in text
    if "ar" in languages:
        assert "إصدار المحتوى" in text and "آخر مراجعة" in text and "نوفمبر" in text
