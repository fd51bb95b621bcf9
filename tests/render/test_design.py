"""The design held in numbers, on every layout and language mix: a real title, units on both of
the figure's scales in each language, the figure's key, every heading laid out (nothing clipped
by a panel or page), and the layout step's balance (moving sections before tightening spacing)."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, MM, Lazy
from tests.pdftext import pdfium_text, plumbed

# (clinic, layout, edition, paper, languages): every layout and language mix, on clinics that fit
BUILDS = [
    *[("dar-al-shifa", "sheet", "office", "a4", langs) for langs in ("ar,en", "en,ar", "ar", "en")],
    *[("dar-al-shifa", "trifold", "office", "a4", langs) for langs in ("ar,en", "en,ar", "ar", "en")],
    *[("harbor-spine", "trifold", "press", paper, "en,ar") for paper in ("letter", "a4")],
    ("harbor-spine", "trifold", "office", "letter", "en,ar"),  # the narrowest cover
    *[("dar-al-shifa", "bilingual-pages", "office", "a4", langs) for langs in ("ar,en", "en,ar")],
    ("dar-al-shifa", "sheet", "screen", "a4", "ar,en"),
    ("harbor-spine", "sheet", "office", "letter", "en,ar"),  # needs tighter spacing
    ("al-noor", "sheet", "office", "a4", "ar,en"),
    # the fullest tri-fold (its disclaimer on the back) and one language per side on Letter
    ("al-noor", "trifold", "office", "a4", "ar,en"),
    ("al-noor", "trifold", "press", "letter", "en,ar"),
    ("harbor-spine", "bilingual-pages", "office", "letter", "en,ar"),
]
UNITS = {"en": "Inches above the line, centimetres below", "ar": "الأرقام فوق الخط بالبوصة، وتحته بالسنتيمتر"}
# each scale's unit at the ruler's zero, in the leaflet's leading language
RULER_UNITS = {"en": ("in", "cm"), "ar": ("بوصة", "سم")}
KEY = {"en": ("shortest", "up to the longest", "or more"), "ar": ("أدنى طول", "حتى أقصى طول", "أو أكثر")}
HEADINGS = {"en": ("What is MISS?", "Then and now", "Benefits", "Conditions it can treat",
                   "Who can benefit?"),
            "ar": ("ما هي جراحة العمود الفقري طفيفة التوغل؟", "بين الأمس واليوم", "الفوائد",
                   "الحالات التي يمكن علاجها", "من يمكنه الاستفادة؟")}


@pytest.fixture(scope="module")
def leaflets(shared_builds):
    """Each build's Leaflet, made when a test first asks for it, once per test session."""
    return Lazy(lambda build: shared_builds.made(*build))


def _ids(build) -> str:
    return "-".join(build)


def _letters(text: str) -> str:
    """Letters and digits only: pdfium moves punctuation and spaces about at a change of
    direction (tests/pdftext.py), which is not what these tests are about."""
    return "".join(c for c in text if c.isalnum())


def _text(leaflet) -> str:
    return _letters(pdfium_text(leaflet.pdf))


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_title_is_set_between_28_and_36_pt(leaflets, build):
    """Professional leaflets set their title at 28 to 36 pt; the body stays at 12 to 15.5 pt."""
    with plumbed(leaflets[build].pdf) as pdf:
        chars = [(c["text"], c["size"]) for page in pdf.pages for c in page.chars]
    sizes = [round(size, 1) for text, size in chars if text.strip()]
    assert 27.99 <= max(sizes) <= 36
    for lang in build[4].split(","):  # each language's title
        script = (lambda c: "\u0621" <= c <= "\u064a") if lang == "ar" else str.isascii
        title = [size for text, size in chars if script(text) and text.isalpha() and size >= 27.5]
        assert title and all(27.99 <= size <= 36 for size in title), lang


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_title_lines_never_hold_one_word_alone(leaflets, build):
    """Each title line read back from the PDF holds two words or more. A bilingual masthead stacks
    its titles where side by side would leave one alone ("Minimally" at 28 pt is wider than half
    the masthead); a tri-fold cover sets its English title condensed ("Minimally Invasive" is
    93 mm in Noto Sans Bold, the narrowest cover 76 mm) and its "(MISS)" smaller, on a line of
    its own."""
    with plumbed(leaflets[build].pdf) as pdf:
        for page in pdf.pages:
            title = page.filter(lambda obj: obj.get("size", 0) >= 27.5)
            lines: dict[int, list[str]] = {}
            for word in title.extract_words():
                lines.setdefault(round(word["top"] / 4), []).append(word["text"])
            for words in lines.values():
                assert len(words) >= 2, (page.page_number, words)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_figure_names_the_units_of_both_scales_and_its_shades_in_each_language(leaflets, build):
    text = _text(leaflets[build])
    for lang in build[4].split(","):
        assert _letters(UNITS[lang]) in text, lang
        for words in KEY[lang]:
            assert _letters(words) in text, (lang, words)
    with plumbed(leaflets[build].pdf) as pdf:
        numbers = {c["text"] for page in pdf.pages for c in page.chars if c["size"] < 12}
    # both scales are numbered: inches up to 3 at least, centimetres to 7 at least
    assert {"3", "7"} <= numbers or {"٣", "٧"} <= numbers


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_ruler_names_its_units_at_zero_in_the_leading_language(leaflets, build):
    """Where the 0s would be, "in" above the line and "cm" below (بوصة, سم when Arabic leads).
    pdfplumber gives a line's letters left to right, so an Arabic word comes out reversed."""
    leading = build[4].split(",")[0]
    with plumbed(leaflets[build].pdf) as pdf:
        small = [c for page in pdf.pages for c in page.chars if c["size"] <= 9.5 and c["text"].strip()]
    lines = {}
    for char in small:  # the units are the only bold text this small
        if "Bold" in char["fontname"]:
            lines.setdefault(round(char["top"]), []).append(char)
    words = {_letters("".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])))
             for line in lines.values()}
    for unit in RULER_UNITS[leading]:
        expected = _letters(unit)
        assert expected in words or expected[::-1] in words, (unit, words)


# one figure for both languages: bilingual sheets and tri-folds (bilingual pages and the screen
# edition give each language a page and a figure of its own)
SHARED_FIGURE = [b for b in BUILDS if "," in b[4] and b[1] != "bilingual-pages" and b[2] != "screen"]


@pytest.mark.parametrize("build", SHARED_FIGURE, ids=_ids)
def test_a_figure_both_languages_share_has_a_ruler_both_can_read(leaflets, build):
    """Beside each unit of the leading language, the other's ("بوصة in", "cm سم"), and the
    ruler's numbers in the digits both read: Arabic-Indic digits alone left an English reader of an
    Arabic-first sheet a ruler without numbers."""
    other = build[4].split(",")[1]
    with plumbed(leaflets[build].pdf) as pdf:
        small = [c for page in pdf.pages for c in page.chars if c["size"] <= 9.5 and c["text"].strip()]
    regular = _letters("".join(c["text"] for c in small if "Bold" not in c["fontname"]))
    for unit in RULER_UNITS[other]:
        assert _letters(unit) in regular or _letters(unit)[::-1] in regular, unit
    ruler_digits = {c["text"] for c in small if c["size"] < 9 and c["text"].isdigit()}
    assert {"1", "2", "3"} <= ruler_digits and not ruler_digits & set("١٢٣٤٥٦٧٨٩"), ruler_digits


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_every_heading_is_laid_out_whole(leaflets, build):
    """Nothing cut off by a panel or a page: every section heading of each language is in the
    text layer (a heading past a panel's edge would not be), and the build reported no overflow."""
    text = _text(leaflets[build])
    for lang in build[4].split(","):
        for heading in HEADINGS[lang]:
            assert _letters(heading) in text, (lang, heading)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_no_side_or_panel_is_over_40_percent_empty_when_spacing_was_tightened(leaflets, build):
    leaflet = leaflets[build]
    assert leaflet.fill, "the fill of every side or panel is reported"
    assert all(0 <= share <= 1 for share in leaflet.fill.values())
    if leaflet.density in ("snug", "tight"):  # large print is looser than normal
        # the tri-fold's cover holds the title alone by design: no section may move onto it
        movable = [share for where, share in leaflet.fill.items() if where != "cover"]
        assert min(movable) >= 0.6, leaflet.fill


def test_fill_names_every_panel_of_a_trifold_and_every_side_of_a_sheet(leaflets):
    trifold = leaflets["dar-al-shifa", "trifold", "office", "a4", "en,ar"]
    assert set(trifold.fill) == {"cover", "back", "flap", "inside-1", "inside-2", "inside-3"}
    sheet = leaflets["dar-al-shifa", "sheet", "office", "a4", "ar,en"]
    assert set(sheet.fill) == {"page 1", "page 2"}


@pytest.mark.parametrize("build", [
    ("dar-al-shifa", "sheet", "office", "a4", "en"),
    # al-noor's Arabic fits one A4 side at tight spacing with under a millimetre to spare, more
    # than the layout step's sums promised: it was two sides 56 % and 46 % full
    ("al-noor", "sheet", "office", "a4", "ar"),
], ids=_ids)
def test_single_language_leaflet_fits_one_side_where_it_fits(leaflets, build):
    """A one-language leaflet that fits one side gets one page, not a half-empty back."""
    leaflet = leaflets[build]
    assert leaflet.page_count == 1 and leaflet.fill["page 1"] > 0.8


def test_verbose_build_reports_the_fill(tmp_path):
    from tests.conftest import run_cli

    result = run_cli("build", "--clinic", "dar-al-shifa", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--layout", "trifold", "--verbose")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("fill:"))
    for panel in ("flap", "back", "cover", "inside-1", "inside-2", "inside-3"):
        assert f"{panel} " in line and "%" in line


@pytest.mark.parametrize("build", [b for b in BUILDS if b[1] == "trifold" and b[2] == "office"], ids=_ids)
def test_cover_title_lines_are_centred_on_the_card_and_copy_out_as_words(leaflets, build):
    """A space at the end of a line counted in its width and set each centred title line off
    centre by half of it (4.1 mm one side, 2.4 the other on Arabic-only Letter covers); a space
    between a line's span and its break was not drawn, and the title copied out as
    "InvasiveSpine"."""
    with plumbed(leaflets[build].pdf) as pdf:
        page = pdf.pages[0]
        card = max((r for r in page.rects + page.curves if r["height"] > 150 * MM),
                   key=lambda r: r["x0"] if build[4].startswith("en") else -r["x0"])
        title = [c for c in page.chars if c["size"] >= 27.5 and card["x0"] < c["x0"] < card["x1"]]
    lines: dict[int, list] = {}
    for char in title:
        lines.setdefault(round(char["top"]), []).append(char)
    for chars in lines.values():
        ink = [c for c in chars if c["text"].strip()]
        middle = (min(c["x0"] for c in ink) + max(c["x1"] for c in ink)) / 2
        assert abs(middle - (card["x0"] + card["x1"]) / 2) < 0.5 * MM
    if "en" in build[4]:
        assert "Minimally Invasive Spine Surgery" in "".join(c["text"] for c in title)
