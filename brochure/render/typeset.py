"""Line breaks for titles, chosen before WeasyPrint sets them: as few lines as fit, the lines as
even as they can be, never one word alone on a line when it can be helped (CSS text-wrap: balance,
which WeasyPrint 70 lacks). Words are measured in the bundled fonts, shaped (Pillow with Raqm)."""

from __future__ import annotations

from functools import cache
from itertools import combinations, pairwise

from markupsafe import Markup, escape

from brochure.assets import fonts_dir

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
