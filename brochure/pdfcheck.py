"""Checks on the rendered PDF itself: what a printer and a reader's PDF viewer will meet.

Fonts: WeasyPrint borrows a system font for any glyph the bundled fonts lack, without a word,
so the embedded font list is compared with fonts/. Text: Arabic must reach the text layer as base
letters in logical order; presentation forms there mean something pre-shaped it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .assets import fonts_dir

PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class EmbeddedFont:
    label: str               # the PDF's FontName, no subset tag (WeasyPrint derives it from the CSS family)
    program_name: str | None  # PostScript name inside the embedded font program itself
    embedded: bool           # font program inside the PDF


@cache
def bundled_font_names() -> frozenset[str]:
    """PostScript names of the fonts in fonts/ (name table ID 6)."""
    names = set()
    for path in fonts_dir().glob("*.ttf"):
        font = TTFont(path, lazy=True)
        names.add(font["name"].getDebugName(6))
        font.close()
    return frozenset(names)


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """Every font the PDF's pages use, including inside form XObjects (SVG is drawn in those)."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, EmbeddedFont] = {}
    seen: set[int] = set()

    def walk(node):
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if node.get("/Type") == "/FontDescriptor":
                label = _SUBSET_TAG.sub("", str(node.get("/FontName", "")).lstrip("/"))
                program = next((node[k] for k in ("/FontFile2", "/FontFile3", "/FontFile")
                                if k in node), None)
                found[label] = EmbeddedFont(label, _program_name(program), program is not None)
                return
            for key, value in node.items():
                if key not in ("/Parent", "/P", "/Contents"):
                    walk(value)
        elif isinstance(node, ArrayObject):
            for item in node:
                walk(item)

    for page in reader.pages:
        walk(page.get("/Resources"))
    return sorted(found.values(), key=lambda f: f.label)


def _program_name(stream) -> str | None:
    if stream is None:
        return None
    try:
        font = TTFont(io.BytesIO(stream.get_object().get_data()), lazy=True)
        return font["name"].getDebugName(6)
    except Exception:  # a font program fontTools cannot read is reported as not bundled
        return None


def font_problems(pdf: bytes) -> list[str]:
    """A font whose embedded program is not one of fonts/ means WeasyPrint fell back to a system
    font for some character: the leaflet would print differently on another machine."""
    problems = []
    allowed = bundled_font_names()
    for font in embedded_fonts(pdf):
        if not font.embedded:
            problems.append(f"font {font.label} is not embedded")
        elif font.program_name not in allowed:
            problems.append(f"uses the system font {font.label}, not a bundled one: some character "
                            "is missing from fonts/")
    return problems


def raw_text(pdf: bytes) -> str:
    """The text layer as the PDF stores it (pypdf does not normalise presentation forms away,
    unlike pdfium)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def presentation_form_count(pdf: bytes) -> int:
    return len(PRESENTATION_FORMS.findall(raw_text(pdf)))
