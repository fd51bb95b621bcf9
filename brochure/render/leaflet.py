"""One leaflet from a clinic: HTML for each density on the fitting ladder, rendered, checked as a PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import NamedTuple

from brochure.bidi import direction_of
from brochure.config.clinic import Clinic
from brochure.config.content import load_topic
from brochure.config.options import EDITIONS, LANGUAGE_ORDERS, LAYOUTS, MM, PAGES, PAPER, PAPERS, SCREEN_PAGES
from brochure.errors import BrochureError, Problem, display_path
from brochure.pdf import inspect as pdfcheck
from brochure.pdf import prepress
from brochure.render import balance, measure_cache
from brochure.render.balance import pair_rows, single_cells, trifold_items
from brochure.render.html import DENSITIES, LARGE_PRINT, leaflet_html, render_pdf
from brochure.render.leaflet_warnings import apart_warnings, logo_resolution_warnings
from brochure.render.pages import Overflow


@dataclass(frozen=True)
class Leaflet:
    clinic: Clinic
    paper: str
    languages: tuple[str, ...]
    pdf: bytes
    page_count: int
    density: str = "normal"  # how much the fitting step tightened spacing to fit ("large": large print)
    layout: str = "sheet"
    edition: str = "office"
    warnings: tuple[str, ...] = ()  # fit to print, but worth a look (e.g. a low-resolution logo)
    # how full each side ("page 1", "page 2") or tri-fold panel ("cover", "inside-1"...) is, 0 to 1
    fill: dict[str, float] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return (f"{self.clinic.slug}-miss-{self.layout}-{self.paper}-{'-'.join(self.languages)}"
                f"-{self.edition}.pdf")


def _choice(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        raise BrochureError.single(option, "", f"expected one of {', '.join(choices)}, got {value!r}")


def render_leaflet(clinic: Clinic, paper: str | None = None, languages: tuple[str, ...] | None = None,
                   *, layout: str = "sheet", edition: str = "office", patient=None,
                   write: bool = True) -> Leaflet:
    """Render one leaflet and check the PDF itself (fit, fonts, text layer); raise BrochureError when it
    would not be fit to hand out. The gate on the clinic's input is the caller's (`brochure.build`).
    With `write` False, it is laid out and checked for fit only, and has no PDF (`pdf` is b""): what
    a personal copy's template needs of it, the density (its own render is checked in full)."""
    paper = paper or clinic.paper
    languages = tuple(languages or clinic.languages)
    _choice(paper, PAPERS, "--paper")
    _choice(",".join(languages), LANGUAGE_ORDERS, "--languages")
    _choice(layout, LAYOUTS, "--layout")
    _choice(edition, EDITIONS, "--for")
    if edition == "screen" and layout != "sheet":
        raise BrochureError.single("--layout", "", "the screen edition has one layout: leave out --layout")
    if layout == "bilingual-pages" and len(languages) != 2:
        raise BrochureError.single("--languages", "", "bilingual-pages needs two languages, e.g. ar,en")
    topic = load_topic("miss")
    where = display_path(clinic.config_file)
    press = edition == "press"
    options = {"press": {"pdf_variant": "pdf/x-4"}, "screen": {"pdf_variant": "pdf/ua-1"}}.get(edition, {})
    roots = (prepress.cmyk_profile(clinic).parent,) if press else ()

    fit = fitted(clinic, topic, languages, paper, layout=layout, edition=edition, patient=patient,
                 options=options, roots=roots, write=write)
    rendered, density = fit.rendered, fit.density
    if rendered.page_count > (SCREEN_PAGES if edition == "screen" else PAGES[layout]):
        raise BrochureError(_overflow_problems(where, rendered.section_pages, paper, layout, languages,
                                               rendered.page_count))
    if rendered.overflows:
        raise BrochureError([_overflow_problem(clinic, where, o) for o in rendered.overflows])
    if not write:
        return Leaflet(clinic, paper, languages, b"", rendered.page_count, density, layout, edition,
                       (), rendered.fill)
    facts = rendered.facts  # read as the PDF was written: no second reading of the file
    problems = [Problem(where, "", p) for p in pdfcheck.font_problems(facts.fonts)]
    if pdfcheck.presentation_form_count(facts.mapped_text):
        problems.append(Problem(where, "", "Arabic reached the PDF pre-shaped (presentation forms "
                                "in the text layer); pass Arabic text to the template unshaped"))
    if problems:
        raise BrochureError(problems)
    pdf = rendered.pdf
    if press:
        # fold marks where each side's folds are: the narrower flap moves them, mirrored overleaf
        folds = tuple(tuple(fold / PAPER[paper]["height_mm"] for fold in side.folds_mm)
                      for side in balance.trifold_sides(paper, languages[0] == "ar")) \
            if layout == "trifold" else ()
        pdf = prepress.finish_for_press(pdf, folds)
    warnings = apart_warnings(where, topic.sections + clinic.extra_sections, fit.apart, layout, paper)
    warnings += logo_resolution_warnings(clinic, rendered.logo_size_pt) if press else ()
    return Leaflet(clinic, paper, languages, pdf, rendered.page_count, density, layout, edition,
                   warnings, rendered.fill)


NEAR_MM = 5.0  # how much more room a column may want by the prediction and still be measured


class Fitted(NamedTuple):
    html: str
    rendered: object  # pages.Rendered
    density: str
    apart: tuple[str, ...] = ()  # sections whose list is set apart from the sentence introducing it


def fitted(clinic: Clinic, topic, languages: tuple[str, ...], paper: str, *, layout: str, edition: str,
           patient=None, options: dict | None = None, roots: tuple = (), write: bool = True):
    """The layout step: the leaflet's HTML, laid out (and, with `write`, written) as the build
    makes it, and the density it took. Whole sections are moved first (measured, balance.py);
    spacing is tightened only when no arrangement fits at the looser density; type sizes never
    shrink (a one-language tri-fold's sections are set larger where they fit so). The last
    attempt is returned even when it does not fit: the caller names what spills."""
    page_limit = SCREEN_PAGES if edition == "screen" else PAGES[layout]
    stylesheets = ("leaflet", "trifold") if layout == "trifold" else ("leaflet",)

    def fits(rendered) -> bool:
        return write and rendered.page_count <= page_limit and not rendered.overflows

    measuring_pages: dict[str, str] = {}  # made once per density measured at
    # a one-language sheet is printed on one side, and the screen edition gives each language one
    # page, wherever tighter spacing fits it there: one full page beats two half-empty ones
    one_side = layout == "sheet" and patient is None and (edition == "screen" or len(languages) == 1)
    ladder = [(density, 1) for density in DENSITIES] if one_side else []
    # a one-language tri-fold holds half a bilingual one's words: at the usual sizes its panels
    # came out a quarter to two thirds full; a one-language sheet that does not fit one side
    # took two about half full. Their sections are set larger wherever they fit so
    large_print = layout in ("trifold", "sheet") and len(languages) == 1 and patient is None
    ladder += [(LARGE_PRINT, None)] if large_print else []
    ladder += [(density, None) for density in DENSITIES]
    for density, most_sides in ladder:
        last = density == DENSITIES[-1] and most_sides is None
        # the sections are measured once, at normal spacing; a tighter density's heights are
        # predicted from them, and measured for real only when the prediction did not fit
        # one side at the tightest spacing is worth a real measurement, and a render without the
        # millimetre a measured arrangement keeps free, before two half-empty sides are settled for
        one_side_last_try = bool(most_sides) and density == DENSITIES[-1]
        plan_at = partial(_plan, clinic, topic, languages, paper, density, layout, edition, roots,
                          stylesheets, best_effort=last, personal=patient is not None,
                          most_sides=most_sides, measuring_pages=measuring_pages)
        for exact in (False, True) if density in DENSITIES[1:] else (True,):
            plan = plan_at(exact=exact)
            if plan is None and exact and one_side_last_try:
                plan = plan_at(exact=True, slack_mm=0.0)
            if plan is None and not last:
                # the prediction errs on the full side by a millimetre or two a column: measure
                # for real only what it says would fit with a few more (al-noor's Arabic on A4)
                if exact or not one_side_last_try or plan_at(exact=False, slack_mm=-NEAR_MM) is None:
                    break
                continue
            html = leaflet_html(clinic, topic, languages, paper, density, layout=layout,
                                edition=edition, patient=patient, plan=plan or {})
            rendered = render_pdf(html, clinic, options=options, extra_roots=roots, fits=fits,
                                  stylesheets=stylesheets)
            if rendered.page_count <= page_limit and not rendered.overflows:
                return Fitted(html, rendered, density, tuple((plan or {}).get("apart", ())))
    return Fitted(html, rendered, density, tuple((plan or {}).get("apart", ())))


def plan_for(clinic: Clinic, topic, languages: tuple[str, ...], paper: str, density: str, *,
             layout: str, edition: str, personal: bool = False) -> dict:
    """The layout step's arrangement at one density, as the build makes it (filling in reading
    order when nothing fits): for callers that make the HTML themselves (a patient's copy)."""
    roots = (prepress.cmyk_profile(clinic).parent,) if edition == "press" else ()
    stylesheets = ("leaflet", "trifold") if layout == "trifold" else ("leaflet",)
    return _plan(clinic, topic, languages, paper, density, layout, edition, roots, stylesheets,
                 best_effort=True, personal=personal) or {}


def planned_html(clinic: Clinic, topic, languages: tuple[str, ...], paper: str, density: str = "normal",
                 *, layout: str = "sheet", edition: str = "office", patient=None,
                 blank_cover: bool = False) -> str:
    """The leaflet's HTML with the layout step's arrangement, as the build renders it: for callers
    that render the HTML themselves (a patient's copy, the benchmarks)."""
    plan = plan_for(clinic, topic, languages, paper, density, layout=layout, edition=edition,
                    personal=blank_cover or patient is not None)
    return leaflet_html(clinic, topic, languages, paper, density, layout=layout, edition=edition,
                        patient=patient, blank_cover=blank_cover, plan=plan)


# What a tighter density does to the height of text (its line heights: leaflet.css), to predict it
# from the normal measurement; figures, mastheads and the small print keep their size.
# (Large print is always measured, never predicted.)
TEXT_SCALE = {LARGE_PRINT: 1.0, "normal": 1.0, "snug": 0.96, "tight": 0.92}


def _plan(clinic, topic, languages, paper, density, layout, edition, roots, stylesheets,
          best_effort: bool = False, personal: bool = False, exact: bool = True,
          most_sides: int | None = None, measuring_pages: dict | None = None,
          slack_mm: float = balance.SLACK_MM) -> dict | None:
    """Where each whole section goes, from the sections measured as WeasyPrint sets them (at this
    density when `exact`, else predicted from normal spacing); None when nothing fits. With
    `best_effort`, what cannot fit is still placed in reading order, so that the build names the
    panel, side or section left over. `measuring_pages` keeps the measuring pages already made
    (by density) for the next call of the same fitting."""
    bilingual_rows = layout == "sheet" and len(languages) == 2 and edition != "screen"
    measured_at = density if exact else DENSITIES[0]
    pages = {} if measuring_pages is None else measuring_pages
    if measured_at not in pages:  # a patient's letter heading is measured blank: no patient data
        pages[measured_at] = leaflet_html(clinic, topic, languages, paper, measured_at, layout=layout,
                                          edition=edition, measure=True, blank_cover=personal)
    html = pages[measured_at]

    def measure(box_ids):
        return _measure(html, clinic, roots, stylesheets, box_ids,
                        TEXT_SCALE[density] / TEXT_SCALE[measured_at])

    sections = topic.sections + clinic.extra_sections
    if bilingual_rows:  # rows in reading order, cut where front and back come out most even
        rows, continues = zip(("title", False), *pair_rows(sections, languages), strict=True)
        wholes = balance.whole_lists(sections, languages[0])
        measured = measure((*rows, *map(_cell_id, wholes)))
        page = (balance.page_height(paper, edition) - balance.SLACK_MM) * MM
        after_intro = {f"section-{section.id}-{block}" for section in sections
                       for block in range(1, balance.pair_blocks(section, languages))
                       if balance.bound_to_previous(section, languages, block)}
        closing = {_cell_id(name) for name in balance.closing_names(sections, languages)}
        bound = [row in after_intro for row in rows]
        runs = balance.split([measured.heights[row] for row in rows], [page] * PAGES[layout],
                             [measured.leads[row] for row in rows], list(continues),
                             bound=bound, keep_bound=not best_effort,
                             joined=balance.list_joins(rows, wholes, _cell_id, measured.heights),
                             closes=[row in closing for row in rows])
        if runs is None:
            return None
        return {"new_side": [rows[run[0]] for run in runs[1:] if run],
                "apart": [rows[i].removeprefix("section-").rpartition("-")[0]
                          for i in balance.opened_by_bound(runs, bound)]}
    if layout == "trifold":
        after_intro = {f"{section.id}@{lang}#{block}" for section in sections for lang in languages
                       for block in range(1, len(balance.section_blocks(section, lang)))
                       if balance.bound_to_previous(section, (lang,), block)}
        wholes = [name for lang in languages for name in balance.whole_lists(sections, lang, True)]
        return _trifold_plan(trifold_items(sections, languages), languages[0], paper, edition,
                             best_effort, measure, after_intro, wholes,
                             balance.closing_names(sections, languages, trifold=True))
    cells = {lang: single_cells(sections, lang) for lang in languages}
    ids = {lang: [_cell_id(cell, lang) for cell in cells[lang]] for lang in languages}
    masthead = {lang: f"title-{lang}" for lang in languages}
    wholes = {lang: balance.whole_lists(sections, lang) for lang in languages}
    measured = measure((*masthead.values(), "letter-heading",
                        *(i for lang in languages for i in ids[lang]),
                        *(_cell_id(whole, lang) for lang in languages for whole in wholes[lang])))
    page = (balance.page_height(paper, edition) - slack_mm) * MM
    pages = SCREEN_PAGES if edition == "screen" else PAGES[layout]
    most = 1 if layout == "bilingual-pages" else pages // len(languages)  # sides per language
    most = min(most, most_sides or most)
    plan, apart = {}, []
    for lang in languages:
        heights = [measured.heights[i] for i in ids[lang]]
        leads = [measured.leads[i] for i in ids[lang]]
        continues = [not cell.endswith(("#0", "figure", "contact", "small-print")) for cell in cells[lang]]
        after_intro = [_after_intro(sections, cell, lang) for cell in cells[lang]]
        joined = balance.list_joins(ids[lang], wholes[lang], partial(_cell_id, lang=lang), measured.heights)
        closing = balance.closing_names(sections, (lang,))
        first = page - measured.heights[masthead[lang]] - balance.BODY_GAP_MM * MM \
            - (measured.heights.get("letter-heading", 0.0) if lang == languages[0] else 0.0)
        for sides in range(1, most + 1):
            capacities = [first] * 2 + [page] * 2 * (sides - 1)
            # a patient's copy: its cover (the first side) as full as the sections allow
            runs = balance.split(heights, capacities, leads, continues,
                                 front=2 if personal and lang == languages[0] and sides > 1 else 0,
                                 bound=after_intro, keep_bound=not best_effort, joined=joined,
                                 closes=[cell in closing for cell in cells[lang]])
            if runs is not None:
                break
        else:
            if not best_effort:
                return None
            runs = balance.greedy(heights, capacities, joined)  # what is left over shows where it spills
        plan[lang] = [[cells[lang][i] for i in run] for run in runs]
        apart += [cells[lang][i].partition("#")[0] for i in balance.opened_by_bound(runs, after_intro)]
    return {"single": plan, "apart": list(dict.fromkeys(apart))}


def _trifold_plan(items, primary, paper, edition, best_effort: bool, measure,
                  after_intro: set[str], wholes: list[str], closing: set[str]) -> dict | None:
    """The reading items cut into the four reading panels where they come out most even. The
    disclaimer, the last of them, goes beside the back panel's QR code when the back has room for
    it (small print where the contact is, and the reading panels less tight); else it closes the
    reading panels."""
    ids = [_item_id(item, primary) for item in items]
    id_of = partial(_item_id, primary=primary)
    measured = measure((*ids, *map(id_of, wholes), *balance.TRIFOLD_BACK_MEASURED))
    heights, leads = measured.heights, measured.leads
    capacity = (balance.trifold_panel_height(paper, edition) - balance.SLACK_MM) * MM
    panels = len(balance.TRIFOLD_READING)
    with_disclaimer = balance.TRIFOLD_BACK_WITH_DISCLAIMER
    back_room = sum(heights[item] for item in with_disclaimer) - leads[with_disclaimer[0]] <= capacity
    for reading in ((items[:-1], items) if back_room else (items,)):
        continues = [item.rsplit("#", 1)[-1] not in ("0", item) for item in reading]
        reading_ids = [_item_id(item, primary) for item in reading]
        bound = [item in after_intro for item in reading]
        runs = balance.split([heights[i] for i in reading_ids], [capacity] * panels,
                             [leads[i] for i in reading_ids], continues, bound=bound,
                             keep_bound=not best_effort,
                             joined=balance.list_joins(reading_ids, wholes, id_of, heights),
                             closes=[item in closing for item in reading])
        if runs is not None:
            plan = {role: tuple(reading[i] for i in run)
                    for role, run in zip(balance.TRIFOLD_READING, runs, strict=True)}
            apart = [reading[i].partition("@")[0] for i in balance.opened_by_bound(runs, bound)]
            return {"trifold": plan | ({} if reading is items else {"back": with_disclaimer}),
                    "apart": list(dict.fromkeys(apart))}
    if not best_effort:
        return None
    runs = balance.greedy([heights[i] for i in ids], [capacity] * panels,
                          balance.list_joins(ids, wholes, id_of, heights))
    return {"trifold": {role: tuple(items[i] for i in run)
                        for role, run in zip(balance.TRIFOLD_READING, runs, strict=True)}}


@lru_cache(maxsize=8)
def _measured_at(html: str, clinic: Clinic, roots: tuple, stylesheets: tuple,
                 box_ids: tuple) -> measure_cache.Measured:
    """The measuring page's boxes: from this process, the disk cache, or a render (measure_cache.py)."""
    def render():
        rendered = render_pdf(html, clinic, extra_roots=roots, stylesheets=stylesheets, write=False,
                              box_ids=box_ids)
        return measure_cache.Measured(rendered.heights, rendered.leads, rendered.fetched)

    return measure_cache.measured(html, clinic.folder, roots, stylesheets, box_ids, render)


def _measure(html, clinic, roots, stylesheets, box_ids, scale: float):
    """The named boxes' heights and top margins, measured once per measuring page (the same page
    serves every density it predicts), text sections scaled by `scale`."""
    measured = _measured_at(html, clinic, tuple(roots), tuple(stylesheets), tuple(box_ids))

    def scaled(values):
        return {key: value * scale if key.startswith(("section-", "contact")) else value
                for key, value in values.items()}

    return replace(measured, heights=scaled(measured.heights), leads=scaled(measured.leads))


def _after_intro(sections, cell: str, lang: str) -> bool:
    """Whether one language's cell ("what#2") finishes the sentence of the cell before."""
    section_id, _, block = cell.partition("#")
    section = next((section for section in sections if section.id == section_id), None)
    return section is not None and block.isdigit() and balance.bound_to_previous(section, (lang,), int(block))


def _row_id(cell: str) -> str:
    """The element id of a cell or bilingual row (macros.html.j2, sheet.html.j2)."""
    return {"figure": "figure-incisions", "contact": "contact", "small-print": "disclaimer"}.get(
        cell, f"section-{cell}")


def _cell_id(cell: str, lang: str | None = None) -> str:
    """The element id of one language's cell on the measuring page (macros.html.j2 language_cell):
    "what#0" is section-what-LANG, "what#2" section-what-LANG-2; without `lang`, of a bilingual
    row (section-what-2)."""
    section, _, block = cell.partition("#")
    return _row_id(section) + (f"-{lang}" if lang else "") + (f"-{block}" if block not in ("", "0") else "")


def _item_id(item: str, primary: str) -> str:
    """The element id of a tri-fold item ("what@en", "figure") on the measuring page (panels.html.j2)."""
    section, _, rest = item.partition("@")
    lang, _, block = rest.partition("#")
    return f"section-{section}-{lang}{'-' + block if block != '0' else ''}" if rest else \
        {"figure": f"figure-incisions-{primary}"}.get(item, item)


def _overflow_problem(clinic: Clinic, where: str, overflow: Overflow) -> Problem:
    """Text wider than its column, blamed on the file it came from: a clinic's own section is
    named by its file and language, everything else by clinic.toml."""
    for section in clinic.extra_sections:
        found = re.fullmatch(rf"{re.escape(section.id)}(?:-(en|ar))?(?:-\d+)?", overflow.where)
        if found:
            # a bilingual row names no language: the overflowing text's own direction does
            lang = found.group(1) or ("ar" if direction_of(overflow.text) == "rtl" else "en")
            return Problem(display_path(section.source), f"section.{lang}", f"text overflows: {overflow}")
    return Problem(where, "", f"text overflows: {overflow}")


def _overflow_problems(where: str, section_pages: dict[str, int], paper: str, layout: str,
                       languages: tuple[str, ...], page_count: int) -> list[Problem]:
    limit = PAGES[layout]
    if layout == "bilingual-pages":
        names = {"ar": "Arabic", "en": "English"}
        # a language runs from the page its first section starts on to the page before the next
        # language's (or the last page): more than one page is a side that does not fit
        starts = [min(page for anchor, page in section_pages.items() if anchor.endswith("-" + lang))
                  for lang in languages]
        ends = [start - 1 for start in starts[1:]] + [page_count]
        long = [names[lang] for lang, start, end in zip(languages, starts, ends, strict=True) if end > start]
        sides = f"{' and '.join(long) or 'content'} side{'s need' if len(long) > 1 else ' needs'}"
        return [Problem(where, "", f"one language per side does not fit on {paper.upper()}: the "
                        f"{sides} more than one page; shorten the clinic's own sections or use "
                        "--layout sheet")]
    spilled = [anchor.removeprefix("section-") for anchor, page in section_pages.items()
               if page > limit and anchor.startswith(("section-", "contact"))]
    what = ", ".join(spilled) if spilled else "the last section"
    return [Problem(where, "", f"content does not fit on one {paper.upper()} sheet (front and "
                    f"back): {what} would spill onto page {limit + 1}; shorten the clinic's "
                    "own sections or use fewer languages")]
