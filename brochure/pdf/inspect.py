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
    import pikepdf

    facts = _Facts()
    seen: set[tuple[int, int]] = set()

    def walk(node):
        if not isinstance(node, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            return  # names, numbers, strings
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        if isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)
        elif not facts.note(lambda key: node.get("/" + key), lambda stream: stream.read_bytes()):
            for key, value in node.items():  # a dictionary, or a stream's
                if key not in ("/Parent", "/P", "/Contents", "/ToUnicode"):
                    walk(value)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            if "/Resources" in page.obj:
                walk(page.obj["/Resources"])
    return facts.facts()


def written_facts(objects: list) -> PdfFacts:
    """The same facts from the objects WeasyPrint writes, as a `write_pdf` finisher is handed them
    (`pdf.objects`, pydyf's): the fonts and ToUnicode maps the file holds, without parsing the
    file back (the build's check, so that a build needs neither pikepdf nor the reading). Every
    object counts, where inspect_pdf follows the pages: WeasyPrint writes only the fonts used."""
    facts = _Facts()

    def data(entry) -> bytes:  # an indirect reference, b"12 0 R", or the stream itself
        stream = objects[int(entry.split()[0])] if isinstance(entry, bytes) else entry
        return b"\n".join(chunk if isinstance(chunk, bytes) else str(chunk).encode()
                          for chunk in stream.stream)  # as pydyf writes it, before compressing

    for node in objects:
        entries = node if isinstance(node, dict) else getattr(node, "extra", None)  # a stream's
        if isinstance(entries, dict):
            facts.note(entries.get, data)
    return facts.facts()


_DESCENDANT_FONTS = ("CIDFontType0", "CIDFontType2")  # their Type0 parent holds the ToUnicode map
_FONT_FILES = ("FontFile2", "FontFile3", "FontFile")


class _Facts:
    """What inspect_pdf and written_facts gather, whichever library holds the PDF's objects."""

    def __init__(self):
        self.found: dict[str, EmbeddedFont] = {}
        self.mapped: list[str] = []
        self.unmapped = 0

    def note(self, get, data) -> bool:
        """One dictionary: `get(key)` its entry ("Type", no slash) or None, `data(entry)` the bytes
        of the stream an entry points to. True for a font descriptor: nothing more inside it."""
        kind = _name(get("Type"))
        if kind == "FontDescriptor":
            label = _SUBSET_TAG.sub("", _name(get("FontName")))
            program = next((get(key) for key in _FONT_FILES if get(key) is not None), None)
            self.found[label] = EmbeddedFont(
                label, None if program is None else _program_name(data(program)), program is not None)
            return True
        if get("ToUnicode") is not None:
            self.mapped.append(_cmap_text(data(get("ToUnicode"))))
        elif kind == "Font" and _name(get("Subtype")) not in _DESCENDANT_FONTS:
            self.unmapped += 1
        return False

    def facts(self) -> PdfFacts:
        return PdfFacts(sorted(self.found.values(), key=lambda f: f.label), "".join(self.mapped),
                        self.unmapped)


def _name(value) -> str:
    """A PDF name as text without its slash: pikepdf's Name, pydyf's str or bytes, or None."""
    if value is None:
        return ""
    return (value.decode("latin-1") if isinstance(value, bytes) else str(value)).lstrip("/")


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


def _program_name(program: bytes) -> str | None:
    try:
        font = TTFont(io.BytesIO(program), lazy=True)
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
