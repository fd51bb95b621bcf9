"""Typographic choices made before WeasyPrint sets the text, from words measured in the bundled
fonts (shaped: Pillow with Raqm): balanced title lines with no word alone on the last (CSS
text-wrap: balance, which WeasyPrint 70 lacks), headings that keep their last two words together,
bullet columns as wide as their items ask, a web address kept beside its label when it fits."""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations, pairwise

from markupsafe import Markup, escape

from brochure.assets import fonts_dir
from brochure.bidi import direction_of, keep_numbers_with_words
from brochure.render import balance

FONT = {("en", True): "NotoSans-Bold.ttf", ("ar", True): "NotoNaskhArabic-Bold.ttf",
        ("en", False): "NotoSans-Regular.ttf", ("ar", False): "NotoNaskhArabic-Regular.ttf"}
SAFETY = 0.99  # HarfBuzz shapes both here and in WeasyPrint: a hair of room for rounding


@cache
def _font(lang: str, size_pt: float, bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts_dir() / FONT[lang, bold]), size_pt)


def width_mm(text: str, lang: str, size_pt: float, bold: bool = True) -> float:
    font = _font(lang, size_pt, bold)
    return font.getlength(text, direction="rtl" if lang == "ar" else "ltr") * 25.4 / 72


def balanced(text: str, lang: str, size_pt: float, measure_mm: float) -> Markup:
    """`text` broken into balanced lines no wider than `measure_mm`, as HTML (each line a no-wrap
    span, the lines joined by <br>). Text too long to balance is returned unbroken."""
    words = text.split()
    if len(words) < 2 or len(words) > 12:
        return Markup(escape(text))
    limit = measure_mm * SAFETY
    best = None
    for count in range(1, len(words) + 1):
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            widths = [width_mm(line, lang, size_pt) for line in lines]
            if max(widths) > limit:
                continue
            lonely = [b - a == 1 for a, b in pairwise(bounds)] if count > 1 else [False]
            # a word alone on the last line reads worst ("(MISS)", "التوغل")
            score = (lonely[-1], sum(lonely), max(widths) - min(widths))
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            break
    if best is None:
        return Markup(escape(text))
    # each line a no-wrap span, a space before each break: the text keeps its ordinary spaces
    return Markup(" <br>").join(Markup('<span class="nowrap">{}</span>').format(line) for line in best[1])


def no_widow(text: str) -> Markup:
    """The last two words kept together: a heading or title never ends on one word alone
    ("(MISS)", "التوغل"), whichever script. A no-wrap span rather than a no-break space, so the
    text itself (bookmarks, the tagged PDF, copy and paste) keeps its ordinary spaces."""
    head, space, last = text.rpartition(" ")
    if not space:
        return Markup(escape(text))
    before, space, second = head.rpartition(" ")
    return Markup("{}{}<span class=\"nowrap\">{} {}</span>").format(before, space, second, last)


def list_columns(measure: dict, items: list[str], lang: str) -> int | None:
    """Five or more short items in two columns (the first half in the first), or None for one.
    Each column as wide as its longest item needs (the dot's 5 mm included, 4 % between them);
    when both do not fit the narrowest column the section can land in, the first gives way
    (down to 40 %) so that it is the longer items that wrap, never short ones beside empty space.
    When even that does not fit, the second gives way instead (down to 40 %): its longest item
    wraps beside a first column that is full, which still takes fewer lines than one column.
    Returns the first column's share of the width in percent."""
    half = (len(items) + 1) // 2
    if len(items) < 5 or max(map(len, items)) > 34:
        return None
    size = 14 if lang == "ar" else 12
    need = [100 * (max(width_mm(item, lang, size, bold=False) for item in column) + 6)
            / measure[lang] for column in (items[:half], items[half:])]
    if sum(need) <= 96:
        return round(96 * need[0] / sum(need))
    if 96 - need[1] >= 40:
        return round(96 - need[1])
    return round(need[0]) if 96 - need[0] >= 40 else None


TITLE_PT = {"en": 28, "ar": 30}  # h1 in leaflet.css and trifold.css


def title_measures(paper: str, edition: str, logo: bool) -> dict:
    """How wide each title's lines may run, in mm (the boxes in leaflet.css and trifold.css)."""
    inner = balance.text_width(paper) - 12  # the masthead's padding
    # the office card: 10.5 mm at the edge, 5 at the fold, 2 inside the card each side; press:
    # the panel grows by the bleed and 1.5 mm past the fold, its padding by as much and 5 mm
    cover = balance.panel_widths(paper)["cover"] - (19.5 if edition == "office" else 10.0)
    return {"pair": {"en": inner * 0.49, "ar": inner * 0.51 - 4}, "single": inner - (32 if logo else 0),
            "cover": cover}


def column_measure(paper: str, edition: str, layout: str, count: int) -> dict[str, float]:
    """The narrowest column a section or the contact block can land in, per language, in mm."""
    if layout == "trifold":
        return dict.fromkeys(("en", "ar"), balance.trifold_figure_width(paper, edition))
    if layout == "sheet" and count == 2 and edition != "screen":
        return {"en": balance.text_width(paper) * 0.43, "ar": balance.text_width(paper) * 0.527}
    return dict.fromkeys(("en", "ar"), balance.column_width(paper))


def contact_fits(measure: dict, label: str, address: str, lang: str) -> bool:
    """A bold label and a Latin address (12.5 pt beside Naskh) on one line of the column."""
    width = width_mm(label, lang, 14 if lang == "ar" else 12) \
        + width_mm(address, "en", 12.5 if lang == "ar" else 12, bold=False)
    return width <= measure[lang] - 1


# a Latin word or words (with the digits, dots, hyphens and apostrophes inside them)
_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_RUN = re.compile(f"[{_LATIN}](?:[{_LATIN}0-9.'\u2019 -]*[{_LATIN}0-9])?")


def body_text(text: str) -> Markup:
    """`text` with numbers kept with their words (bidi.keep_numbers_with_words); in Arabic text,
    each Latin run ("(MISS)") in a span of its own language, which leaflet.css sets at the English
    text's size (not the Arabic's larger one) and the PDF tags as English."""
    text = keep_numbers_with_words(text)
    if direction_of(text) != "rtl":
        return Markup(escape(text))
    parts, last = [], 0
    for run in _LATIN_RUN.finditer(text):
        parts += [escape(text[last:run.start()]),
                  Markup('<span lang="en" dir="ltr">{}</span>').format(run.group())]
        last = run.end()
    return Markup("").join([*parts, escape(text[last:])])
