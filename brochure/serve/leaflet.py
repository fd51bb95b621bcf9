"""What the live preview shows: the clinic's leaflet rendered with the chosen options, as page
images and a PDF, the `check` findings for that edition, and the problems of the last save.

`LivePreview.render` blocks for about a second (WeasyPrint): the server runs it in a worker thread,
one at a time. Each render replaces one immutable `Snapshot`, so the event loop always reads a
whole one; the last good pages stay in it, marked out of date, while a save has problems."""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from brochure.checks import check_clinic
from brochure.checks.findings import Finding
from brochure.config.clinic import load_clinic, parse_languages
from brochure.config.options import EDITIONS, LANGUAGE_ORDERS, LAYOUTS, MM, PAPERS
from brochure.errors import BrochureError, Problem

DPI = 96  # CSS pixels: the page images are shown at their natural size on a screen
TRIFOLD_FOLDS = (1 / 3, 2 / 3)  # equal panels, as the tri-fold template and prepress draw them
CHOICES = {"layout": LAYOUTS, "edition": EDITIONS, "paper": PAPERS, "languages": LANGUAGE_ORDERS}
SIDES = {"sheet": ("Front", "Back"), "bilingual-pages": ("Front", "Back"),
         "trifold": ("Outside", "Inside")}


@dataclass(frozen=True)
class Choice:
    """The controls of the page. paper and languages None: the clinic's own."""

    layout: str = "sheet"
    edition: str = "office"
    paper: str | None = None
    languages: tuple[str, ...] | None = None

    @classmethod
    def from_form(cls, data: object) -> Choice:
        """The choice the page sent (JSON); ValueError for anything but the listed options."""
        if not isinstance(data, dict) or set(data) - set(CHOICES):
            raise ValueError("expected an object with layout, edition, paper and languages")
        for name, value in data.items():
            if value is not None and value not in CHOICES[name]:
                raise ValueError(f"{name}: expected one of {', '.join(CHOICES[name])}")
        choice = cls(layout=data.get("layout") or "sheet", edition=data.get("edition") or "office",
                     paper=data.get("paper"),
                     languages=parse_languages(data["languages"]) if data.get("languages") else None)
        # the screen edition has one layout; the controls grey the others out
        return replace(choice, layout="sheet") if choice.edition == "screen" else choice


@dataclass(frozen=True)
class Page:
    png: bytes
    width: int
    height: int
    label: str


@dataclass(frozen=True)
class Rendered:
    """One good render: what the page shows until the next good one."""

    version: int
    choice: Choice  # paper and languages as rendered (the clinic's, when not chosen)
    pages: tuple[Page, ...]
    folds: tuple[float, ...]  # fold lines, as fractions of a page image's width
    pdf: bytes
    filename: str
    density: str
    seconds: float
    at: str  # wall-clock time of the render, for people


@dataclass(frozen=True)
class Snapshot:
    rendered: Rendered | None = None
    errors: tuple[str, ...] = ()  # one line each, as the CLI prints them
    findings: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()  # the leaflet's own (e.g. a low-resolution logo)
    clinic_name: dict[str, str] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        """Pages are on show, but they are not what the files now say."""
        return self.rendered is not None and bool(self.errors)


class LivePreview:
    def __init__(self, folder: Path):
        self.folder = folder
        self.choice = Choice()
        self.snapshot = Snapshot()
        self._previous: Rendered | None = None  # its images may still be on their way to the page
        self._versions = 0

    def render(self) -> None:
        """Check, render and take page images of the leaflet as the files now are (blocking)."""
        choice = self.choice
        started = time.monotonic()
        findings: tuple[Finding, ...] = ()
        try:
            findings = tuple(check_clinic(self.folder, choice.edition))
            rendered, name, warnings = self._render(choice, started)
        except BrochureError as exc:
            self._show_problems([f"error: {problem}" for problem in exc.problems], findings)
            return
        except Exception:  # the server stays up; the terminal gets the details
            traceback.print_exc()
            self._show_problems(["error: this is a bug in brochure, not something you did; the "
                                 "terminal running `brochure serve` shows the details"], findings)
            return
        self._previous = self.snapshot.rendered
        self.snapshot = Snapshot(rendered, (), findings, warnings, name)

    def _render(self, choice: Choice, started: float) -> tuple[Rendered, dict[str, str], tuple[str, ...]]:
        from brochure.build import make_leaflet
        from brochure.pdf.preview import page_images

        clinic = load_clinic(self.folder)
        leaflet = make_leaflet(clinic, choice.paper, choice.languages, layout=choice.layout,
                               edition=choice.edition)
        images = page_images(leaflet.pdf, DPI)
        labels = SIDES.get(leaflet.layout, ()) if leaflet.edition != "screen" else ()
        pages = []
        for number, image in enumerate(images):
            png = io.BytesIO()
            image.save(png, format="PNG", compress_level=1)  # speed over size: it never leaves this machine
            label = labels[number] if number < len(labels) else f"Page {number + 1}"
            pages.append(Page(png.getvalue(), image.width, image.height, label))
        folds = _fold_fractions(images[0].width, leaflet.edition) if leaflet.layout == "trifold" else ()
        self._versions += 1
        rendered = Rendered(self._versions, replace(choice, paper=leaflet.paper, languages=leaflet.languages),
                            tuple(pages), folds, leaflet.pdf, leaflet.filename, leaflet.density,
                            time.monotonic() - started, dt.datetime.now().strftime("%H:%M:%S"))
        return rendered, {"en": clinic.name.en, "ar": clinic.name.ar}, tuple(leaflet.warnings)

    def _show_problems(self, errors: list[str], findings: tuple[Finding, ...]) -> None:
        print(*errors, sep="\n", file=sys.stderr)
        now = self.snapshot
        self.snapshot = Snapshot(now.rendered, tuple(errors), findings, now.warnings, now.clinic_name)

    def image(self, version: int, number: int) -> bytes | None:
        rendered = self._rendered(version)
        if rendered is None or not 1 <= number <= len(rendered.pages):
            return None
        return rendered.pages[number - 1].png

    def pdf(self, version: int, filename: str) -> bytes | None:
        rendered = self._rendered(version)
        return rendered.pdf if rendered is not None and rendered.filename == filename else None

    def _rendered(self, version: int) -> Rendered | None:
        for rendered in (self.snapshot.rendered, self._previous):
            if rendered is not None and rendered.version == version:
                return rendered
        return None

    def state(self, rendering: bool) -> dict:
        """Everything the page shows, as JSON: it builds itself from this on every update."""
        now = self.snapshot
        rendered = now.rendered
        shown = rendered.choice if rendered else self.choice
        state = {
            "slug": self.folder.name,
            "name": now.clinic_name,
            "choices": {name: list(options) for name, options in CHOICES.items()},
            "choice": {"layout": self.choice.layout, "edition": self.choice.edition,
                       "paper": self.choice.paper or shown.paper,
                       "languages": ",".join(self.choice.languages or shown.languages or ()) or None},
            "rendering": rendering,
            "stale": now.stale,
            "errors": list(now.errors),
            "findings": [_finding(f.severity, f.problem) for f in now.findings]
                        + [_finding("warning", Problem("", "", w)) for w in now.warnings],
            "rendered": None,
        }
        if rendered:
            state["rendered"] = {
                "version": rendered.version,
                "layout": rendered.choice.layout,
                "edition": rendered.choice.edition,
                "pages": [{"url": f"/pages/{rendered.version}/{number}.png", "width": page.width,
                           "height": page.height, "label": page.label}
                          for number, page in enumerate(rendered.pages, start=1)],
                "folds": list(rendered.folds),
                "pdf": {"url": f"/pdf/{rendered.version}/{rendered.filename}", "name": rendered.filename,
                        "kb": round(len(rendered.pdf) / 1024)},
                "density": rendered.density,
                "seconds": round(rendered.seconds, 2),
                "at": rendered.at,
            }
        return state


def _finding(severity: str, problem: Problem) -> dict[str, str]:
    """A finding as `check` prints it (`line`), and in parts for the page to set out."""
    where = ": ".join(part for part in (problem.file, problem.field) if part)
    return {"severity": severity, "where": where, "message": problem.message,
            "line": f"{severity}: {problem}" if where else f"{severity}: {problem.message}"}


def _fold_fractions(image_width: int, edition: str) -> tuple[float, ...]:
    """Where the folds are across a page image: thirds of the trim, which the press edition
    surrounds with its slug (bleed and crop marks)."""
    if edition != "press":
        return TRIFOLD_FOLDS
    from brochure.pdf.prepress import SLUG_MM

    inset = SLUG_MM * MM / 72 * DPI
    trim = image_width - 2 * inset
    return tuple((inset + trim * fold) / image_width for fold in TRIFOLD_FOLDS)
