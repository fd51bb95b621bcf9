"""Glyph coverage: every character of the clinic's text can be drawn by the bundled fonts, so
nothing prints as a box or in a borrowed system font (the data comes from brochure.glyphs)."""

from __future__ import annotations

from .. import glyphs
from ..clinic import Clinic
from .findings import ERROR, Finding


def findings(clinic: Clinic) -> list[Finding]:
    return [Finding(ERROR, "glyphs", missing.file, missing.field, missing.message, glyphs.FIX)
            for missing in glyphs.missing_glyphs(clinic)]
