"""Output: the PDFs themselves, built earlier into the output folder or rendered for the check:
Arabic as base letters in the text layer, only bundled fonts and all embedded, one sheet (a few
pages on screen) on the paper the file name says, the press marks a print shop needs, and not
older than their inputs."""

from __future__ import annotations

import io
from pathlib import Path

from brochure.assets import content_dir
from brochure.checks.findings import ERROR, WARNING, Finding
from brochure.config.clinic import Clinic
from brochure.config.options import EDITIONS, MM, PAGES, PAPER, SCREEN_PAGES
from brochure.errors import BrochureError, display_path

SIZE_TOLERANCE_MM = 0.5


def findings(clinic: Clinic, edition: str, *, out_dir: Path | None, render: bool) -> list[Finding]:
    found = []
    if out_dir is not None:
        for path in sorted((out_dir / clinic.slug).glob(f"{clinic.slug}-miss-*.pdf")):
            parts = path.stem.split("-")
            paper = next((p for p in PAPER if p in parts), None)
            built_for = parts[-1] if parts[-1] in EDITIONS else "office"
            found += _readable_pdf_findings(path, paper, built_for)
            found += _stale(clinic, path)
    if render:
        found += _rendered(clinic, edition)
    return found


def _readable_pdf_findings(path: Path, paper: str | None, edition: str) -> list[Finding]:
    """A file in the output folder may be anything: half-copied, empty, renamed."""
    try:
        return pdf_findings(path.read_bytes(), display_path(path), paper, edition)
    except Exception as exc:  # pypdf, pikepdf and fontTools each raise their own kinds on a damaged file
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        return [Finding(ERROR, "output", display_path(path), "", f"cannot be read as a PDF ({reason})",
                        "delete it and build it again")]


def _rendered(clinic: Clinic, edition: str) -> list[Finding]:
    from brochure.render.leaflet import render_leaflet  # WeasyPrint: only when a render is asked for

    try:  # check_clinic renders only once the other checks found no error, as build would
        leaflet = render_leaflet(clinic, edition=edition)
    except BrochureError as exc:
        return [Finding(ERROR, "output", p.file, p.field, p.message) for p in exc.problems]
    return pdf_findings(leaflet.pdf, f"{leaflet.filename} (rendered, not written)", leaflet.paper, edition)


def _most_pages(edition: str) -> int:

    return SCREEN_PAGES if edition == "screen" else max(PAGES.values())


def pdf_findings(pdf: bytes, file: str, paper: str | None, edition: str) -> list[Finding]:
    """What a printer and a reader's software meet in one PDF built for `edition`."""
    from pypdf import PdfReader  # PDF libraries only when there is a PDF to read

    from brochure.pdf import inspect as pdfcheck
    from brochure.pdf import prepress

    def error(message: str, hint: str, field: str = "") -> Finding:
        return Finding(ERROR, "output", file, field, message, hint)

    rebuild = "build it again with this brochure"
    facts = pdfcheck.inspect_pdf(pdf)
    found = [error(problem, rebuild) for problem in pdfcheck.font_problems(facts.fonts)]
    # pypdf reads the glyphs' own text, where pre-shaped Arabic shows as presentation forms
    # (pdfium would quietly normalise them, hiding the problem from its users' checks too). That
    # reading takes most of a second, so only when the fonts' maps say there may be some to count.
    if facts.may_hold_presentation_forms and (
            count := pdfcheck.presentation_form_count(pdfcheck.raw_text(pdf))):
        found.append(error(f"the text layer holds {count} pre-shaped Arabic letters (presentation "
                           "forms): search, copy and screen readers get the wrong characters",
                           "pass Arabic unshaped, then " + rebuild))
    pages = PdfReader(io.BytesIO(pdf)).pages
    most = _most_pages(edition)
    if not 1 <= len(pages) <= most:
        what = f"up to {most} pages on screen" if edition == "screen" else "one sheet, front and back"
        found.append(error(f"has {len(pages)} pages; a leaflet is {what}", rebuild))
    papers = [paper] if paper else list(PAPER)
    for number, page in enumerate(pages, start=1):
        # the trim is the finished sheet; office PDFs have no TrimBox and pypdf gives the page
        size = (float(page.trimbox.width) / MM, float(page.trimbox.height) / MM)
        if not any(_is_paper(size, name) for name in papers):
            expected = " or ".join(f"{name.upper()} ({PAPER[name]['width_mm']:g} × "
                                   f"{PAPER[name]['height_mm']:g} mm)" for name in papers)
            found.append(error(f"is {size[0]:.1f} × {size[1]:.1f} mm, not {expected}",
                               rebuild, f"page {number}"))
    if edition == "press":
        found += [error(problem, "build it with --for press") for problem in prepress.press_problems(pdf)]
    return found


def _is_paper(size_mm: tuple[float, float], paper: str) -> bool:
    sheet = (PAPER[paper]["width_mm"], PAPER[paper]["height_mm"])
    return any(abs(size_mm[0] - w) <= SIZE_TOLERANCE_MM and abs(size_mm[1] - h) <= SIZE_TOLERANCE_MM
               for w, h in (sheet, sheet[::-1]))  # the tri-fold is printed landscape


def _stale(clinic: Clinic, pdf: Path) -> list[Finding]:
    """A PDF older than what it was built from no longer shows what the clinic approved."""
    inputs = [clinic.config_file, *(clinic.folder / "sections").glob("*.toml"),
              *content_dir().glob("*.toml"), *([clinic.logo] if clinic.logo else [])]
    newer = [path for path in inputs if path.stat().st_mtime > pdf.stat().st_mtime]
    if not newer:
        return []
    return [Finding(WARNING, "output", display_path(pdf), "", "was built before "
                    f"{', '.join(display_path(path) for path in newer)} last changed",
                    "build it again")]
