"""brochure: clinic-branded bilingual Arabic/English leaflets about Minimally Invasive Spine
Surgery, rendered to PDF.

    >>> import brochure
    >>> clinic = brochure.load_clinic("clinics/al-noor")
    >>> pdf = brochure.build_leaflet(clinic, paper="a4", languages=("ar", "en"))

The names below are imported on first use, so `import brochure` (and `brochure --version`) does
not load WeasyPrint until something is rendered.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "BrochureError": "brochure.errors",
    "Problem": "brochure.errors",
    "Clinic": "brochure.config.clinic",
    "load_clinic": "brochure.config.clinic",
    "Leaflet": "brochure.render.leaflet",
    "build_leaflet": "brochure.build",
    "make_leaflet": "brochure.build",
    "write_leaflet": "brochure.build",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # once imported, an ordinary attribute
        return value
    raise AttributeError(f"module 'brochure' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
