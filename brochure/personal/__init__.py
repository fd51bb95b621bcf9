"""A patient's own copy: the shared parts once, each patient's lines, the batch.

`make_personal_leaflet(clinic, patient)` is the copy as bytes; `personal.batch.write_copies`
writes many. Imported on first use, so the package name is cheap to import."""

from __future__ import annotations


def __getattr__(name: str):
    if name in ("make_personal_leaflet", "personal_filename"):
        from brochure.personal import leaflet

        return getattr(leaflet, name)
    raise AttributeError(f"module 'brochure.personal' has no attribute {name!r}")
