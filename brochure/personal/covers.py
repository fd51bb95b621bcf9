"""A patient's personal blocks written into the shared copy without a WeasyPrint layout.

WeasyPrint spends most of a copy's time on what is the same for every patient (the cascade, the
leaflet, the PDF). So the copy is rendered once per clinic, paper and language order with its
personal blocks left empty (`blank_cover`); each patient's lines are then laid out by Pango
itself, the shaper WeasyPrint uses, on WeasyPrint's font configuration (the same bundled fonts,
bidi, shaping and line breaking: typeset.py), and appended to that PDF as an incremental update:
a content stream, the fonts cut down to the glyphs used, and tagged structure elements with
/Lang under the personal blocks.

The lines follow `.personal` in templates/css/leaflet.css (mirrored in cover_text.py); the first
copy of every batch and the tests compare them with WeasyPrint's layout of the same patient. What
cannot be set so (a note longer than the block) raises `NeedsFullLayout`, and leaflet.py has
WeasyPrint lay out that patient's copy.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import pikepdf

from brochure.pdf.update import Name, Original, Raw, Ref, Update, deflate, serialize, startxref
from brochure.personal import shared_fonts
from brochure.personal.cover_text import NeedsFullLayout, Segment, rows
from brochure.personal.shared_fonts import SharedFont, subset_tag
from brochure.personal.typeset import Typesetter, _Chunk, _FontUse, visible
from brochure.weasy import FROM_UNITS, FontProgram, ffi, font_program, pango

__all__ = ["CoverTemplate", "NeedsFullLayout", "Segment", "Slot", "Typesetter", "prepare", "rows",
           "write_cover"]

HEIGHT_TOLERANCE_PT = 0.01  # WeasyPrint grows the block for any more: so must the set cover


@dataclass(frozen=True)
class Slot:
    """A personal block's content box on the cover, in PDF points from the page's top left,
    and its (empty) structure element."""

    language: str
    left: float
    top: float
    width: float
    height: float
    section: int


@dataclass
class CoverTemplate:
    """The shared personal document (blank cover + leaflet) and where its cover's objects are."""

    original: Original
    page: int
    page_height: float
    page_entries: dict[str, Raw]
    contents: list[Raw]          # the cover's streams, the last one ("Q") replaced per patient
    resources: dict[str, Raw]
    fonts: dict[str, Raw]
    parent_tree_entry: int       # the array of structure elements by marked-content id
    parent_entries: list[Raw]
    parent_entries_syntax: bytes  # the same, written once: not again for every copy
    sections: dict[int, dict[str, Raw]]  # the empty personal blocks, without /K
    slots: tuple[Slot, ...]
    shared_fonts: dict[str, SharedFont]  # by font name: programs a cover's glyphs may come from


def prepare(joined: bytes, boxes: dict[str, tuple[float, float, float, float]],
            languages: tuple[str, ...], pango_fonts=()) -> CoverTemplate:
    """`joined` is the blank cover joined to the shared leaflet; `boxes` the personal blocks'
    content boxes by language (pt, from the top left); `pango_fonts` the fonts a cover is set in,
    whose programs in `joined` are widened to be shared (shared_fonts.py). Once per clinic,
    paper and order."""
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        shared = shared_fonts.widen(pdf, pango_fonts)
        cover = pdf.pages[0].obj
        # the patient's text is drawn in the page's own coordinates: the template's graphics
        # state is wrapped in q ... Q, and each copy replaces the closing "Q" stream
        streams = cover.Contents if isinstance(cover.Contents, pikepdf.Array) else [cover.Contents]
        cover.Contents = pikepdf.Array([pdf.make_stream(b"q\n"), *streams, pdf.make_stream(b"Q\n")])
        cover.Resources = pikepdf.Dictionary(dict(cover.Resources.items()))
        if "/Font" in cover.Resources:
            cover.Resources.Font = pikepdf.Dictionary(dict(cover.Resources.Font.items()))
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for i in range(0, len(nums), 2):
            if int(nums[i]) == int(cover.StructParents) and not nums[i + 1].is_indirect:
                nums[i + 1] = pdf.make_indirect(nums[i + 1])
        saved = io.BytesIO()
        pdf.save(saved, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    data = saved.getvalue()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        cover = pdf.pages[0].obj
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        entry = next(nums[i + 1] for i in range(0, len(nums), 2)
                     if int(nums[i]) == int(cover.StructParents))
        sections = _personal_sections(pdf, cover)
        font_dict = cover.Resources.get("/Font", pikepdf.Dictionary())
        trailer = pdf.trailer
        return CoverTemplate(
            original=Original(
                pdf=data, size=int(trailer.Size), startxref=startxref(data),
                root=Ref(pdf.Root.objgen[0]),
                info=Ref(trailer.Info.objgen[0]) if "/Info" in trailer else None,
                file_id=bytes(trailer.ID[0])),
            page=cover.objgen[0],
            page_height=float(cover.MediaBox[3]) - float(cover.MediaBox[1]),
            page_entries=_entries(cover, skip=("/Contents", "/Resources")),
            contents=[_raw(item) for item in cover.Contents],
            resources=_entries(cover.Resources, skip=("/Font",)),
            fonts=_entries(font_dict),
            parent_tree_entry=entry.objgen[0],
            parent_entries=[_raw(item) for item in entry],
            parent_entries_syntax=b" ".join(_raw(item) for item in entry),
            sections={s.objgen[0]: _entries(s, skip=("/K",)) for s in sections.values()},
            slots=tuple(Slot(lang, *boxes[lang], sections[lang].objgen[0]) for lang in languages),
            shared_fonts=shared_fonts.located(pdf, shared),
        )


def _entries(dictionary, skip=()) -> dict[str, Raw]:
    return {key[1:]: _raw(value) for key, value in dictionary.items() if key not in skip}


def _raw(value) -> Raw:
    """Any value read by pikepdf (which hands numbers over as Python numbers) in PDF syntax;
    an indirect object as its reference."""
    return Raw(pikepdf.Array([value]).unparse().strip()[1:-1].strip())


def _personal_sections(pdf: pikepdf.Pdf, cover) -> dict[str, pikepdf.Dictionary]:
    """The blank cover's empty /Sect elements by language (WeasyPrint tags <section> so)."""
    found = {}

    def walk(element):
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        if element.S == "/Sect" and "/Lang" in element and element.get("/Pg") == cover:
            found.setdefault(str(element.Lang), element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid)

    root = pdf.Root.StructTreeRoot
    for kid in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
        walk(kid)
    return found


def write_cover(template: CoverTemplate, typesetter: Typesetter,
                blocks: dict[str, list[list[Segment]]]) -> bytes:
    """The template with `blocks` (rows of segments by language) set into its personal blocks."""
    update = Update(template.original)
    fonts: dict[str, _FontUse] = {}
    page = Ref(template.page)
    content = [b"Q\n"]
    first_mcid = len(template.parent_entries)
    new_entries: list[Ref] = []
    for slot in template.slots:
        section_kids = []
        top = slot.top
        for row in blocks[slot.language]:
            lines = typesetter.lines(row, slot.language, slot.width, fonts)
            paragraph = update.new()
            # a Span per segment and line, as WeasyPrint tags a text box: a screen reader reads the
            # same elements from this cover as from a cover WeasyPrint laid out
            spans: dict[tuple[int, int], tuple[Ref, list[int]]] = {}
            for line_index, line in enumerate(lines):
                baseline = top + line.ascent
                top = baseline + line.descent
                width = sum(g.width for chunk in line.chunks for g in chunk.glyphs)
                left = slot.left + slot.width - width if slot.language == "ar" else slot.left
                by_segment: dict[int, list[_Chunk]] = {}
                for chunk in line.chunks:
                    by_segment.setdefault(chunk.segment, []).append(chunk)
                for segment_index in sorted(by_segment):  # reading order, as WeasyPrint's boxes
                    span, mcids = spans.setdefault((segment_index, line_index), (update.new(), []))
                    mcid = first_mcid + len(new_entries)
                    new_entries.append(span)
                    mcids.append(mcid)
                    segment = row[segment_index]
                    content.append(b"/Span <</MCID %d>> BDC\n" % mcid)
                    content.append(b"%.4f %.4f %.4f rg\n" % tuple(c / 255 for c in segment.rgb))
                    for chunk in by_segment[segment_index]:
                        content.append(_show(chunk, left, template.page_height - baseline))
                    content.append(b"EMC\n")
            if top - slot.top > slot.height + HEIGHT_TOLERANCE_PT:
                raise NeedsFullLayout("more lines than the personal block has room for")
            order = sorted(spans)  # by segment, then line: reading order
            for segment_index, line_index in order:
                segment = row[segment_index]
                span, mcids = spans[segment_index, line_index]
                # written directly: a copy has dozens of these, the same but for their numbers
                language = b" /Lang " + serialize(segment.language) if segment.own_element else b""
                update.put(span, Raw(b"<</Type /StructElem /S /Span /P %d 0 R /Pg %d 0 R /K %d%s>>"
                                     % (paragraph, page, mcids[0], language)))
            update.put(paragraph, Raw(b"<</Type /StructElem /S /P /P %d 0 R /Pg %d 0 R /K %s>>" % (
                slot.section, page, serialize([spans[key][0] for key in order]))))
            section_kids.append(paragraph)
        update.put(slot.section, {**template.sections[slot.section], "K": section_kids})
    font_refs = {use.resource: _embed(update, use, template.shared_fonts.get(use.name))
                 for use in fonts.values()}
    stream = update.add_stream(b"".join(content))
    update.put(template.page, {
        **template.page_entries,
        "Contents": [*template.contents[:-1], stream],
        "Resources": {**template.resources, "Font": {**template.fonts, **font_refs}},
    })
    # the page's existing entries, already in PDF syntax, then this copy's
    update.put(template.parent_tree_entry,
               Raw(b"[" + template.parent_entries_syntax + b" " + serialize(new_entries)[1:]))
    return update.write()


def _show(chunk: _Chunk, left: float, baseline: float) -> bytes:
    """BT ... ET for one chunk: WeasyPrint's way (draw/text.py) of keeping Pango's positions
    with a font's own advances, so readers extract the text as WeasyPrint's is."""
    font = chunk.font
    for glyph in chunk.glyphs:
        if glyph.glyph not in font.to_unicode:  # the first text a glyph stands for, as WeasyPrint
            font.to_unicode[glyph.glyph] = visible(glyph.text)
        if glyph.glyph not in font.widths:
            font.widths[glyph.glyph] = _advance(font, glyph.glyph)
    # a row laid out before hands over the same glyphs: their text showing is made once
    key = (id(chunk.glyphs), font.name, chunk.size)
    if key not in _shown:
        if len(_shown) >= 4096:  # bounded: a batch's memory stays flat
            _shown.clear()
        _shown[key] = (chunk.glyphs, _text_showing(chunk, font.widths))
    return b"BT\n/%s %.4f Tf\n1 0 0 1 %.4f %.4f Tm\n%sET\n" % (
        font.resource.encode(), chunk.size, left + chunk.x, baseline, _shown[key][1])


_shown: dict[tuple[int, str, float], tuple[list, bytes]] = {}  # glyphs held: ids stay theirs
_advances: dict[tuple[str, int], int] = {}


def _advance(font: _FontUse, glyph: int) -> int:
    """A glyph's own advance in the font, in thousandths of the size (the PDF's widths)."""
    key = (font.name, glyph)
    if key not in _advances:
        pango.pango_font_get_glyph_extents(font.pango_font, glyph, ffi.NULL, font.extents)
        _advances[key] = round(font.extents.width * FROM_UNITS / font.size * 1000)
    return _advances[key]


def _text_showing(chunk: _Chunk, widths: dict[int, int]) -> bytes:
    """The TJ operators of a chunk, with kerning where Pango's position differs from the font's
    advance, and the rise of glyphs set above or below the baseline."""
    size = chunk.size
    out: list[bytes] = []
    parts: list[str] = []
    for glyph in chunk.glyphs:
        own = widths[glyph.glyph] * size / 1000
        offset = glyph.x_offset / size * 1000
        if glyph.y_offset:
            out.append(_tj(parts))
            parts = []
            out.append(b"%.4f Ts\n" % -glyph.y_offset)
        if offset:
            parts.append(f"{-offset:.3f}")
        parts.append(f"<{glyph.glyph:04x}>")
        kerning = (own - glyph.width) / size * 1000 + offset
        if abs(kerning) > 0.001:
            parts.append(f"{kerning:.3f}")
        if glyph.y_offset:
            out.append(_tj(parts))
            parts = []
            out.append(b"0 Ts\n")
    out.append(_tj(parts))
    return b"".join(out)


def _tj(parts: list[str]) -> bytes:
    return ("[" + " ".join(parts) + "] TJ\n").encode() if parts else b""


def _embed(update: Update, use: _FontUse, shared: SharedFont | None) -> Ref:
    """A Type 0 font with the glyphs `use` needs (ids kept, so the content needs no remapping):
    the shared program when it holds them all, else a subset of this copy's own."""
    widths = tuple(sorted(use.widths.items()))
    if shared is not None and use.widths.keys() <= shared.glyphs:
        base = Name(shared.base)
        descendant = update.add({
            "Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": base,
            "CIDSystemInfo": _CID_SYSTEM_INFO, "CIDToGIDMap": Name("Identity"),
            "W": Raw(_cid_widths(widths)), "FontDescriptor": Ref(shared.descriptor)})
    else:
        font = _embedded(font_program(use.pango_font, use.to_unicode or dict.fromkeys(use.widths, "")),
                         widths)
        base = font.base
        descriptor = update.add({**font.descriptor, "FontFile2": update.add_deflated(*font.program)})
        descendant = update.add({**font.descendant, "FontDescriptor": descriptor})
    to_unicode = update.add_deflated(_cmap(tuple(sorted(use.to_unicode.items()))))
    return update.add({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": base,
                       "Encoding": Name("Identity-H"), "DescendantFonts": [descendant],
                       "ToUnicode": to_unicode})


@dataclass(frozen=True)
class _EmbeddedFont:
    """What a font program's objects hold but their references: the same in every copy that
    uses the same glyphs of the same font (the fonts of labels, appointments and the surgeon)."""

    base: Name
    program: tuple[bytes, dict]  # deflated, and its entries
    descriptor: dict[str, object]
    descendant: dict[str, object]


@lru_cache(maxsize=512)  # bounded: a batch's memory stays flat
def _embedded(font: FontProgram, widths: tuple[tuple[int, int], ...]) -> _EmbeddedFont:
    base = Name(f"{subset_tag(font.data)}+{font.postscript_name}")
    descriptor = {
        "Type": Name("FontDescriptor"), "FontName": base, "FontFamily": font.family,
        "Flags": font.flags, "FontBBox": [0, font.descent, max((w for _, w in widths), default=0),
                                          font.ascent],
        "ItalicAngle": 0, "Ascent": font.ascent, "Descent": font.descent,
        "CapHeight": font.ascent, "StemV": font.stem_v, "StemH": font.stem_h}
    descendant = {
        "Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": base,
        "CIDSystemInfo": _CID_SYSTEM_INFO, "CIDToGIDMap": Name("Identity"),
        "W": Raw(_cid_widths(widths))}
    return _EmbeddedFont(base, (deflate(font.data), {"Length1": len(font.data)}),
                         {key: Raw(serialize(value)) for key, value in descriptor.items()},
                         descendant)


_CID_SYSTEM_INFO = Raw(b"<</Registry (Adobe) /Ordering (Identity) /Supplement 0>>")


def _cid_widths(widths: tuple[tuple[int, int], ...]) -> bytes:
    """The /W array of (id, width) pairs sorted by id: [first [w w ...] ...] by runs of ids."""
    cid_widths: list = []
    previous = None
    for glyph, width in widths:
        if cid_widths and glyph - 1 == previous:
            cid_widths[-1].append(width)
        else:
            cid_widths += [glyph, [width]]
        previous = glyph
    return serialize(cid_widths)


@lru_cache(maxsize=512)
def _cmap(items: tuple[tuple[int, str], ...]) -> bytes:
    """The ToUnicode CMap, deflated."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(b"%d beginbfchar" % len(batch))
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode()
                  for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return deflate(b"\n".join(lines))

