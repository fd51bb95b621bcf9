"""On a bilingual sheet the incision figure's label rows run across the whole figure: the English
label from the figure's left edge, the Arabic from its right edge, as the stylesheet's fixed
two-cell rows place them. (A row left to WeasyPrint's automatic table layout shrank to its
labels, squeezed them towards the middle and wrapped the Arabic one.)"""

from __future__ import annotations

import pytest

from brochure.config.options import PAPER
from brochure.render import balance
from tests.pdftext import plumbed

PT_PER_MM = 72 / 25.4
PAGE_MARGIN_MM = 12  # left and right, templates/css/leaflet.css
TOLERANCE_MM = 1.5


@pytest.mark.parametrize("slug, paper, languages", [("al-noor", "a4", ("ar", "en")),
                                                    ("harbor-spine", "letter", ("en", "ar"))])
def test_bilingual_figure_labels_start_at_the_figure_edges(slug, paper, languages, shared_builds):
    leaflet = shared_builds.made(slug, "sheet", "office", paper, ",".join(languages))
    left_mm = PAGE_MARGIN_MM + balance.FIGURE_INSET_MM
    right_mm = PAPER[paper]["width_mm"] - left_mm
    with plumbed(leaflet.pdf) as pdf:
        rows = [(page, word) for page in pdf.pages for word in page.extract_words()
                if word["text"] == "Older"]  # "Older open surgery: ...", the first bar's label
        assert len(rows) == 1, "the open-surgery bar's English label, once"
        page, word = rows[0]
        # the Arabic label of the same bar shares the row's first line
        arabic = [char for char in page.chars if abs(char["top"] - word["top"]) < 4
                  and "\u0600" <= char["text"] <= "\u06ff"]
    assert arabic, "the open-surgery bar's Arabic label beside the English one"
    assert abs(word["x0"] / PT_PER_MM - left_mm) < TOLERANCE_MM, \
        f"English label starts {word['x0'] / PT_PER_MM:.1f} mm from the edge, figure at {left_mm} mm"
    arabic_end = max(char["x1"] for char in arabic) / PT_PER_MM
    assert abs(arabic_end - right_mm) < TOLERANCE_MM, \
        f"Arabic label ends {arabic_end:.1f} mm from the edge, figure at {right_mm:.1f} mm"


@pytest.mark.parametrize("languages", ["ar", "en"])
def test_a_bar_beside_its_label_never_falls_on_it_in_a_wider_panel(languages, shared_builds):
    """A tri-fold draws the figure for its narrowest panel. In a wider one (dar-al-shifa's A4
    one-language tri-fold sets it in the middle inside panel) a right-to-left figure's drawings
    sat at the panel's left and its labels at the right, so the endoscopic bar, set beside its
    label, fell on the label's first letters."""
    leaflet = shared_builds.made("dar-al-shifa", "trifold", "office", "a4", languages)
    # a word of "التنظير الداخلي الحديث: ٢ إلى ٥ مم" / "Modern endoscopic: 2 to 5 mm" (Arabic words
    # come out in glyph order)
    label_word = {"ar": "الحديث:", "en": "endoscopic:"}[languages]
    with plumbed(leaflet.pdf) as pdf:
        found = [(page, word) for page in pdf.pages for word in page.extract_words()
                 if word["text"] in (label_word, label_word[::-1])]
        assert len(found) == 1, "the endoscopic bar's label, once"
        page, word = found[0]
        line = [char for char in page.chars
                if abs(char["top"] - word["top"]) < 3 and char["text"].strip()]
        left, right = min(c["x0"] for c in line), max(c["x1"] for c in line)
        bars = [rect for rect in page.rects
                if rect["top"] < word["bottom"] and rect["bottom"] > word["top"]
                and rect["width"] < 20 * PT_PER_MM and rect["height"] > 1.5 * PT_PER_MM]
    assert bars, "the endoscopic bar on its label's line"
    for bar in bars:
        assert bar["x1"] <= left or bar["x0"] >= right, (bar["x0"], bar["x1"], left, right)
