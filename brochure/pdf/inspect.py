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

import pikepdf
from fontTools.ttLib import TTFont

from brochure.assets import fonts_dir
from brochure.bidi import PRESENTATION_FORMS

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


@dataclass(frozen=True)
class PdfFacts:
    fonts: list[EmbeddedFont]
    mapped_text: str  # every character the fonts' ToUnicode maps give: what copy/paste and search see
    unmapped_fonts: int = 0  # fonts with no ToUnicode map, whose text a reader must guess

    @property
    def may_hold_presentation_forms(self) -> bool:
        """False when no glyph can extract as a presentation form, so reading the text is moot."""
        return self.unmapped_fonts > 0 or bool(presentation_form_count(self.mapped_text))


def inspect_pdf(pdf: bytes) -> PdfFacts:
    """One pass over the PDF's page resources (including form XObjects, where SVG is drawn).
    pikepdf (qpdf) reads it: the press edition's library, quicker to load than pypdf."""
    found: dict[str, EmbeddedFont] = {}
    mapped: list[str] = []
    unmapped = 0
    seen: set[tuple[int, int]] = set()

    def walk(node):
        nonlocal unmapped
        if not isinstance(node, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            return  # names, numbers, strings
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        if not isinstance(node, pikepdf.Array):  # a dictionary, or a stream's
            if node.get("/Type") == "/FontDescriptor":
                label = _SUBSET_TAG.sub("", str(node.get("/FontName", "")).lstrip("/"))
                program = next((node[k] for k in ("/FontFile2", "/FontFile3", "/FontFile")
                                if k in node), None)
                found[label] = EmbeddedFont(label, _program_name(program), program is not None)
                return
            if "/ToUnicode" in node:
                mapped.append(_cmap_text(node["/ToUnicode"].read_bytes()))
            elif node.get("/Type") == "/Font" and node.get("/Subtype") not in _DESCENDANT_FONTS:
                unmapped += 1
            for key, value in node.items():
                if key not in ("/Parent", "/P", "/Contents", "/ToUnicode"):
                    walk(value)
        else:
            for item in node:
                walk(item)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            if "/Resources" in page.obj:
                walk(page.obj["/Resources"])
    return PdfFacts(sorted(found.values(), key=lambda f: f.label), "".join(mapped), unmapped)


_DESCENDANT_FONTS = ("/CIDFontType0", "/CIDFontType2")  # their Type0 parent holds the ToUnicode map
_CMAP_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


def _cmap_text(cmap: bytes) -> str:
    """The Unicode text a ToUnicode CMap maps glyphs to (bfchar and bfrange destinations)."""
    text = []
    for kind, body in _CMAP_SECTION.findall(cmap):
        values = [bytes.fromhex(h.decode()) for h in _HEX.findall(body)]
        if kind == b"bfchar":
            text += [target.decode("utf-16-be", "replace") for target in values[1::2]]
        else:  # <first glyph> <last glyph> <first destination>
            for start, end, first in zip(values[0::3], values[1::3], values[2::3], strict=False):
                base = first.decode("utf-16-be", "replace")
                count = int.from_bytes(end) - int.from_bytes(start) + 1
                if len(base) == 1 and 0 < count <= 256:
                    text += [chr(ord(base) + i) for i in range(count)]
    return "".join(text)


def _program_name(stream) -> str | None:
    if stream is None:
        return None
    try:
        font = TTFont(io.BytesIO(stream.read_bytes()), lazy=True)
        return font["name"].getDebugName(6)
    except Exception:  # a font program fontTools cannot read is reported as not bundled
        return None


def font_problems(fonts: list[EmbeddedFont]) -> list[str]:
    """A font whose embedded program is not one of fonts/ means WeasyPrint fell back to a system
    font for some character: the leaflet would print differently on another machine."""
    problems = []
    allowed = bundled_font_names()
    for font in fonts:
        if not font.embedded:
            problems.append(f"font {font.label} is not embedded")
        elif font.program_name not in allowed:
            problems.append(f"uses the system font {font.label}, not a bundled one: some character "
                            "is missing from fonts/")
    return problems


def raw_text(pdf: bytes) -> str:
    """The text layer as a reader extracts it, page by page (pypdf keeps presentation forms;
    pdfium would normalise them away). Slow: the build checks the ToUnicode maps instead."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def presentation_form_count(text: str) -> int:
    return len(PRESENTATION_FORMS.findall(text))
