"""Typographic choices made before WeasyPrint sets the text, from words measured in the bundled
fonts (shaped: Pillow with Raqm): balanced title lines with no word alone on the last (CSS
text-wrap: balance, which WeasyPrint 70 lacks), headings that keep their last two words together,
bullet columns as wide as their items ask, a web address kept beside its label when it fits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise

from markupsafe import Markup, escape

from brochure.assets import fonts_dir
from brochure.bidi import direction_of, keep_numbers_with_words
from brochure.render import balance

FONT = {("en", True): "NotoSans-Bold.ttf", ("ar", True): "NotoNaskhArabic-Bold.ttf",
        ("en", False): "NotoSans-Regular.ttf", ("ar", False): "NotoNaskhArabic-Regular.ttf"}
SAFETY = 0.99  # HarfBuzz shapes both here and in WeasyPrint: a hair of room for rounding


# The tri-fold cover's title, (font, size in pt, tracking in em): English in Noto Sans Condensed
# at -2 % (a display setting), so that "Minimally Invasive", 93 mm in Noto Sans Bold at 28 pt,
# shares a line on the narrowest cover (Letter, office: 76 mm); Arabic in Naskh at 28 pt, where
# "جراحة العمود الفقري" is 80 mm at the masthead's 30 pt. h1 in trifold.css.
COVER_TITLE = {"en": ("NotoSans-CondensedBold.ttf", 28, -0.02), "ar": ("NotoNaskhArabic-Bold.ttf", 28, 0.0)}
# a title's closing abbreviation in brackets, "(MISS)": the cover sets it on a line of its own
_ABBREVIATION = re.compile(r"^(?P<title>.*\S)\s+(?P<abbreviation>\([^()\s]+\))$")


@cache
def _font(lang: str, size_pt: float, bold: bool, file: str | None = None):
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts_dir() / (file or FONT[lang, bold])), size_pt)


def width_mm(text: str, lang: str, size_pt: float, bold: bool = True, file: str | None = None,
             tracking_em: float = 0.0) -> float:
    """`text` set on one line, in mm: bold or regular in the language's bundled font, or in `file`;
    `tracking_em` is CSS letter-spacing, which WeasyPrint adds after every character."""
    font = _font(lang, size_pt, bold, file)
    points = font.getlength(text, direction="rtl" if lang == "ar" else "ltr")
    return (points + tracking_em * size_pt * len(text)) * 25.4 / 72


@cache  # the same title is balanced for every page the layout step makes of a leaflet
def balanced_lines(text: str, lang: str, size_pt: float, measure_mm: float, file: str | None = None,
                   tracking_em: float = 0.0) -> tuple[str, ...] | None:
    """`text` broken into the fewest lines no wider than `measure_mm`, the most even of them, a
    word alone on the last line avoided first and on any line next; None when it is too long to
    balance (more than 12 words, or a word wider than the measure). Set in bold, or in `file` at
    `tracking_em` (width_mm)."""
    words = text.split()
    if len(words) < 2 or len(words) > 12:
        return None
    limit = measure_mm * SAFETY
    best = None
    for count in range(1, len(words) + 1):
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            widths = [width_mm(line, lang, size_pt, True, file, tracking_em) for line in lines]
            if max(widths) > limit:
                continue
            lonely = [b - a == 1 for a, b in pairwise(bounds)] if count > 1 else [False]
            # a word alone on the last line reads worst ("(MISS)", "التوغل")
            score = (lonely[-1], sum(lonely), max(widths) - min(widths))
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return tuple(best[1])
    return None


def word_alone(text: str, lang: str, size_pt: float, measure_mm: float) -> bool:
    """Whether the balanced lines of `text` at this measure leave some word on a line of its own."""
    lines = balanced_lines(text, lang, size_pt, measure_mm)
    return lines is None or any(" " not in line for line in lines if len(lines) > 1)


def balanced(text: str, lang: str, size_pt: float, measure_mm: float, file: str | None = None,
             tracking_em: float = 0.0, centred: bool = False) -> Markup:
    """`text` in balanced lines no wider than `measure_mm`, as HTML (each line a no-wrap span, the
    lines joined by <br>). Text too long to balance is returned unbroken."""
    lines = balanced_lines(text, lang, size_pt, measure_mm, file, tracking_em)
    if lines is None:
        return Markup(escape(text))
    # each line a no-wrap span, the space between two lines between it and the <br> (WeasyPrint 70
    # draws no space there; extractors still read a line break between the two). Centred (a tri-fold cover,
    # a name on a panel), the space ends the line instead, in a span of its own whose
    # word-spacing takes its width back (leaflet.css .gap): a space at a line's end counts in
    # its width, and a centred line sat off centre by half of it; so there the text layer reads
    # "Invasive Spine". Not beside a float: WeasyPrint then moves the line below the float
    # (the one-language masthead's logo), so mastheads keep the plain space.
    if not centred:
        return Markup(" <br>").join(Markup('<span class="nowrap">{}</span>').format(line) for line in lines)
    gap = Markup('<span class="nowrap">{}<span class="gap"> </span></span>')
    return Markup("<br>").join(
        gap.format(line) if i < len(lines) - 1 else Markup('<span class="nowrap">{}</span>').format(line)
        for i, line in enumerate(lines))


def filled_lines(words: list[str], lang: str, size_pt: float, limit_mm: float, bold: bool) -> int | None:
    """How many lines `words` take filled line by line, as WeasyPrint fills a paragraph, in lines
    no wider than `limit_mm`; None when a word alone is wider."""
    count, line = 0, ""
    for word in words:
        wider = f"{line} {word}" if line else word
        if line and width_mm(wider, lang, size_pt, bold) <= limit_mm:
            line = wider
            continue
        if width_mm(word, lang, size_pt, bold) > limit_mm:
            return None
        count, line = count + 1, word
    return count


def balanced_measure(text: str, lang: str, size_pt: float, measure_mm: float, bold: bool = False) -> float:
    """The narrowest measure, at most `measure_mm`, at which `text` takes no more lines than at
    `measure_mm`: filled at it, the lines come out about even (CSS text-wrap: balance for a short
    paragraph, which WeasyPrint 70 lacks), where filling the full measure left "about your" over
    "own condition." (the disclaimer on a Letter tri-fold's back). Words joined by a no-break
    space stay together, as WeasyPrint keeps them."""
    words = text.split(" ")
    lines = filled_lines(words, lang, size_pt, measure_mm * SAFETY, bold)
    if lines is None or lines < 2:
        return measure_mm
    narrow, wide = 0.0, measure_mm * SAFETY  # `wide` always takes `lines`
    while wide - narrow > 0.2:
        middle = (narrow + wide) / 2
        fits = filled_lines(words, lang, size_pt, middle, bold)
        narrow, wide = (narrow, middle) if fits is not None and fits <= lines else (middle, wide)
    return min(measure_mm, round(wide / SAFETY + 0.2, 1))


# the disclaimer beside the QR code on a tri-fold's back (.qr-disclaimer in trifold.css): its
# sizes, and the QR code's cell with the gap after it
BACK_DISCLAIMER_PT = {"en": 12, "ar": 13}
QR_CELL_MM = 26 + 4


def back_disclaimer_measure(text: str, lang: str, paper: str) -> float:
    """The measure, in mm, of the tri-fold back's disclaimer beside the QR code: balanced lines."""
    measure = balance.trifold_back_width(paper) - QR_CELL_MM
    return balanced_measure(text, lang, BACK_DISCLAIMER_PT[lang], measure, bold=True)


def centred_name(text: str, lang: str, size_pt: float, measure_mm: float) -> Markup:
    """A clinic's name centred on a tri-fold panel, in balanced lines ("مستشفى دار الشفاء
    التخصصي" over "لجراحة العمود الفقري والمخ والأعصاب", where filling the first line split
    "العمود الفقري"); a name too long to balance keeps its last two words together (no_widow)."""
    if balanced_lines(text, lang, size_pt, measure_mm) is None:
        return no_widow(text)
    return balanced(text, lang, size_pt, measure_mm, centred=True)


def cover_parts(title: str) -> tuple[str, str]:
    """A title and its closing abbreviation in brackets, apart ("", when it has none)."""
    match = _ABBREVIATION.match(title)
    return (match["title"], match["abbreviation"]) if match else (title, "")


def cover_title(title: str, lang: str, measure_mm: float) -> Markup:
    """The tri-fold cover's title in balanced lines (COVER_TITLE), its closing abbreviation on a
    line of its own at a smaller size (trifold.css): "Spine Surgery (MISS)" is wider than a
    Letter cover, and "(MISS)" alone on a title line reads as a stray word."""
    head, abbreviation = cover_parts(title)
    file, size_pt, tracking_em = COVER_TITLE[lang]
    lines = balanced(head, lang, size_pt, measure_mm, file, tracking_em, centred=True)
    if not abbreviation:
        return lines
    return Markup('{} <span class="abbreviation">{}</span>').format(lines, abbreviation)


def no_widow(text: str, min_words: int = 2, no_break_space: bool = False) -> Markup:
    """The last two words kept together: a heading or title never ends on one word alone
    ("(MISS)", "التوغل"), whichever script. A no-wrap span, so that headings and names (bookmarks,
    the tagged PDF, copy and paste) keep their ordinary spaces; with `no_break_space`, a no-break
    space, as numbers keep their units (bullet items and figure labels, which no bookmark shows:
    each span is an element, which costs WeasyPrint a style; 11 fewer lay al-noor's sheet out 4 %
    faster). Text of fewer than `min_words` words is left free to wrap (a bullet item of two long
    words). A word with a prefix of one or two letters before its hyphen ("X-ray") is never
    broken there."""
    head, space, last = text.rpartition(" ")
    if not space or len(text.split(" ")) < min_words:
        return _short_prefix_whole(text)
    before, space, second = head.rpartition(" ")
    if no_break_space:
        return Markup("{}{}{}\u00a0{}").format(_short_prefix_whole(before), space, second, last)
    return Markup("{}{}<span class=\"nowrap\">{} {}</span>").format(
        _short_prefix_whole(before), space, second, last)


# a paragraph's last word, after an ordinary space, outside any tag (no < or > after it)
_LAST_WORD = re.compile(r" ([^<>\s]{1,12})$")


def last_words_together(text: str | Markup) -> str | Markup:
    """A paragraph's last two words joined by a no-break space, so its last line is never one
    short word ("condition." under the English disclaimer, "invasion." and "شديد." under the
    sections' paragraphs). A no-break space, not the no-wrap span of no_widow: before a no-wrap
    span at a paragraph's end WeasyPrint 70 breaks the line early. Markup ending in a tag (a
    Latin run in Arabic text) is left as it is."""
    match = _LAST_WORD.search(str(text))
    if not match:
        return text
    joined = f"{str(text)[:match.start()]}\u00a0{match.group(1)}"
    return Markup(joined) if isinstance(text, Markup) else joined


_SHORT_PREFIX = re.compile(r"(?<![\w-])[^\W\d_]{1,2}-[^\W\d_]\w*")


def _short_prefix_whole(text: str) -> Markup:
    """"X-" alone at a line's end reads as a letter, not the start of "X-ray"."""
    return Markup(_SHORT_PREFIX.sub(lambda m: f'<span class="nowrap">{m.group()}</span>', str(escape(text))))


def parenthesis_whole(text: str) -> Markup:
    """A closing aside in brackets kept on one line ("(print at 100%)", "(اطبع بنسبة ١٠٠٪)"): a
    bracket's words split over two lines read as two remarks."""
    head, bracket, aside = text.rpartition(" (")
    if not bracket or not aside.endswith(")"):
        return no_widow(text)
    return Markup('{} <span class="nowrap">({}</span>').format(head, aside)


@dataclass(frozen=True)
class ListColumns:
    """A bullet list in two columns read top to bottom: `first` and `second` side by side, the
    first `first_share` % of the width; `head` and `tail` items, too long for a column, across
    the whole width above and below them."""

    head: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...]
    tail: tuple[str, ...]
    first_share: int


def list_columns(measure: dict, items: list[str], lang: str, sizes: dict | None = None,
                 fewest: int = 5) -> ListColumns | None:
    """Five or more short items in two columns, or None for one column. Two columns only where
    every item in them fits its column on one line, each column as wide as its longest item needs
    (the dot's 5 mm included) in the narrowest column the section can land in, COLUMN_GAP %
    apart: an item wrapping beside a column of short ones leaves empty space beside it ("فترات
    الإقامة في / المستشفى"). An item too long for that at the start or the end of the list is set
    across the width instead (reading order kept); the fewest such, else one column."""
    if len(items) < fewest or max(map(len, items)) > 34:
        return None
    size = (sizes or BODY_PT)[lang]
    need = [100 * (width_mm(item, lang, size, bold=False) + DOT_MM + SLACK_MM) / measure[lang]
            for item in items]
    room = 100 - COLUMN_GAP
    count = len(items)
    for spanning in range(count - 3):
        for head in range(spanning + 1):
            tail = count - (spanning - head)
            half = head + (tail - head + 1) // 2
            widths = (max(need[head:half]), max(need[half:tail]))
            if sum(widths) <= room:
                return ListColumns(tuple(items[:head]), tuple(items[head:half]), tuple(items[half:tail]),
                                   tuple(items[tail:]), round(room * widths[0] / sum(widths)))
    return None


def part_columns(measure: dict, items: list[str], whole: list[str], lang: str,
                 sizes: dict | None = None) -> ListColumns | None:
    """A part of a list broken between columns of the page (balance.list_blocks) whose whole list
    is set in two columns, or None where it is not. Each part is one column of its items, from the
    top of its page column; but the part that stays (the list's first items), where one column of
    them would be taller than the whole list, keeps the places they have in the whole list: it is
    never taller than the whole list there."""
    columns = list_columns(measure, whole, lang, sizes)
    if columns is None:
        return None
    rows = len(columns.head) + max(len(columns.first), len(columns.second)) + len(columns.tail)
    if tuple(whole[:len(items)]) != tuple(items) or len(items) <= rows:
        return ListColumns((), tuple(items), (), (), 100)
    # first choice: the part's own two columns, read down one then the other ("tissue trauma,
    # bleeding | radiation exposure, infection risk"); the whole list's places left the last
    # item kept alone in the second column beside the first, which read as one line with it
    own = list_columns(measure, items, lang, sizes, fewest=4)
    if own is not None and not own.head and not own.tail:
        return own
    placed, left = [], len(items)
    for group in (columns.head, columns.first, columns.second, columns.tail):
        placed.append(group[:left])
        left -= len(placed[-1])
    return ListColumns(*placed, columns.first_share)


# a two-column list: 3 % between the columns (leaflet.css), each item's dot and its space 5 mm,
# and half a millimetre for rounding (the items do not wrap there: a hair over runs into the gap)
COLUMN_GAP, DOT_MM, SLACK_MM = 3, 5.0, 0.5


def kept_whole(text: str, region: str | None = None) -> Markup:
    """A contact line's text (an address, opening hours) with what must stay whole in no-wrap
    spans: a time range ("٨:٠٠ حتى ٢٠:٠٠", never "٨:٠٠ حتى" and "٢٠:٠٠" on two lines) or a time,
    each with the word before it, so no time stands alone on a line; phone numbers, email and web
    addresses and codes (text_runs) also set left to right. Numbers keep the word after them
    (bidi.keep_numbers_with_words)."""
    from brochure.text_runs import runs, time_ranges

    spans, at = [], 0
    for run in runs(text, region):
        if run.whole:
            spans.append((at, at + len(run.text), run.kind))
        at += len(run.text)
    spans += [(start, end, "time") for start, end in time_ranges(text)]
    kept: list[list] = []
    for start, end, kind in sorted(spans):
        if kind == "time":  # with the word before it
            start = len(text[:start].rstrip(" \u00a0").rpartition(" ")[0])
            start += start > 0
        if kept and start < kept[-1][1]:  # overlaps the one before: one run
            kept[-1][1] = max(kept[-1][1], end)
            kept[-1][2] = kept[-1][2] if kept[-1][2] == "time" else kind
            continue
        kept.append([start, end, kind])
    text = keep_numbers_with_words(text)
    pieces, at = [], 0
    for start, end, kind in kept:
        pieces.append(escape(text[at:start]))
        ltr = Markup(' dir="ltr"') if kind in ("phone", "email", "url", "code") else ""
        pieces.append(Markup('<span class="nowrap"{}>{}</span>').format(ltr, text[start:end]))
        at = end
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


TITLE_PT = {"en": 28, "ar": 30}  # h1 in leaflet.css (the tri-fold cover: COVER_TITLE)


def title_measures(paper: str, edition: str, logo: bool, title: dict[str, str] | None = None) -> dict:
    """How wide each title's lines may run, in mm (the boxes in leaflet.css and trifold.css), and
    whether a bilingual masthead stacks its titles: side by side when both break with no word
    alone, else one above the other across the masthead ("Minimally Invasive" alone is wider
    than half an A4 masthead at 28 pt)."""
    inner = balance.text_width(paper) - 12  # the masthead's padding
    # the office card: 10.5 mm from the edge, 3 from the fold, 2 inside the card each side (the
    # title 5 mm from the fold, as all text); press: the panel grows by the bleed and 1.5 mm past
    # the fold, its padding by as much and 5 mm
    cover = balance.panel_widths(paper)["cover"] - (17.5 if edition == "office" else 10.0)
    pair = {"en": inner * 0.49, "ar": inner * 0.51 - 4}
    stacked = title is not None and any(word_alone(title[lang], lang, TITLE_PT[lang], pair[lang])
                                        for lang in pair)
    return {"pair": dict.fromkeys(pair, inner) if stacked else pair, "stacked": stacked,
            "single": inner - (32 if logo else 0), "cover": cover,
            "back": balance.trifold_back_width(paper)}


def column_measure(paper: str, edition: str, layout: str, count: int) -> dict[str, float]:
    """The narrowest column a section or the contact block can land in, per language, in mm."""
    if layout == "trifold":
        return dict.fromkeys(("en", "ar"), balance.trifold_figure_width(paper, edition))
    if layout == "sheet" and count == 2 and edition != "screen":
        return {"en": balance.text_width(paper) * 0.43, "ar": balance.text_width(paper) * 0.527}
    return dict.fromkeys(("en", "ar"), balance.column_width(paper))


HEADING_PT = {"en": 14, "ar": 15.5}  # h2 in leaflet.css
BODY_PT = {"en": 12, "ar": 14}       # .col, .cell in leaflet.css
LARGE_HEADING_PT = {"en": 16, "ar": 17.5}  # a tri-fold's sections in large print (trifold.css)
LARGE_BODY_PT = {"en": 14, "ar": 16}
_OTHER_SCRIPT = {"en": re.compile(r"[\u0600-\u06ff]"), "ar": re.compile(r"[A-Za-z]")}


def one_line(measure: dict, text: str, lang: str, size_pt: float, bold: bool,
             inset_mm: float = 0.0) -> bool:
    """Whether `text` surely sets on one line in the narrowest column it can land in (less
    `inset_mm`): then it cannot end on a word alone, and a no-wrap span would be one more box for
    WeasyPrint to lay out for nothing. Text in both scripts is not measured (the font measured
    has the glyphs of one), nor is anything within 3 mm of the measure."""
    if _OTHER_SCRIPT[lang].search(text):
        return False
    return width_mm(text, lang, size_pt, bold) <= measure[lang] - inset_mm - 3


def contact_fits(measure: dict, label: str, address: str, lang: str) -> bool:
    """A bold label and a Latin address (12.5 pt beside Naskh) on one line of the column."""
    width = width_mm(label, lang, BODY_PT[lang]) \
        + width_mm(address, "en", 12.5 if lang == "ar" else 12, bold=False)
    return width <= measure[lang] - 1


# a Latin word or words (with the digits, dots, hyphens and apostrophes inside them)
_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_RUN = re.compile(f"[{_LATIN}](?:[{_LATIN}0-9.'\u2019 -]*[{_LATIN}0-9])?")


def latin_runs(value) -> Markup:
    """`value` (text, or markup from the other filters) with each Latin run inside Arabic text
    ("(MISS)") in a span of its own language, which leaflet.css sets at the English text's size
    (not the Arabic's larger one) and the PDF tags as English. Tags and character references are
    left as they are; text that is not Arabic is returned unchanged."""
    html = str(escape(value))
    if direction_of(_MARKUP.sub("", html)) != "rtl":
        return Markup(html)
    return Markup("".join(part if _MARKUP.fullmatch(part) else _LATIN_RUN.sub(
        lambda run: f'<span lang="en" dir="ltr">{run.group()}</span>', part)
        for part in _MARKUP.split(html)))


_MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")
