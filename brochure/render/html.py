"""Turn a clinic and the topic into HTML (Jinja, autoescaped) and the HTML into PDF (WeasyPrint),
with every fetch confined and every WeasyPrint complaint caught."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from functools import cache, partial

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS

from brochure.assets import brackets_unicode_range, bundled_roots, fonts_dir, templates_dir
from brochure.bidi import arabic_digits, direction_of, keep_numbers_with_words
from brochure.config.clinic import Clinic
from brochure.config.content import Topic, interface_words
from brochure.config.options import BLEED_MM, PAPER
from brochure.errors import BrochureError, Problem, display_path
from brochure.pdf.inspect import written_facts
from brochure.pdf.prepress import cmyk_profile
from brochure.pdf.tagging import install as tag_languages
from brochure.render import balance, figures, pages, typeset
from brochure.render.fetcher import LocalOnlyFetcher
from brochure.render.pages import Rendered
from brochure.render.template_cache import OPTIONS, CompiledTemplates
from brochure.text_runs import region_of
from brochure.weasy import BundledFontConfiguration, LeafletHTML

tag_languages()

# WeasyPrint says this when HarfBuzz-subset is missing: slower subsetting, same PDF. Not a defect
# of the leaflet, so it does not fail the build (the Makefile installs the library anyway).
_HARMLESS = ("Using fontTools instead of HarfBuzz-Subset",)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        bytecode_cache=CompiledTemplates(),
        **OPTIONS,
    )
    env.filters["dir"] = direction_of
    env.filters["arabic_digits"] = arabic_digits
    env.filters["nb"] = keep_numbers_with_words
    env.filters["latin_runs"] = typeset.latin_runs
    env.filters["no_widow"] = typeset.no_widow
    env.filters["last_words_together"] = typeset.last_words_together
    env.filters["parenthesis_whole"] = typeset.parenthesis_whole
    env.globals["set_blocks"] = balance.set_blocks
    env.globals["list_runs"] = balance.list_runs
    env.globals["pair_blocks"] = balance.pair_blocks
    env.globals["block_starts"] = balance.block_starts
    env.filters["balanced"] = typeset.balanced
    env.filters["cover_title"] = typeset.cover_title
    env.filters["centred_name"] = typeset.centred_name
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


# Whitespace beside a block-level tag (or an SVG drawing's part): never drawn, since a line drops
# the spaces at its start and end, yet WeasyPrint parses each run and builds a box for it (about
# 2 % of a leaflet's layout). Spaces between inline tags, or before a <br>, are words' spaces and
# stay. The two divs set inline-block have no space that shows either: tri-fold panels sit on a
# line of font-size 0, the masthead's logo tile alone in its cell.
_BLOCK_TAG = ("(?:html|head|body|meta|title|style|header|section|div|p|h1|h2|ul|li|figure|figcaption"
              "|svg|g|line|rect|path|text|circle)")
_SPACE_BESIDE_BLOCK = re.compile(rf"(</?{_BLOCK_TAG}\b[^>]*>)\s+(?=<)|(?<=>)\s+(?=</?{_BLOCK_TAG}\b)")


def without_layout_whitespace(html: str) -> str:
    """`html` less the whitespace beside block-level tags (see _SPACE_BESIDE_BLOCK)."""
    return _SPACE_BESIDE_BLOCK.sub(lambda match: match.group(1) or "", html)


DENSITIES = ("normal", "snug", "tight")  # the fitting ladder, loosest first (see leaflet.css)
# before it, for a one-language tri-fold (half a bilingual one's words): the reading panels'
# sections in larger type where they fit so, as a one-language sheet that takes two sides anyway
# (leaflet.css, leaflet.fitted)
LARGE_PRINT = "large"


def leaflet_html(clinic: Clinic, topic: Topic, languages: tuple[str, ...], paper: str,
                 density: str = "normal", *, layout: str = "sheet", edition: str = "office",
                 patient=None, blank_cover: bool = False, plan: dict | None = None,
                 measure: bool = False) -> str:
    """The leaflet as HTML: every value escaped, the layout in templates/LAYOUT.html.j2. With
    `blank_cover`, a patient's copy with its personal blocks left empty (personal/covers.py).
    `plan` is the layout step's choice of where each section goes (balance.py; without it, the
    layout step is asked); `measure` gives the page the layout step measures the sections on."""
    words = interface_words()
    primary = languages[0]
    from_right = primary == "ar"
    sheet = PAPER[paper]
    bilingual_rows = layout == "sheet" and len(languages) == 2 and edition != "screen"
    if layout == "trifold":
        figure_width = balance.trifold_figure_width(paper, edition)
    elif bilingual_rows:  # across the page, under its text: life size
        figure_width = balance.text_width(paper) - 2 * balance.FIGURE_INSET_MM
    else:  # in a column of one language
        figure_width = balance.column_width(paper)
    review_date = {lang: _format_date(topic.reviewed_on, lang) for lang in ("en", "ar")}
    sections = topic.sections + clinic.extra_sections
    by_id = {section.id: section for section in sections}
    plan = plan or {}
    columns = typeset.column_measure(paper, edition, layout, len(languages))  # the narrowest, in mm
    large = density == LARGE_PRINT
    body_pt, heading_pt = ((typeset.LARGE_BODY_PT, typeset.LARGE_HEADING_PT) if large
                           else (typeset.BODY_PT, typeset.HEADING_PT))
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
        "page_per_language": (layout == "bilingual-pages" or edition == "screen"
                              or (measure and not bilingual_rows)),
        "measuring": measure,
        "new_side": set(plan.get("new_side", ())),  # rows that start the back of the sheet
        "patient": {"blank": True} if blank_cover else
                   _patient_context(patient, languages, clinic) if patient else None,
        "paper": sheet | {"name": paper},
        "fonts": {p.stem: p.resolve().as_uri() for p in fonts_dir().glob("*.ttf")},
        "brackets_range": brackets_unicode_range(),
        "clinic": clinic,
        "logo_url": clinic.logo.as_uri() if clinic.logo else None,
        "topic": topic,
        "sections": sections,
        "single_sides": {lang: _sides(plan.get("single", {}).get(lang) or
                                      balance.estimated_columns(sections, lang), by_id)
                         for lang in languages},
        "trifold": _trifold(paper, edition, from_right, plan.get("trifold") or
                            balance.estimated_panels(balance.trifold_items(sections, languages)), by_id)
                    if layout == "trifold" else None,
        "measure": {"cells": {lang: [_cell(name, by_id) for name in (*balance.single_cells(sections, lang),
                                                                      *balance.whole_lists(sections, lang))]
                              for lang in languages},
                    "panel_items": [_panel_item(item, by_id) for item in (
                        *balance.trifold_items(sections, languages),
                        *(name for lang in languages for name in balance.whole_lists(sections, lang, True)))],
                    "back_items": balance.TRIFOLD_BACK_MEASURED,
                    "back_mm": balance.trifold_back_width(paper),
                    "column_mm": balance.column_width(paper), "text_mm": balance.text_width(paper),
                    "panel_mm": figure_width} if measure else None,
        "title": {"pt": typeset.TITLE_PT,
                  "mm": typeset.title_measures(paper, edition, bool(clinic.logo), topic.title)},
        "contact_fits": partial(typeset.contact_fits, columns),
        "list_columns": partial(typeset.list_columns, columns, sizes=body_pt),
        "part_columns": partial(typeset.part_columns, columns, sizes=body_pt),
        "one_line": partial(typeset.one_line, columns),
        "back_disclaimer_measure": partial(typeset.back_disclaimer_measure, paper=paper),
        "heading_pt": heading_pt, "body_pt": body_pt,
        "kept_whole": partial(typeset.kept_whole, region=region_of(clinic.contact.phone)),
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
        "figure": {lang: _figure(topic, words, figure_width, lang == "ar", (lang,)) for lang in ("ar", "en")}
                  | {"shared": _figure(topic, words, figure_width, from_right, languages,
                                     stacked=layout == "trifold")},
        # per language: a tagged PDF reads each figure's alternative text in the language around it
        "qr": {
            lang: figures.qr_svg(clinic.contact.website, "#000000",
                                 words["qr_alt"][lang].format(website=clinic.contact.website))
            for lang in ("ar", "en")},
        "qr_box": figures.QR_BOX,
        "created": topic.reviewed_on.isoformat(),
    }
    # bilingual rows are measured on their own page, the others on the measuring page
    template = "screen" if edition == "screen" else layout
    template = "measure" if measure and not bilingual_rows else template
    return without_layout_whitespace(_environment().get_template(f"{template}.html.j2").render(context))


def _panel_item(name: str, by_id: dict):
    section, _, rest = name.partition("@")
    if not rest:
        return by_id.get(name, name)
    lang, _, blocks = rest.partition("#")
    cell = _cell(f"{section}#{blocks}", by_id)
    return {"section": cell["section"], "lang": lang, "block": cell["start"], "stop": cell["stop"],
            "span": cell["span"]}


def _cell(name: str, by_id: dict):
    """A cell by name: "what#1" is the second block of section "what", alone; "benefits#1-2" its
    blocks 1 to 2 as one, measured under an id of their own (balance.whole_lists)."""
    section, _, block = name.partition("#")
    if not block:
        return by_id.get(name, name)
    first, _, last = block.partition("-")
    return {"section": by_id[section], "start": int(first), "stop": int(last or first) + 1,
            "span": bool(last)}


def _sides(columns: list[list[str]], by_id: dict) -> list[list[list]]:
    """Columns (two per side, the reading-start one first) as the template's cells: a whole
    section, the figure, the contact or the small print, or a run of one section's blocks."""
    def cells(column):
        out = []
        for cell in (_cell(name, by_id) for name in column):
            if isinstance(cell, dict) and out and isinstance(out[-1], dict) \
                    and out[-1]["section"] is cell["section"]:
                out[-1]["stop"] = cell["stop"]  # the next block of the same section
            else:
                out.append(cell)
        return out

    laid = [cells(column) for column in columns]
    return [laid[i:i + 2] for i in range(0, len(laid), 2)]


def _trifold(paper: str, edition: str, from_right: bool, content: dict, by_id: dict) -> dict:
    def panel(role, width, index):
        outer = {0: "left", 2: "right"}.get(index)
        items = []
        names = content.get(role) or balance.TRIFOLD_FIXED.get(role, ())
        for item in (_panel_item(name, by_id) for name in names):
            if isinstance(item, dict) and items and isinstance(items[-1], dict) \
                    and (items[-1]["section"], items[-1]["lang"]) == (item["section"], item["lang"]) \
                    and item["block"] in balance.list_blocks(item["section"], item["lang"])[1:]:
                items[-1]["stop"] = item["stop"]  # a list's parts in one panel: one list
            else:
                items.append(item)
        return {"role": role, "width_mm": width, "content": items,
                "bleed": outer if role == "cover" else None}

    sides = [{"name": side.name, "folds_mm": side.folds_mm,
              "panels": [panel(role, width, index)
                         for index, (role, width) in enumerate(zip(side.roles, side.widths_mm, strict=True))]}
             for side in balance.trifold_sides(paper, from_right)]
    # a hair under the page height: a panel exactly as tall as the page can tip the side over
    # onto an extra page through rounding
    return {"sides": sides, "page_height_mm": PAPER[paper]["width_mm"] - 0.5,
            "past_fold_mm": balance.PAST_FOLD_MM}


def _patient_context(patient, languages, clinic: Clinic) -> dict:
    """The personal blocks' rows (personal/cover_text.py, which the set copies mirror)."""
    from brochure.personal.cover_text import fields

    region = region_of(clinic.contact.phone)
    return {"blank": False, "rows": {lang: fields(patient, lang, format_appointment(
        patient.appointment, lang), region) for lang in languages}}


def format_appointment(moment, language: str) -> str:
    """Arabic month and day names with Arabic-Indic digits in Arabic; English in English."""
    from babel.dates import format_datetime

    if language == "ar":
        return arabic_digits(format_datetime(moment, "EEEE d MMMM y، HH:mm", locale="ar"))
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", locale="en_GB")


def _figure(topic: Topic, words: dict, width: float, from_right: bool, langs: tuple[str, ...],
            stacked: bool = False) -> dict:
    """The incision figure drawn `width` mm wide: bars at life size (one too long cut at the far
    end, marked), a life-size ruler in inches above its line and centimetres below, a caption."""
    bars = figures.incision_bars(topic.incision_bars, width, from_right)
    caption = topic.incision_caption
    inches = figures.ruler_ticks(width, figures.MM_PER_INCH, from_right)
    centimetres = figures.ruler_ticks(width, 10.0, from_right)
    ends = [inches[0][0], inches[-1][0], centimetres[-1][0]]
    # a short bar goes on its labels' line when its label fits beside it, kept clear by a padding
    # (44 % or 54 % of the width for a label beside the other language's, leaflet.css)
    # beside the other language, the label on the bar's side; stacked (tri-fold), the last label
    side_by_side = len(langs) == 2 and not stacked
    lang = ("ar" if from_right else "en") if side_by_side else langs[-1]
    room = width * ((0.54 if lang == "ar" else 0.44) if side_by_side else 1.0)
    size = {"en": 10.5, "ar": 12}[lang]
    beside = {}
    for bar in bars:
        pad = figures.extent(bar, width, from_right) + 3
        if pad + typeset.width_mm(getattr(bar, f"label_{lang}"), lang, size, bold=False) <= room - 6:
            beside[bar.key] = round(pad, 1)
    return {"width_mm": round(width, 3), "caption": caption, "bars": bars, "inches": inches,
            "centimetres": centimetres, "line": (min(ends), max(ends)), "beside": beside,
            "bar_side": "right" if from_right else "left", "bar_lang": lang, "from_right": from_right}


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
def stylesheet_source(name: str) -> str:
    """templates/css/NAME.css as this process parses it (the measurement cache's key holds it)."""
    return (templates_dir() / "css" / f"{name}.css").read_text(encoding="utf-8")


@cache
def _stylesheet(name: str) -> CSS:
    """templates/css/NAME.css, parsed once: re-parsing it was a fifth of a small render. These
    files hold no url() and no @font-face (those are in the template's head)."""
    path = templates_dir() / "css" / f"{name}.css"
    with _weasyprint_complaints() as complaints:
        sheet = CSS(string=stylesheet_source(name), base_url=path.as_uri())
    if complaints:
        raise RuntimeError(f"templates/css/{name}.css: {'; '.join(complaints)}")
    return sheet


def render_pdf(html: str, clinic: Clinic, *, options: dict | None = None,
               extra_roots: tuple = (), stylesheets: tuple[str, ...] = ("leaflet",),
               fits: Callable[[Rendered], bool] | None = None,
               box_ids: tuple[str, ...] = (), write: bool = True) -> Rendered:
    """WeasyPrint with a local-only fetcher; any warning it logs fails the build, naming it.
    With `fits`, the laid-out pages are measured first and the PDF is written (a third of the
    time) only when they pass: the fitting ladder throws the others away (`pdf` is then b"")."""
    fetcher = LocalOnlyFetcher((*bundled_roots(), clinic.folder, *extra_roots))
    sheets = [_stylesheet(name) for name in stylesheets]
    with _weasyprint_complaints() as complaints:
        document = LeafletHTML(string=html, base_url=clinic.folder.as_uri() + "/",
                               url_fetcher=fetcher).render(font_config=_font_config(), stylesheets=sheets)
        measured = pages.measured(document, box_ids)
        if write and (fits is None or fits(measured)):
            facts = []  # what the file holds, read from the objects as WeasyPrint writes them
            pdf = document.write_pdf(**(options or {}), finisher=lambda _, written: facts.append(
                written_facts(written.objects)))
            measured = replace(measured, pdf=pdf, facts=facts[0], logo_size_pt=pages.logo_size(document))
    if complaints or fetcher.refused:
        where = display_path(clinic.config_file)
        problems = [Problem(where, "", f"refused to read {url}") for url in fetcher.refused]
        problems += [Problem(where, "", f"rendering problem: {message}") for message in complaints]
        raise BrochureError(problems)
    return replace(measured, fetched=tuple(fetcher.served))


