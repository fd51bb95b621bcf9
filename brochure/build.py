"""Build a leaflet end to end: the quality gate on the clinic's input, the render, the file on disk."""

from __future__ import annotations

from pathlib import Path

from brochure.checks import refuse_errors
from brochure.config.clinic import Clinic
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
