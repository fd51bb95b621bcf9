"""Turn a clinic and the topic into HTML (Jinja, autoescaped) and the HTML into PDF (WeasyPrint),
with every fetch confined and every WeasyPrint complaint caught."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML

from brochure.assets import brackets_unicode_range, bundled_roots, fonts_dir, templates_dir
from brochure.bidi import arabic_digits, direction_of, keep_numbers_with_words
from brochure.config.clinic import Clinic
from brochure.config.content import Topic, interface_words
from brochure.config.options import BLEED_MM, PAPER
from brochure.errors import BrochureError, Problem, display_path
from brochure.pdf.prepress import cmyk_profile
from brochure.pdf.tagging import install as tag_languages
from brochure.render import figures
from brochure.render.fetcher import LocalOnlyFetcher
from brochure.weasy import BundledFontConfiguration, boxes, page_box

tag_languages()

SIDE_MARGIN_MM = 12.0  # matches @page margin in templates/css/leaflet.css
FIGURE_INSET_MM = 4.0
PANEL_PADDING_MM = 6.0  # matches .panel in templates/css/trifold.css
COLUMN_GAP_MM = 9.0  # matches .language-body .cells in templates/css/leaflet.css

# Tri-fold content by panel. Letter fold, English first, outside page left to right:
# flap (folds in first), back, cover; inside page: inside-1 (behind the cover), inside-2,
# inside-3 (behind the flap). Arabic first mirrors both pages so the leaflet opens from the right.
TRIFOLD_OUTSIDE = ("flap", "back", "cover")
TRIFOLD_INSIDE = ("inside-1", "inside-2", "inside-3")
TRIFOLD_CONTENT = {  # opening the cover shows inside-1 beside the flap: text and its figure
    "cover": ("cover", "what"),
    "flap": ("figure", "*clinic"),  # the figure, then the clinic's own sections
    "inside-1": ("then-and-now",),
    "inside-2": ("benefits", "who"),
    "inside-3": ("conditions", "disclaimer"),  # the disclaimer closes the main reading
    "back": ("contact", "qr"),
}

# WeasyPrint says this when HarfBuzz-subset is missing: slower subsetting, same PDF. Not a defect
# of the leaflet, so it does not fail the build (the Makefile installs the library anyway).
_HARMLESS = ("Using fontTools instead of HarfBuzz-Subset",)


OVERFLOW_TOLERANCE_PT = 0.75


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    page_count: int
    section_pages: dict[str, int]  # element id -> page number where it starts
    overflows: list[str]           # text that sticks out of its column, described for staff
    logo_size_pt: tuple[float, float] | None = None  # the logo as printed
    # content boxes of the elements named by render_pdf's `box_ids`: left, top, width, height in
    # pt from the top left of their page
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dir"] = direction_of
    env.filters["arabic_digits"] = arabic_digits
    env.filters["nb"] = keep_numbers_with_words
    return env


_font_config_lock = threading.Lock()
_font_configs: dict[int, BundledFontConfiguration] = {}


def _font_config() -> BundledFontConfiguration:
    # Loading @font-face fonts is a large part of a render; keep one configuration per thread
    # (Pango font maps are not shared safely between threads). Only the bundled fonts: a
    # machine's own fonts never change or stop a leaflet.
    key = threading.get_ident()
    with _font_config_lock:
        if key not in _font_configs:
            _font_configs[key] = BundledFontConfiguration()
        return _font_configs[key]


DENSITIES = ("normal", "snug", "tight")  # the fitting ladder, loosest first (see leaflet.css)


def leaflet_html(clinic: Clinic, topic: Topic, languages: tuple[str, ...], paper: str,
                 density: str = "normal", *, layout: str = "sheet", edition: str = "office",
                 patient=None, blank_cover: bool = False) -> str:
    """The leaflet as HTML: every value escaped, the layout in templates/LAYOUT.html.j2. With
    `blank_cover`, a patient's copy with its personal blocks left empty (personal/covers.py)."""
    words = interface_words()
    primary = languages[0]
    from_right = primary == "ar"
    sheet = PAPER[paper]
    if layout == "trifold":
        # half size: six inches do not fit across a panel (see the figure's caption)
        panel_mm = sheet["height_mm"] / 3
        figure_width, scale, caption = panel_mm - 2 * PANEL_PADDING_MM, 0.5, topic.incision_caption_half
    elif layout == "bilingual-pages":
        # a whole language on one side: the figure takes one column, at half size
        column_mm = (sheet["width_mm"] - 2 * SIDE_MARGIN_MM - COLUMN_GAP_MM) / 2
        figure_width = column_mm - 2 * FIGURE_INSET_MM  # the figure's side margins (leaflet.css)
        scale, caption = 0.5, topic.incision_caption_half
    else:
        figure_width = sheet["width_mm"] - 2 * SIDE_MARGIN_MM - 2 * FIGURE_INSET_MM
        scale, caption = 1.0, topic.incision_caption
    review_date = {lang: _format_date(topic.reviewed_on, lang) for lang in ("en", "ar")}
    sections = topic.sections + clinic.extra_sections
    context = {
        "layout": layout,
        "edition": edition,
        "bleed_mm": BLEED_MM,
        "cmyk_profile_url": cmyk_profile(clinic).as_uri() if edition == "press" else None,
        "languages": languages,
        "density": density,
        "primary": primary,
        "bilingual": len(languages) == 2,
        # one language per side (bilingual-pages) or one after the other (screen): element ids
        # carry the language, and the screen edition's reading order is language by language
        "page_per_language": layout == "bilingual-pages" or edition == "screen",
        "stacked": layout == "bilingual-pages" and edition != "screen",
        "patient": {"blank": True} if blank_cover else
                   _patient_context(patient, languages, clinic) if patient else None,
        "paper": sheet | {"name": paper},
        "fonts": {p.stem: p.resolve().as_uri() for p in fonts_dir().glob("*.ttf")},
        "brackets_range": brackets_unicode_range(),
        "clinic": clinic,
        "logo_url": clinic.logo.as_uri() if clinic.logo else None,
        "topic": topic,
        "sections": sections,
        "single_columns": {lang: _single_language_columns(sections, lang, True) for lang in languages},
        "single_rows": _single_language_rows(sections),
        "trifold": _trifold(sections, from_right, sheet) if layout == "trifold" else None,
        "words": words,
        "version_line": {
            lang: getattr(words["version"], lang).format(
                version=arabic_digits(topic.version).replace(".", "\u066b") if lang == "ar"
                else topic.version,
                date=review_date[lang])
            for lang in ("en", "ar")
        },
        # bars grow from the reading start of the page they are on; a bilingual row follows the
        # leading language
        "figure": {lang: _figure(topic, figure_width, scale, caption, lang == "ar")
                   for lang in ("ar", "en")} | {"shared": _figure(topic, figure_width, scale, caption,
                                                                 from_right)},
        # per language: a tagged PDF reads each figure's alternative text in the language around it
        "qr": {
            lang: figures.qr_svg(clinic.contact.website, "#000000",
                                 words["qr_alt"][lang].format(website=clinic.contact.website))
            for lang in ("ar", "en")},
        "created": topic.reviewed_on.isoformat(),
    }
    template = "screen" if edition == "screen" else layout
    return _environment().get_template(f"{template}.html.j2").render(context)


def _single_language_rows(sections: list) -> list[list]:
    """Rows of two cells, read from the reading-start side. The small print closes the last row
    when the contact block would stand alone there, rather than leaving half a row empty."""
    cells = [*sections, "contact", "small-print"]
    return [cells[i:i + 2] for i in range(0, len(cells), 2)]


def _patient_context(patient, languages, clinic: Clinic) -> dict:
    """The personal blocks' rows (personal/cover_text.py, which the set copies mirror)."""
    from brochure.personal.cover_text import fields
    from brochure.text_runs import region_of

    region = region_of(clinic.contact.phone)
    return {"blank": False, "rows": {lang: fields(patient, lang, format_appointment(
        patient.appointment, lang), region) for lang in languages}}


def format_appointment(moment, language: str) -> str:
    """Arabic month and day names with Arabic-Indic digits in Arabic; English in English."""
    from babel.dates import format_datetime

    if language == "ar":
        return arabic_digits(format_datetime(moment, "EEEE d MMMM y، HH:mm", locale="ar"))
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", locale="en_GB")


# Rough characters per line in one of two columns (12pt Latin, 14pt Naskh): enough to balance.
CHARS_PER_LINE = {"en": 44, "ar": 50}


def _figure(topic: Topic, width: float, scale: float, caption, from_right: bool) -> dict:
    return {"width_mm": round(width, 3), "caption": caption,
            "bars": figures.incision_bars(topic.incision_bars, width, from_right, scale),
            "ticks": figures.inch_ticks(width, 6, from_right, scale)}


def _single_language_columns(sections, lang: str, figure_in_column: bool) -> tuple[list, list]:
    """Sections, the contact block and the small print in two columns, read down the
    reading-start column first, split where the columns come out closest in estimated height."""
    cells = []
    for section in sections:
        cells += [section, "figure"] if section.figure and figure_in_column else [section]
    cells += ["contact", "small-print"]
    per_line = CHARS_PER_LINE[lang]

    def lines(text: str, width: float = 1.0) -> int:
        return -(-len(text) // int(per_line * width))

    def height(cell) -> float:
        if isinstance(cell, str):
            return {"contact": 12.0, "small-print": 7.0, "figure": 11.0}[cell]
        text = cell[lang]
        items = [lines(item, 0.45) for item in text.items]
        two_columns = len(items) >= 5 and max(map(len, text.items)) <= 34
        rows = sum(sorted(items)[len(items) // 2:]) if two_columns else sum(items)
        return 2.2 + sum(lines(p) for p in (*text.paragraphs, *text.closing)) + rows

    heights = [height(cell) for cell in cells]
    total = sum(heights)
    split = min(range(1, len(cells)), key=lambda i: abs(total - 2 * sum(heights[:i])))
    return cells[:split], cells[split:]


def _trifold(sections, from_right: bool, sheet: dict) -> dict:
    by_id = {section.id: section for section in sections}
    clinic_sections = [s for s in sections if s.source != "topic"]

    content = dict(TRIFOLD_CONTENT)
    if not clinic_sections:  # the flap would hold the figure alone: give it a section
        content["flap"] = ("figure", "who")
        content["inside-2"] = tuple(name for name in content["inside-2"] if name != "who")

    def items(role):
        for name in content[role]:
            if name == "*clinic":
                yield from clinic_sections
            else:
                yield by_id.get(name, name)

    def side(name, roles):
        order = tuple(reversed(roles)) if from_right else roles
        panels = []
        for index, role in enumerate(order):
            outer = {0: "left", 2: "right"}.get(index)
            panels.append({"role": role, "content": list(items(role)),
                           "bleed": outer if role == "cover" else None})
        return {"name": name, "panels": panels}

    # a hair under the page height: a panel exactly as tall as the page can tip the side over
    # onto an extra page through rounding
    return {"panel_mm": round(sheet["height_mm"] / 3, 3), "page_height_mm": sheet["width_mm"] - 0.5,
            "sides": [side("outside", TRIFOLD_OUTSIDE), side("inside", TRIFOLD_INSIDE)]}


def _format_date(date, language: str) -> str:
    from babel.dates import format_date

    text = format_date(date, format="long", locale="ar" if language == "ar" else "en_GB")
    # a date never breaks across lines (the year alone on a line reads as a separate number)
    text = text.replace(" ", "\u00a0")
    return arabic_digits(text) if language == "ar" else text


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors, per thread, while one render runs."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record):
        if record.thread == self.thread and not record.getMessage().startswith(_HARMLESS):
            self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_complaints():
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


@cache
def _stylesheet(name: str) -> CSS:
    """templates/css/NAME.css, parsed once: re-parsing it was a fifth of a small render. These
    files hold no url() and no @font-face (those are in the template's head)."""
    with _weasyprint_complaints() as complaints:
        sheet = CSS(filename=str(templates_dir() / "css" / f"{name}.css"))
    if complaints:
        raise RuntimeError(f"templates/css/{name}.css: {'; '.join(complaints)}")
    return sheet


def render_pdf(html: str, clinic: Clinic, *, options: dict | None = None,
               extra_roots: tuple = (), stylesheets: tuple[str, ...] = ("leaflet",),
               fits: Callable[[Rendered], bool] | None = None,
               box_ids: tuple[str, ...] = ()) -> Rendered:
    """WeasyPrint with a local-only fetcher; any warning it logs fails the build, naming it.
    With `fits`, the laid-out pages are measured first and the PDF is written (a third of the
    time) only when they pass: the fitting ladder throws the others away (`pdf` is then b"")."""
    fetcher = LocalOnlyFetcher((*bundled_roots(), clinic.folder, *extra_roots))
    sheets = [_stylesheet(name) for name in stylesheets]
    with _weasyprint_complaints() as complaints:
        document = HTML(string=html, base_url=clinic.folder.as_uri() + "/",
                        url_fetcher=fetcher).render(font_config=_font_config(), stylesheets=sheets)
        measured = _measured(document, box_ids)
        if fits is None or fits(measured):
            measured = replace(measured, pdf=document.write_pdf(**(options or {})),
                               logo_size_pt=_logo_size(document))
    if complaints or fetcher.refused:
        where = display_path(clinic.config_file)
        problems = [Problem(where, "", f"refused to read {url}") for url in fetcher.refused]
        problems += [Problem(where, "", f"rendering problem: {message}") for message in complaints]
        raise BrochureError(problems)
    return measured


def _measured(document, box_ids: tuple[str, ...] = ()) -> Rendered:
    section_pages: dict[str, int] = {}
    overflows: list[str] = []
    found: dict[str, tuple[float, float, float, float]] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            section_pages.setdefault(anchor, number)
        paper = page_box(page)
        for box in _descendants(paper) if box_ids else ():
            element = getattr(box, "element", None)
            if element is not None and element.get("id") in box_ids and element.get("id") not in found:
                found[element.get("id")] = tuple(px * 0.75 for px in (  # CSS px to pt
                    box.content_box_x(), box.content_box_y(), box.width, box.height))
        _find_overflow(paper, None, "page margin", number, overflows,
                       (paper.content_box_x(), paper.content_box_x() + paper.width))
        _find_panel_overflow(paper, number, overflows)
    return Rendered(pdf=b"", page_count=len(document.pages), section_pages=section_pages,
                    overflows=overflows, boxes=found)


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _find_panel_overflow(page_box, page: int, found: list[str]) -> None:
    """A tri-fold panel is a fixed box between folds: content below its bottom edge would print
    across the next panel's fold or off the sheet. Names the panel and the first section out."""
    for box in _descendants(page_box):
        element = getattr(box, "element", None)
        if element is None or not element.get("data-panel") or not isinstance(box, boxes.BlockBox):
            continue
        limit = box.content_box_y() + box.height + OVERFLOW_TOLERANCE_PT
        for child in box.children:
            bottom = child.position_y + child.margin_height()
            if bottom > limit:
                what = (child.element.get("id") or "content").removeprefix("section-")
                side = "outside" if page == 1 else "inside"
                found.append(f"panel {element.get('data-panel')} ({side} page): {what} does not fit "
                             f"({(bottom - limit) / 72 * 25.4:.0f} mm too long)")
                break


def _logo_size(document) -> tuple[float, float] | None:
    for page in document.pages:
        for box in _descendants(page_box(page)):
            element = getattr(box, "element", None)
            if isinstance(box, boxes.ReplacedBox) and element is not None \
                    and "logo" in (element.get("class") or ""):
                return (box.width * 0.75, box.height * 0.75)  # CSS px to pt
    return None


def _find_overflow(box, bounds, where: str, page: int, found: list[str],
                   paper: tuple[float, float]) -> None:
    """Text runs wider than the block that holds them: a long unbreakable address, a name that
    will not wrap. WeasyPrint lets them run into the next column or off the paper, silently."""
    element = getattr(box, "element", None)
    if element is not None and element.get("id") and box.element_tag in ("section", "header", "figure"):
        where = element.get("id").removeprefix("section-")
    if isinstance(box, boxes.BlockContainerBox | boxes.GridContainerBox) and not isinstance(
            box, boxes.PageBox | boxes.MarginBox):
        left = box.content_box_x()
        bounds = (left, left + box.width)
        if left < paper[0] - OVERFLOW_TOLERANCE_PT or bounds[1] > paper[1] + OVERFLOW_TOLERANCE_PT:
            found.append(f"page {page}, {where}: a block is wider than the printable area")
            return
    if isinstance(box, boxes.TextBox) and bounds is not None:
        start, end = box.position_x, box.position_x + box.width
        if start < bounds[0] - OVERFLOW_TOLERANCE_PT or end > bounds[1] + OVERFLOW_TOLERANCE_PT:
            found.append(f"page {page}, {where}: \"{box.text.strip()[:40]}\" is wider than its column")
        return
    for child in getattr(box, "children", ()):
        _find_overflow(child, bounds, where, page, found, paper)
