"""Glyph coverage: every character of the clinic's text can be drawn by the bundled fonts, so
nothing prints as a box or in a borrowed system font (the data comes from brochure.config.glyphs)."""

from __future__ import annotations

from brochure.checks.findings import ERROR, Finding
from brochure.config import glyphs
from brochure.config.clinic import Clinic


def findings(clinic: Clinic) -> list[Finding]:
    return [Finding(ERROR, "glyphs", missing.file, missing.field, missing.message, glyphs.FIX)
            for missing in glyphs.missing_glyphs(clinic)]
