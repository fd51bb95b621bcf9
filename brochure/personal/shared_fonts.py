"""The cover's fonts drawn from the leaflet's own font programs, not cut again for every copy.

Cutting four fonts down to a patient's glyphs (HarfBuzz), compressing and fingerprinting them
was a third of a copy's time. Instead, the shared copy's font programs (WeasyPrint's subsets for
the leaflet's text) are widened once per clinic, paper and order to also hold every glyph text
in `COVER_CHARACTERS` can be drawn with (each character's glyph and the joining forms and
ligatures the font's substitutions reach from it). A copy's cover then embeds, for each font, a
small font dictionary of its own (its widths and ToUnicode map: the text its glyphs stand for)
that points to that program. One program, one subset tag (ISO 32000-1, 9.6.4), whichever page
uses it. A glyph outside the widened program (a name in a script not listed here) gets its own
subset as before (covers._embed).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import pikepdf

from brochure.weasy import font_name, font_program, postscript_name, reachable_glyphs

# what names and notes are mostly typed in: ASCII, Latin-1, Arabic letters (with the Persian
# letters used in names), marks, Arabic and Latin digits, and common punctuation. Each adds to
# every copy's size: Latin Extended-A would add 4 KB for each Latin font
COVER_CHARACTERS = (
    (0x20, 0x7E), (0xA0, 0xFF),
    (0x060C, 0x060C), (0x061B, 0x061B), (0x061F, 0x061F), (0x0621, 0x063A), (0x0640, 0x0655),
    (0x0660, 0x066D), (0x0670, 0x0671), (0x067E, 0x067E), (0x0686, 0x0686), (0x0698, 0x0698),
    (0x06A4, 0x06A4), (0x06A9, 0x06A9), (0x06AF, 0x06AF), (0x06CC, 0x06CC),
    (0x2010, 0x2027), (0x2030, 0x203A), (0x20AC, 0x20AC),
)


@dataclass(frozen=True)
class SharedFont:
    """A leaflet font whose program a cover may use: its name, glyphs and FontDescriptor."""

    base: str               # "TAGXYZ+Brochure-Naskh": the widened program's subset tag and name
    glyphs: frozenset[int]  # the ids the program holds (ids kept: CIDToGIDMap /Identity)
    descriptor: int = 0     # object number of its FontDescriptor, once the template is saved


def subset_tag(program: bytes) -> str:
    """Six capital letters from the font program itself: two different subsets never share a
    tag (ISO 32000-1, 9.6.4), whichever document they came from."""
    return "".join(chr(65 + b % 26) for b in hashlib.md5(program, usedforsecurity=False).digest()[:6])


def widen(pdf: pikepdf.Pdf, pango_fonts: Iterable) -> dict[str, SharedFont]:
    """The leaflet fonts of `pdf` made by `pango_fonts`' files, each program widened (in place)
    by the glyphs of COVER_CHARACTERS; by font name ("Brochure Naskh Bold")."""
    faces = {}
    for pango_font in pango_fonts:
        reachable = reachable_glyphs(pango_font, COVER_CHARACTERS)
        if reachable:
            faces[postscript_name(pango_font)] = (font_name(pango_font), pango_font, reachable)
    found: dict[str, SharedFont] = {}
    seen: set[str] = set()
    for font in list(pdf.objects):
        if not (isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"
                and font.get("/Subtype") == "/Type0"):
            continue
        postscript = str(font.BaseFont)[1:].partition("+")[2]
        cid_font = font.DescendantFonts[0]
        if (postscript not in faces or cid_font.get("/CIDToGIDMap") != "/Identity"
                or "/CIDSet" in cid_font.FontDescriptor):  # PDF/A's list of the glyphs held
            continue
        name, pango_font, reachable = faces[postscript]
        if name in seen:  # two programs of one file: leave both as WeasyPrint made them
            found.pop(name, None)
            continue
        seen.add(name)
        glyphs = frozenset(_glyphs_of(cid_font.W)) | reachable
        try:
            program = font_program(pango_font, dict.fromkeys(glyphs, "")).data
        except RuntimeError:  # HarfBuzz could not cut it: the covers cut their own
            continue
        base = pikepdf.Name(f"/{subset_tag(program)}+{postscript}")
        descriptor = cid_font.FontDescriptor
        descriptor.FontFile2.write(zlib.compress(program, 9), filter=pikepdf.Name.FlateDecode)
        descriptor.FontFile2.Length1 = len(program)
        font.BaseFont = cid_font.BaseFont = descriptor.FontName = base
        found[name] = SharedFont(str(base)[1:], glyphs)
    return found


def located(pdf: pikepdf.Pdf, shared: dict[str, SharedFont]) -> dict[str, SharedFont]:
    """`shared` with the object numbers of their descriptors in `pdf` (the template as saved)."""
    descriptors = {str(font.BaseFont)[1:]: font.DescendantFonts[0].FontDescriptor.objgen[0]
                   for font in pdf.objects if isinstance(font, pikepdf.Dictionary)
                   and font.get("/Type") == "/Font" and font.get("/Subtype") == "/Type0"}
    return {name: SharedFont(font.base, font.glyphs, descriptors[font.base])
            for name, font in shared.items() if font.base in descriptors}


def _glyphs_of(widths) -> Iterable[int]:
    """The glyph ids a CIDFont's /W array gives widths for ([c [w ...]] and [first last w])."""
    index = 0
    while index < len(widths):
        first = int(widths[index])
        if isinstance(widths[index + 1], pikepdf.Array):
            yield from range(first, first + len(widths[index + 1]))
            index += 2
        else:
            yield from range(first, int(widths[index + 1]) + 1)
            index += 3
