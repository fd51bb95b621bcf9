"""Build a leaflet end to end: clinic + topic -> HTML -> PDF -> checks -> file on disk."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import pdfcheck
from .clinic import LANGUAGE_ORDERS, PAPERS, Clinic
from .content import load_topic
from .errors import BrochureError, Problem, display_path
from .glyphs import missing_glyph_problems
from .render import DENSITIES, leaflet_html, render_pdf

MAX_PAGES = 2  # one sheet, printed front and back


@dataclass(frozen=True)
class Leaflet:
    clinic: Clinic
    paper: str
    languages: tuple[str, ...]
    pdf: bytes
    page_count: int
    density: str = "normal"  # how much the fitting step tightened spacing to fit one sheet

    @property
    def filename(self) -> str:
        return f"{self.clinic.slug}-miss-{self.paper}-{'-'.join(self.languages)}.pdf"


def make_leaflet(clinic: Clinic, paper: str | None = None,
                 languages: tuple[str, ...] | None = None) -> Leaflet:
    """Render and check one leaflet; raise BrochureError when it would not be fit to hand out."""
    paper = paper or clinic.paper
    languages = tuple(languages or clinic.languages)
    if paper not in PAPERS:
        raise BrochureError.single("--paper", "", f"expected one of {', '.join(PAPERS)}, got {paper!r}")
    if ",".join(languages) not in LANGUAGE_ORDERS:
        got = ",".join(languages)
        expected = ", ".join(LANGUAGE_ORDERS)
        raise BrochureError.single("--languages", "", f"expected one of {expected}, got {got!r}")
    if missing := missing_glyph_problems(clinic):
        raise BrochureError(missing)
    topic = load_topic("miss")
    where = display_path(clinic.config_file)
    for density in DENSITIES:
        rendered = render_pdf(leaflet_html(clinic, topic, languages, paper, density), clinic)
        if rendered.page_count <= MAX_PAGES:
            break
    else:
        raise BrochureError(_overflow_problems(where, rendered.section_pages, paper))
    problems = [Problem(where, "", f"text overflows: {o}") for o in rendered.overflows]
    facts = pdfcheck.inspect_pdf(rendered.pdf)
    problems += [Problem(where, "", p) for p in pdfcheck.font_problems(facts.fonts)]
    if pdfcheck.presentation_form_count(facts.mapped_text):
        problems.append(Problem(where, "", "Arabic reached the PDF pre-shaped (presentation forms "
                                "in the text layer); pass Arabic text to the template unshaped"))
    if problems:
        raise BrochureError(problems)
    return Leaflet(clinic, paper, languages, rendered.pdf, rendered.page_count, density)


def _overflow_problems(where: str, section_pages: dict[str, int], paper: str) -> list[Problem]:
    spilled = [anchor.removeprefix("section-") for anchor, page in section_pages.items()
               if page > MAX_PAGES and anchor.startswith(("section-", "contact"))]
    what = ", ".join(spilled) if spilled else "the last section"
    return [Problem(where, "", f"content does not fit on one {paper.upper()} sheet (front and "
                    f"back): {what} would spill onto page {MAX_PAGES + 1}; shorten the clinic's "
                    "own sections or use fewer languages")]


def build_leaflet(clinic: Clinic, paper: str | None = None,
                  languages: tuple[str, ...] | None = None) -> bytes:
    """The leaflet PDF as bytes, for a clinic's own systems (no files written)."""
    return make_leaflet(clinic, paper, languages).pdf


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Readers see the old file or the new one, never half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_leaflet(leaflet: Leaflet, out_dir: Path) -> Path:
    path = out_dir / leaflet.clinic.slug / leaflet.filename
    write_atomically(path, leaflet.pdf)
    return path
