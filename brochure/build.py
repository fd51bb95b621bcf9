"""Build leaflets end to end: the quality gate on the clinic's input, the render, the file on disk;
for one clinic or many, spread over processes."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from brochure.checks import refuse_errors
from brochure.config.clinic import Clinic, load_clinic
from brochure.errors import BrochureError, Problem
from brochure.files import write_atomically
from brochure.render.leaflet import Leaflet, render_leaflet


def make_leaflet(clinic: Clinic, paper: str | None = None, languages: tuple[str, ...] | None = None,
                 *, layout: str = "sheet", edition: str = "office", patient=None) -> Leaflet:
    """Check the clinic as `brochure check` does (errors stop it), then render and check the leaflet."""
    refuse_errors(clinic, edition)  # what `brochure check` calls an error (glyphs among them)
    return render_leaflet(clinic, paper, languages, layout=layout, edition=edition, patient=patient)


def build_leaflet(clinic: Clinic, paper: str | None = None, languages: tuple[str, ...] | None = None,
                  *, layout: str = "sheet", edition: str = "office") -> bytes:
    """The leaflet PDF as bytes, for a clinic's own systems (no files written)."""
    return make_leaflet(clinic, paper, languages, layout=layout, edition=edition).pdf


def write_leaflet(leaflet: Leaflet, out_dir: Path) -> Path:
    path = out_dir / leaflet.clinic.slug / leaflet.filename
    write_atomically(path, leaflet.pdf)
    return path


@dataclass(frozen=True)
class ClinicBuild:
    """One clinic's outcome in `build_clinics`: the file written, or the problems that stopped it."""

    slug: str
    path: Path | None = None
    page_count: int = 0
    size: int = 0              # bytes
    density: str = "normal"    # how much the fitting step tightened spacing ("large": large print)
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    fill: dict[str, float] = field(default_factory=dict)  # Leaflet.fill: each side or panel, 0 to 1


def build_clinics(folders: list[Path], out_dir: Path, *, paper: str | None = None,
                  languages: tuple[str, ...] | None = None, layout: str = "sheet",
                  edition: str = "office", jobs: int | None = None) -> Iterator[ClinicBuild]:
    """Build and write each clinic's leaflet, yielding outcomes in the order of `folders`. A clinic
    with a problem is reported in its outcome and the others go on. `jobs` processes share the
    clinics (default: one per core); the files are the same as with one."""
    build_one = partial(_build_one, out_dir=out_dir, paper=paper, languages=languages, layout=layout,
                        edition=edition)
    jobs = min(jobs or os.cpu_count() or 1, len(folders))
    if jobs <= 1:
        yield from map(build_one, folders)
        return
    # imported here: a single clinic's build (most builds) never needs them
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: a worker starts in milliseconds with brochure imported; the parent has loaded neither
    # WeasyPrint nor a thread by now, so nothing half-held is copied into the children
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts)
    try:
        yield from pool.map(build_one, folders)
    finally:  # Ctrl-C: the leaflets in hand are finished (written atomically), the rest not started
        pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run; a worker must not print
    # a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _build_one(folder: Path, *, out_dir: Path, paper, languages, layout, edition) -> ClinicBuild:
    try:
        leaflet = make_leaflet(load_clinic(folder), paper, languages, layout=layout, edition=edition)
        path = write_leaflet(leaflet, out_dir)
    except BrochureError as exc:
        return ClinicBuild(folder.name, problems=tuple(exc.problems))
    return ClinicBuild(folder.name, path, leaflet.page_count, len(leaflet.pdf), leaflet.density,
                       leaflet.warnings, fill=leaflet.fill)
