"""Turn a clinic and the topic into HTML (Jinja, autoescaped) and the HTML into PDF (WeasyPrint),
with every fetch confined and every WeasyPrint complaint caught."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration

from . import figures
from .assets import bundled_roots, fonts_dir, templates_dir
from .bidi import arabic_digits, direction_of
from .clinic import Clinic
from .content import Topic, interface_words
from .errors import BrochureError, Problem, display_path
from .fetcher import LocalOnlyFetcher

PAPER = {  # CSS page size and the width of the text area in mm (page width minus side margins)
    "a4": {"css": "A4", "width_mm": 210.0, "height_mm": 297.0},
    "letter": {"css": "letter", "width_mm": 215.9, "height_mm": 279.4},
}
SIDE_MARGIN_MM = 12.0  # matches @page margin in templates/css/leaflet.css
FIGURE_INSET_MM = 4.0

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
    return env


_font_config_lock = threading.Lock()
_font_configs: dict[int, FontConfiguration] = {}


def _font_config() -> FontConfiguration:
    # Loading @font-face fonts is a large part of a render; keep one configuration per thread
    # (Pango font maps are not shared safely between threads).
    key = threading.get_ident()
    with _font_config_lock:
        if key not in _font_configs:
            _font_configs[key] = FontConfiguration()
        return _font_configs[key]


DENSITIES = ("normal", "snug", "tight")  # the fitting ladder, loosest first (see leaflet.css)


def leaflet_html(clinic: Clinic, topic: Topic, languages: tuple[str, ...], paper: str,
                 density: str = "normal") -> str:
    """The leaflet as HTML: every value escaped, the layout in templates/."""
    words = interface_words()
    primary = languages[0]
    figure_width = PAPER[paper]["width_mm"] - 2 * SIDE_MARGIN_MM - 2 * FIGURE_INSET_MM
    from_right = primary == "ar"
    review_date = {lang: _format_date(topic.reviewed_on, lang) for lang in ("en", "ar")}
    context = {
        "languages": languages,
        "density": density,
        "primary": primary,
        "bilingual": len(languages) == 2,
        "paper": PAPER[paper] | {"name": paper},
        "fonts": {p.stem: p.resolve().as_uri() for p in fonts_dir().glob("*.ttf")},
        "stylesheet_url": (templates_dir() / "css" / "leaflet.css").resolve().as_uri(),
        "clinic": clinic,
        "logo_url": clinic.logo.as_uri() if clinic.logo else None,
        "topic": topic,
        "sections": topic.sections + clinic.extra_sections,
        "words": words,
        "version_line": {
            lang: getattr(words["version"], lang).format(
                version=arabic_digits(topic.version) if lang == "ar" else topic.version,
                date=review_date[lang])
            for lang in ("en", "ar")
        },
        "figure": {
            "width_mm": round(figure_width, 3),
            "bars": figures.incision_bars(topic.incision_bars, figure_width, from_right),
            "ticks": figures.inch_ticks(figure_width, 6, from_right),
            "caption": topic.incision_caption,
        },
        "qr": figures.qr_svg(clinic.contact.website, "#000000"),
        "created": topic.reviewed_on.isoformat(),
    }
    return _environment().get_template("leaflet.html.j2").render(context)


def _format_date(date, language: str) -> str:
    from babel.dates import format_date

    text = format_date(date, format="long", locale="ar" if language == "ar" else "en_GB")
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


def render_pdf(html: str, clinic: Clinic, *, options: dict | None = None) -> Rendered:
    """WeasyPrint with a local-only fetcher; any warning it logs fails the build, naming it."""
    fetcher = LocalOnlyFetcher((*bundled_roots(), clinic.folder))
    with _weasyprint_complaints() as complaints:
        document = HTML(string=html, base_url=clinic.folder.as_uri() + "/",
                        url_fetcher=fetcher).render(font_config=_font_config())
        pdf = document.write_pdf(**(options or {}))
    if complaints or fetcher.refused:
        where = display_path(clinic.config_file)
        problems = [Problem(where, "", f"refused to read {url}") for url in fetcher.refused]
        problems += [Problem(where, "", f"rendering problem: {message}") for message in complaints]
        raise BrochureError(problems)
    section_pages: dict[str, int] = {}
    overflows: list[str] = []
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            section_pages.setdefault(anchor, number)
        # Page boxes are not public API; WeasyPrint is pinned, and tests cover this walk.
        paper = page._page_box
        _find_overflow(paper, None, "page margin", number, overflows,
                       (paper.content_box_x(), paper.content_box_x() + paper.width))
    return Rendered(pdf=pdf, page_count=len(document.pages), section_pages=section_pages,
                    overflows=overflows)


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
