"""A patient's own copy: the screen edition of the clinic's leaflet headed, under its first
masthead, by a personal block per language naming the patient, their appointment, surgeon and
note (the patient's language first), like the heading of a letter.

Everything but the patient's few lines is the same for every patient, so the copy is rendered
once per clinic, paper and language order with its personal blocks left empty, and each copy
only has its lines set into those blocks (covers.py, a few ms): still a fully tagged PDF/UA whose
personal details are in its structure tree. A note too long for its block gets the whole copy
laid out by WeasyPrint instead, as does every copy of a batch whose first copy shows the fast
path drifting from WeasyPrint (drift.py). `make_personal_leaflet_in_one_render` is the same
document made the plain way, kept for comparison (see bench/ and tests/personal/).
"""

from __future__ import annotations

import logging
import stat
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path

from brochure.build import Leaflet, make_leaflet
from brochure.checks import refuse_errors
from brochure.config.clinic import Clinic
from brochure.config.content import load_topic
from brochure.config.patients import Patient, drawing_problem
from brochure.errors import BrochureError, Problem, display_path
from brochure.pdf import inspect as pdfcheck
from brochure.personal import covers
from brochure.render.html import Rendered, _font_config, format_appointment, render_pdf
from brochure.render.leaflet import planned_html, render_leaflet
from brochure.render.pages import Overflow
from brochure.text_runs import region_of

SCREEN = {"pdf_variant": "pdf/ua-1"}
LOGGER = logging.getLogger("brochure.personal")


@dataclass
class CopyTemplate:
    """The copy with empty personal blocks, and how this process makes copies from it."""

    cover: covers.CoverTemplate
    page_count: int
    density: str
    region: str | None
    fast: bool = True          # False once the fast path was seen to drift from WeasyPrint
    checked: bool = False      # the first copy made from it was compared both ways


def make_personal_leaflet(clinic: Clinic, patient: Patient, *, paper: str | None = None) -> Leaflet:
    paper = paper or clinic.paper
    template = _copy_template(clinic, paper, patient.languages)
    _check_personal_text(patient)
    pdf, page_count = None, template.page_count
    if template.fast:
        # a long note: WeasyPrint lays out the copy, the block grows
        with suppress(covers.NeedsFullLayout):
            pdf = covers.write_cover(template.cover, _typesetter(_font_config()),
                                     _personal_rows(patient, template.region))
    if pdf is not None and not template.checked:
        template.checked = True
        from brochure.personal.drift import drift

        laid_out = _laid_out_by_weasyprint(clinic, patient, paper, template.density)
        if (found := drift(pdf, laid_out.pdf)) is not None:
            template.fast = False
            LOGGER.warning("brochure: the fast path differs from WeasyPrint for this clinic (%s); "
                           "this batch's copies are laid out by WeasyPrint", found)
            pdf, page_count = laid_out.pdf, laid_out.page_count
    if pdf is None:
        laid_out = _laid_out_by_weasyprint(clinic, patient, paper, template.density)
        pdf, page_count = laid_out.pdf, laid_out.page_count
    return Leaflet(clinic, paper, patient.languages, pdf, page_count, template.density,
                   "sheet", "screen")


def make_personal_leaflet_in_one_render(clinic: Clinic, patient: Patient, *,
                                        paper: str | None = None) -> Leaflet:
    return make_leaflet(clinic, paper, patient.languages, edition="screen", patient=patient)


def personal_filename(clinic: Clinic, patient: Patient) -> str:
    """No names in file names: the ID is validated to be safe there."""
    return f"{patient.patient_id}-{clinic.slug}-miss.pdf"


def check_shared_leaflets(clinic: Clinic, paper: str | None,
                          orders: list[tuple[str, ...]]) -> None:
    """Render (and keep) the copy with empty blocks for each language order, before any
    patient's copy: its problems (a lapsed review, a brand colour, text that does not fit) are
    the clinic's, so they are raised once here, not once per patient as if each row were wrong."""
    problems: list[Problem] = []
    for languages in orders:
        try:
            _copy_template(clinic, paper or clinic.paper, tuple(languages))
        except BrochureError as exc:
            problems += [problem for problem in exc.problems if problem not in problems]
    if problems:
        raise BrochureError(problems)


def _while_files_unchanged(function):
    """lru_cache, keyed also on the clinic's logo and ICC profile as they are on disk: a Clinic
    only names those files, and one replaced in place would otherwise keep its old picture in
    every copy a long-running process (a server, the test suite) makes afterwards."""
    @lru_cache(maxsize=16)
    def cached(clinic: Clinic, paper: str, languages: tuple[str, ...], files: tuple):
        return function(clinic, paper, languages)

    @wraps(function)
    def keyed(clinic: Clinic, paper: str, languages: tuple[str, ...]):
        return cached(clinic, paper, languages, tuple(
            _stamp(path) for path in (clinic.logo, clinic.icc_profile) if path is not None))
    keyed.cache_clear = cached.cache_clear
    return keyed


def _stamp(path: Path) -> tuple:
    """A file as it is on disk, in one stat (this is looked at for every copy)."""
    try:
        found = path.stat()
    except OSError:
        return (path,)
    return (path, found.st_mtime_ns, found.st_size) if stat.S_ISREG(found.st_mode) else (path,)


@_while_files_unchanged
def _copy_template(clinic: Clinic, paper: str, languages: tuple[str, ...]) -> CopyTemplate:
    """The copy with empty personal blocks, for covers.write_cover to fill in. The screen
    edition is built first: the clinic's gate, and the density that makes it fit."""
    # the gate and the density, the screen edition laid out but not written: the template's own
    # render below is checked in full (_refuse)
    refuse_errors(clinic, "screen")
    shared = render_leaflet(clinic, paper, languages, edition="screen", write=False)
    html = planned_html(clinic, load_topic("miss"), languages, paper, shared.density,
                        edition="screen", blank_cover=True)
    ids = tuple(f"personal-{lang}" for lang in languages)
    rendered = render_pdf(html, clinic, options=SCREEN, box_ids=ids)
    _refuse(display_path(clinic.config_file), rendered, [Problem(
        display_path(clinic.config_file), "", f"text overflows: {o}") for o in rendered.overflows])
    cover = covers.prepare(rendered.pdf, {lang: rendered.boxes[f"personal-{lang}"] for lang in languages},
                           languages, _typesetter(_font_config()).faces())
    return CopyTemplate(cover, rendered.page_count, shared.density, region_of(clinic.contact.phone))


@lru_cache(maxsize=4)
def _typesetter(font_config) -> covers.Typesetter:
    return covers.Typesetter(font_config.font_map)


def _personal_rows(patient: Patient, region: str | None) -> dict[str, list[list[covers.Segment]]]:
    return {lang: covers.rows(patient, lang, format_appointment(patient.appointment, lang), region)
            for lang in patient.languages}


def _check_personal_text(patient: Patient) -> None:
    """The patient's text printable as given, checked as patients.csv rows are (a Patient may
    come from the Python API). (The interface words and clinic text are checked by the build of
    the shared leaflet.)"""
    # only the row number and ID may name a patient in a message: batch.personal_pdf adds them
    problems = [Problem(patient.source, field, message) for field in ("name", "surgeon", "note")
                if (message := drawing_problem(getattr(patient, field) or ""))]
    if problems:
        raise BrochureError(problems)


def _laid_out_by_weasyprint(clinic: Clinic, patient: Patient, paper: str, density: str) -> Rendered:
    """The whole copy laid out by WeasyPrint, for a patient whose lines do not fit the fixed
    blocks: nothing may overflow, and it passes the font check every leaflet passes."""
    html = planned_html(clinic, load_topic("miss"), patient.languages, paper, density,
                        edition="screen", patient=patient)
    rendered = render_pdf(html, clinic, options=SCREEN)
    _refuse(patient.source, rendered, _overflow_problems(patient.source, patient, rendered.overflows))
    return rendered


def _refuse(where: str, rendered: Rendered, problems: list[Problem]) -> None:
    """The checks of render_leaflet, for a copy rendered here: bundled fonts only, Arabic in the
    text layer unshaped."""
    facts = rendered.facts  # read as WeasyPrint wrote the PDF (render_pdf)
    problems += [Problem(where, "", p) for p in pdfcheck.font_problems(facts.fonts)]
    if pdfcheck.presentation_form_count(facts.mapped_text):
        problems.append(Problem(where, "", "Arabic reached the PDF pre-shaped"))
    if problems:
        raise BrochureError(problems)


def _overflow_problems(where: str, patient: Patient, overflows: list[Overflow]) -> list[Problem]:
    """Text wider than its column, without the text: the renderer's description quotes it, and
    in a copy whose shared leaflet passed that is the patient's name, surgeon or note. The field
    is named when the quoted words are found in it, else the three are named together."""
    fields: dict[str, None] = {}
    for overflow in overflows:
        words = " ".join(overflow.text.split())
        found = [name for name in ("name", "surgeon", "note")
                 if words and words in " ".join((getattr(patient, name) or "").split())]
        fields.update(dict.fromkeys(found[:1] or [""]))
    return [Problem(where, name, "a word too long for the personal block; shorten it or "
                    "break it with spaces") if name else
            Problem(where, "", "the name, surgeon or note has a word too long for the personal "
                    "block; shorten it") for name in fields]
