"""A patient's own copy: a tagged cover page naming the patient, their appointment, surgeon and
note (the patient's language first), followed by the screen edition of the clinic's leaflet.

Everything but the patient's few lines is the same for every patient, so the leaflet and a cover
with empty personal blocks are rendered once per clinic, paper and language order and joined,
structure trees included; each copy then only has its lines set into that cover (covers.py, about
5 ms). Every copy stays a fully tagged PDF whose personal details are in its structure tree. A
note too long for the block gets its cover laid out by WeasyPrint instead (about 50 ms).
`make_personal_leaflet_in_one_render` is the same document made the plain way, one WeasyPrint
render per patient, kept for comparison (see bench/ and tests/test_screen.py).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache, wraps

import pikepdf

from brochure.build import Leaflet, make_leaflet
from brochure.config.clinic import Clinic
from brochure.config.content import load_topic
from brochure.config.patients import Patient, drawing_problem
from brochure.errors import BrochureError, Problem
from brochure.personal import covers
from brochure.render.html import _font_config, format_appointment, leaflet_html, render_pdf

SCREEN = {"pdf_variant": "pdf/ua-1"}


def make_personal_leaflet(clinic: Clinic, patient: Patient, *, paper: str | None = None) -> Leaflet:
    paper = paper or clinic.paper
    body = _shared_leaflet(clinic, paper, patient.languages)
    _check_personal_text(patient)
    try:
        pdf = covers.write_cover(_cover_template(clinic, paper, patient.languages),
                                 _typesetter(_font_config()), _personal_rows(patient))
    except covers.NeedsFullLayout:  # a long note: WeasyPrint lays out this cover, the block grows
        pdf = join_tagged(_cover_page(clinic, patient, paper), body.pdf)
    return Leaflet(clinic, paper, patient.languages, pdf, body.page_count + 1, body.density,
                   "sheet", "screen")


def make_personal_leaflet_in_one_render(clinic: Clinic, patient: Patient, *,
                                        paper: str | None = None) -> Leaflet:
    return make_leaflet(clinic, paper, patient.languages, edition="screen", patient=patient)


def personal_filename(clinic: Clinic, patient: Patient) -> str:
    """No names in file names: the ID is validated to be safe there."""
    return f"{patient.patient_id}-{clinic.slug}-miss.pdf"


def check_shared_leaflets(clinic: Clinic, paper: str | None,
                          orders: list[tuple[str, ...]]) -> None:
    """Render (and keep) the leaflet behind the covers for each language order, before any
    patient's copy: its problems (a lapsed review, a brand colour, text that does not fit) are
    the clinic's, so they are raised once here, not once per patient as if each row were wrong."""
    problems: list[Problem] = []
    for languages in orders:
        try:
            _cover_template(clinic, paper or clinic.paper, tuple(languages))  # the leaflet too
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
            (path, path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else (path,)
            for path in (clinic.logo, clinic.icc_profile) if path is not None))
    return keyed


@_while_files_unchanged
def _shared_leaflet(clinic: Clinic, paper: str, languages: tuple[str, ...]) -> Leaflet:
    return make_leaflet(clinic, paper, languages, edition="screen")


@_while_files_unchanged
def _cover_template(clinic: Clinic, paper: str, languages: tuple[str, ...]) -> covers.CoverTemplate:
    """The personal document with an empty cover, for covers.write_cover to fill in."""
    body = _shared_leaflet(clinic, paper, languages)
    html = leaflet_html(clinic, load_topic("miss"), languages, paper, edition="screen",
                        blank_cover=True)
    ids = tuple(f"personal-{lang}" for lang in languages)
    cover = render_pdf(html, clinic, options=SCREEN, box_ids=ids)
    return covers.prepare(join_tagged(cover.pdf, body.pdf),
                          {lang: cover.boxes[f"personal-{lang}"] for lang in languages}, languages)


@lru_cache(maxsize=4)
def _typesetter(font_config) -> covers.Typesetter:
    return covers.Typesetter(font_config.font_map)


def _personal_rows(patient: Patient) -> dict[str, list[list[covers.Segment]]]:
    return {lang: covers.rows(patient, lang, format_appointment(patient.appointment, lang))
            for lang in patient.languages}


def _check_personal_text(patient: Patient) -> None:
    """The patient's text printable as given, checked as patients.csv rows are (a Patient may
    come from the Python API): a PDF font check afterwards would cost more than the copy. (The
    interface words and clinic text on the cover are checked by the build of the shared leaflet.)"""
    # only the row number and ID may name a patient in a message: batch.personal_pdf adds them
    problems = [Problem(patient.source, field, message) for field in ("name", "surgeon", "note")
                if (message := drawing_problem(getattr(patient, field) or ""))]
    if problems:
        raise BrochureError(problems)


def _cover_page(clinic: Clinic, patient: Patient, paper: str) -> bytes:
    """The cover laid out by WeasyPrint, for a patient whose lines do not fit the fixed block:
    the page must still not overflow."""
    where = patient.source
    problems = []
    html = leaflet_html(clinic, load_topic("miss"), patient.languages, paper, edition="screen",
                        patient=patient, cover_only=True)
    rendered = render_pdf(html, clinic, options=SCREEN)
    problems += _overflow_problems(where, patient, rendered.overflows)
    if rendered.page_count != 1:
        problems.append(Problem(where, "note", "the personal details do not fit on one cover page; "
                                "shorten the note"))
    if problems:
        raise BrochureError(problems)
    return rendered.pdf


def _overflow_problems(where: str, patient: Patient, overflows: list[str]) -> list[Problem]:
    """Text wider than the cover's column, without the text: the renderer's description quotes
    it, and on a cover that is the patient's name, surgeon or note. The field is named when the
    quoted words are found in it, else the three are named together."""
    fields: dict[str, None] = {}
    for overflow in overflows:
        quoted = re.search(r'"(.+)" is wider than its column', overflow)
        words = " ".join(quoted.group(1).split()) if quoted else ""
        found = [name for name in ("name", "surgeon", "note")
                 if words and words in " ".join((getattr(patient, name) or "").split())]
        fields.update(dict.fromkeys(found[:1] or [""]))
    return [Problem(where, name, "a word too long for the cover page; shorten it or "
                    "break it with spaces") if name else
            Problem(where, "", "the name, surgeon or note has a word too long for the cover "
                    "page; shorten it") for name in fields]


def join_tagged(first: bytes, second: bytes) -> bytes:
    """The pages of `second` after those of `first`, with one structure tree: the second's
    elements after the first's in reading order, its marked-content keys renumbered, its
    bookmarks and links kept. Document-level entries (title, /Lang, PDF/UA id) are the first's."""
    with pikepdf.open(io.BytesIO(first)) as out, pikepdf.open(io.BytesIO(second)) as source:
        tree = out.Root.StructTreeRoot
        document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        nums = tree.ParentTree.Nums
        offset = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
        first_page_count = len(out.pages)
        for page in source.pages:
            out.pages.append(page)
        for page in out.pages[first_page_count:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        source_tree = source.Root.StructTreeRoot
        source_document = source_tree.K[0] if isinstance(source_tree.K, pikepdf.Array) else source_tree.K
        for kid in source_document.K:
            copied = _copy(out, kid)
            copied.P = document
            document.K.append(copied)
        source_nums = source_tree.ParentTree.Nums
        for i in range(0, len(source_nums), 2):
            nums.append(int(source_nums[i]) + offset)
            nums.append(_copy(out, source_nums[i + 1]))
        tree.ParentTreeNextKey = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
        if "/Outlines" in source.Root:
            out.Root.Outlines = out.copy_foreign(source.Root.Outlines)
        result = io.BytesIO()
        out.save(result, deterministic_id=True)
    return result.getvalue()


def _copy(out: pikepdf.Pdf, value):
    """WeasyPrint writes some arrays inline; copy_foreign takes only indirect objects."""
    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        return pikepdf.Array([_copy(out, item) for item in value])
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    return value
