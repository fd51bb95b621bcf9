"""A patient's cover page written without a WeasyPrint layout per patient.

WeasyPrint spends about 40 ms on a cover page, nearly all of it on what is the same for every
patient (the cascade, the mastheads, the PDF). So the cover is rendered once per clinic, paper and
language order with its personal blocks left empty (`blank_cover`) and joined to the shared
leaflet; each patient's lines are then laid out by Pango itself, the shaper WeasyPrint uses,
through WeasyPrint's bindings and font configuration (the same bundled fonts, bidi, shaping and
line breaking), and appended to that PDF as an incremental update: a content stream, the fonts
cut down to the glyphs used, and tagged structure elements with /Lang under the personal blocks.

The lines follow `.personal` in templates/css/leaflet.css (mirrored in the constants below); tests compare
this cover with the one WeasyPrint makes for the same patient. What cannot be set so (a note
longer than the block) raises `NeedsFullLayout`, and personal.py has WeasyPrint make that cover.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import pikepdf
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, gobject, pango

from brochure.bidi import direction_of
from brochure.config.content import interface_words
from brochure.pdf.update import Name, Original, Raw, Ref, Update, startxref

ffi.cdef("""
    void pango_layout_set_markup (PangoLayout *layout, const char *markup, int length);
    int pango_layout_get_line_count (PangoLayout *layout);
    PangoFontDescription * pango_font_describe (PangoFont *font);
    gpointer g_object_ref (gpointer object);
""")

LINE_HEIGHT = 1.4  # .personal
SIZE_PT = {"ar": 14.0, "en": 12.0}  # .personal, .personal[dir="rtl"]
NAME_SCALE = 1.1  # .patient-name
TEXT_RGB = (0x1C, 0x1C, 0x1C)  # html
LABEL_RGB = (0x55, 0x55, 0x55)  # .personal .label
FAMILIES = {  # [lang="ar"] and [lang="en"]
    "ar": "Brochure Naskh,Brochure Brackets,Brochure Sans",
    "en": "Brochure Sans,Brochure Naskh",
}
WIDTH_TOLERANCE_PT = 0.5   # a word this much wider is WeasyPrint's to judge (it allows 0.75)
HEIGHT_TOLERANCE_PT = 0.01  # WeasyPrint grows the block for any more: so must the set cover


class NeedsFullLayout(Exception):
    """The patient's lines cannot be set into the blank cover: more lines than its personal block
    holds, a word wider than the block, or a character only a system font has. personal.py then
    has WeasyPrint lay out this patient's cover, which grows the block or reports the problem."""


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


@dataclass(frozen=True)
class Segment:
    """A run of text in one style: the parts of a row, in reading order."""

    text: str
    language: str            # of the text itself: /Lang and the font stack
    bold: bool = False
    scale: float = 1.0
    rgb: tuple[int, int, int] = TEXT_RGB
    # an element with its own lang and dir in the template: /Lang on its Span, and its text
    # isolated in its own direction, as WeasyPrint sets such a span (a note's closing full stop
    # stays with its English in an Arabic block)
    own_element: bool = False
    span: bool = False  # in a <span> of its own (a label, or an own_element): it counts in line height

    @property
    def inline_box(self) -> bool:
        return self.span or self.own_element

    @property
    def laid_out(self) -> str:
        if not self.own_element:
            return self.text
        return ("\u2067" if self.language == "ar" else "\u2066") + self.text + "\u2069"


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
    sections: dict[int, dict[str, Raw]]  # the empty personal blocks, without /K
    slots: tuple[Slot, ...]


def prepare(joined: bytes, boxes: dict[str, tuple[float, float, float, float]],
            languages: tuple[str, ...]) -> CoverTemplate:
    """`joined` is the blank cover joined to the shared leaflet; `boxes` the personal blocks'
    content boxes by language (pt, from the top left). Once per clinic, paper and order."""
    with pikepdf.open(io.BytesIO(joined)) as pdf:
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
            sections={s.objgen[0]: _entries(s, skip=("/K",)) for s in sections.values()},
            slots=tuple(Slot(lang, *boxes[lang], sections[lang].objgen[0]) for lang in languages),
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


def rows(patient, language: str, appointment: str) -> list[list[Segment]]:
    """The personal block's rows, as templates/partials/macros.html.j2 writes them, with white
    space collapsed as in HTML (a note from a CSV can hold line breaks)."""
    words = interface_words()
    name = _collapsed(patient.name)
    name_language = "ar" if direction_of(name) == "rtl" else "en"
    found = [[Segment(words["prepared_for"][language] + " ", language, bold=True),
              Segment(name, name_language, bold=True, scale=NAME_SCALE, own_element=True)],
             [_label(words["appointment"][language], language),
              Segment(" " + appointment, language)]]
    for field_name in ("surgeon", "note"):
        value = _collapsed(getattr(patient, field_name) or "")
        if value:
            value_language = "ar" if direction_of(value) == "rtl" else "en"
            found.append([_label(words[field_name][language], language), Segment(" ", language),
                          Segment(value, value_language, own_element=True)])
    return found


def _collapsed(text: str) -> str:
    """CSS `white-space: normal`: runs of ASCII white space are one space, none at the ends
    (a no-break space stays)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip(" ")


def _label(text: str, language: str) -> Segment:
    return Segment(text, language, bold=True, rgb=LABEL_RGB, span=True)


# --- Pango: lines of positioned glyphs --------------------------------------------------------


@dataclass
class _Glyph:
    glyph: int
    width: float      # advance, pt
    x_offset: float   # pt
    y_offset: float   # pt, down
    text: str         # the characters of its cluster (first glyph of a cluster only)


@dataclass
class _Chunk:
    """Glyphs of one segment in one font, in visual order, starting at `x`."""

    segment: int
    font: _FontUse
    size: float
    x: float
    glyphs: list[_Glyph] = field(default_factory=list)


@dataclass
class _Line:
    chunks: list[_Chunk]
    ascent: float     # above the baseline, half-leading included
    descent: float


class _FontUse:
    """One font file as used on this cover: its glyphs, their widths and text, for embedding."""

    def __init__(self, pango_font, resource: str):
        # held past its layout (the layout's next text frees the runs), at the size it was first
        # met in: other sizes scale from it
        self.pango_font = ffi.gc(ffi.cast("PangoFont *", gobject.g_object_ref(pango_font)),
                                 gobject.g_object_unref)
        self.resource = resource
        self.widths: dict[int, int] = {}
        self.to_unicode: dict[int, str] = {}
        self.extents = ffi.new("PangoRectangle *")
        description = pango.pango_font_describe(pango_font)
        self.size = pango.pango_font_description_get_size(description) * FROM_UNITS
        pango.pango_font_description_free(description)


class _Layouts(NamedTuple):
    """Pango objects for text in one language (its base direction and shaping language)."""

    context: object
    rows: object          # a row as a paragraph, broken into lines
    pieces: object        # a piece of one line alone, measured as WeasyPrint measures a text box
    language: object      # PangoLanguage
    language_name: object  # the C string it was made from, kept alive with it


class Typesetter:
    """Pango layouts on WeasyPrint's font configuration (which holds the bundled @font-face
    fonts once a leaflet has been rendered in this thread)."""

    def __init__(self, font_map):
        self.font_map = font_map
        self._layouts: dict[str, _Layouts] = {}
        self._metrics: dict[tuple[str, bool, float], tuple[float, float]] = {}

    def _for(self, language: str) -> _Layouts:
        if language not in self._layouts:
            context = ffi.gc(pango.pango_font_map_create_context(self.font_map),
                             gobject.g_object_unref)
            pango.pango_context_set_round_glyph_positions(context, False)
            pango.pango_context_set_base_dir(
                context, pango.PANGO_DIRECTION_RTL if language == "ar" else pango.PANGO_DIRECTION_LTR)
            language_p = ffi.new("char[]", language.encode())
            pango_language = pango.pango_language_from_string(language_p)
            pango.pango_context_set_language(context, pango_language)
            layouts = []
            for _ in range(2):
                layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
                pango.pango_layout_set_auto_dir(layout, False)
                layouts.append(layout)
            self._layouts[language] = _Layouts(context, *layouts, pango_language, language_p)
        return self._layouts[language]

    def metrics(self, language: str, bold: bool, size: float) -> tuple[float, float]:
        """Ascent and descent of the first font of `language`'s stack: the block's strut."""
        key = (language, bold, size)
        if key not in self._metrics:
            layouts = self._for(language)
            description = _description(FAMILIES[language], bold, size)
            metrics = pango.pango_context_get_metrics(layouts.context, description, layouts.language)
            self._metrics[key] = (pango.pango_font_metrics_get_ascent(metrics) * FROM_UNITS,
                                  pango.pango_font_metrics_get_descent(metrics) * FROM_UNITS)
            pango.pango_font_metrics_unref(metrics)
        return self._metrics[key]

    def lines(self, segments: list[Segment], language: str, width: float,
              fonts: dict[str, _FontUse]) -> list[_Line]:
        """One row (a paragraph) broken into lines no wider than `width`, glyphs positioned from
        the line's left end; raises NeedsFullLayout for a word wider than the block."""
        if any("\u00ad" in segment.text for segment in segments):
            raise NeedsFullLayout("a soft hyphen: WeasyPrint hyphenates (and says so in the text)")
        layout = self._for(language).rows
        size = SIZE_PT[language]
        markup, starts = [], []
        offset = 0
        for segment in segments:
            starts.append(offset)
            offset += len(segment.laid_out.encode())
            markup.append(f'<span font_desc="{_font_desc(segment, size)}" '
                          f'lang="{segment.language}">{html.escape(segment.laid_out)}</span>')
        text = "".join(segment.laid_out for segment in segments).encode()
        pango.pango_layout_set_width(layout, int(width * TO_UNITS))
        pango.pango_layout_set_markup(layout, "".join(markup).encode(), -1)
        lines = []
        for index in range(pango.pango_layout_get_line_count(layout)):
            line = pango.pango_layout_get_line_readonly(layout, index)
            chunks, x, pieces = self._chunks(line, text, starts, segments, size, fonts)
            if x > width + WIDTH_TOLERANCE_PT:
                raise NeedsFullLayout("a word wider than the personal block")
            # the line box, as WeasyPrint builds it (layout/inline.py), each box with its
            # half-leading: the paragraph's strut; each span's strut; each piece of text as Pango
            # measures it in the fonts that draw it
            paragraph_bold = segments[0].bold and not segments[0].inline_box  # <p class=prepared>
            boxes = [(size, *self.metrics(language, paragraph_bold, size))]
            for index, piece in sorted(pieces.items()):
                segment = segments[index]
                segment_size = size * segment.scale
                boxes.append((segment_size, *self._piece_metrics(segment, piece.decode(), segment_size)))
                if segment.inline_box:
                    boxes.append((segment_size, *self.metrics(segment.language, segment.bold, segment_size)))
            ascent = descent = 0.0
            for box_size, box_ascent, box_descent in boxes:
                half = (LINE_HEIGHT * box_size - box_ascent - box_descent) / 2
                ascent = max(ascent, box_ascent + half)
                descent = max(descent, box_descent + half)
            lines.append(_Line(chunks, ascent, descent))
        return lines

    def _piece_metrics(self, segment: Segment, text: str, size: float) -> tuple[float, float]:
        """Ascent and descent of `text` laid out alone, as WeasyPrint lays out a text box: the
        fonts that draw it count, but only as Pango measures the line (an Arabic box with a
        Latin "-" keeps its height; Arabic digits in an English box make it taller)."""
        layout = self._for(segment.language).pieces
        visible = _ISOLATES.sub("", text)  # ours, not in WeasyPrint's text; a patient's marks count
        pango.pango_layout_set_markup(layout, (
            f'<span font_desc="{_font_desc(segment, size / segment.scale)}" '
            f'lang="{segment.language}">{html.escape(visible)}</span>').encode(), -1)
        line = pango.pango_layout_get_line_readonly(layout, 0)
        logical = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(line, ffi.NULL, logical)
        baseline = pango.pango_layout_get_baseline(layout) * FROM_UNITS
        return baseline, logical.height * FROM_UNITS - baseline

    def _chunks(self, line, text: bytes, starts: list[int], segments: list[Segment], size: float,
                fonts: dict[str, _FontUse]) -> tuple[list[_Chunk], float, dict[int, bytes]]:
        """The line's glyphs in chunks, its width, and each segment's text on it."""
        chunks: list[_Chunk] = []
        spans: dict[int, list[int]] = {}  # segment -> first and last byte on this line
        x = 0.0
        run = line.runs
        while run != ffi.NULL:
            item = run.data
            run = run.next
            glyphs = item.glyphs
            font = None  # looked up at the first glyph drawn: a run of direction marks draws none
            item_offset, item_length = item.item.offset, item.item.length
            clusters = sorted({glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)})
            for i in range(glyphs.num_glyphs):
                info = glyphs.glyphs[i]
                start = glyphs.log_clusters[i]
                segment = _segment_at(starts, item_offset + start)
                glyph_text = ""
                # as WeasyPrint: a cluster's text goes with its first glyph in the item's order
                if i == 0 or glyphs.log_clusters[i - 1] != start:
                    # the cluster runs to the next cluster's start, whichever way the item runs
                    following = bisect.bisect_right(clusters, start)
                    end = clusters[following] if following < len(clusters) else item_length
                    glyph_text = text[item_offset + start:item_offset + end].decode()
                    # marks too: a right-to-left mark starting a note sizes its line in WeasyPrint
                    span = spans.setdefault(segment, [item_offset + start, item_offset + end])
                    span[0] = min(span[0], item_offset + start)
                    span[1] = max(span[1], item_offset + end)
                width = info.geometry.width * FROM_UNITS
                if info.glyph == pango.PANGO_GLYPH_EMPTY:  # a direction mark: nothing to draw
                    if width:
                        x += width
                        chunks.append(_Chunk(-1, None, size, x))  # the next glyphs start anew
                    continue
                if info.glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    raise NeedsFullLayout("a character no bundled font has")
                font = font or self._font_use(item.item.analysis.font, fonts)
                if not chunks or chunks[-1].segment != segment or chunks[-1].font is not font:
                    chunks.append(_Chunk(segment, font, size * segments[segment].scale, x))
                chunks[-1].glyphs.append(_Glyph(info.glyph, width, info.geometry.x_offset * FROM_UNITS,
                                                info.geometry.y_offset * FROM_UNITS, glyph_text))
                x += width
        pieces = {segment: text[first:last] for segment, (first, last) in spans.items()}
        return [chunk for chunk in chunks if chunk.glyphs], x, pieces

    def _font_use(self, pango_font, fonts: dict[str, _FontUse]) -> _FontUse:
        description = pango.pango_font_describe(pango_font)
        key = ffi.string(pango.pango_font_description_to_string(description)).decode()
        pango.pango_font_description_free(description)
        key = re.sub(r" [\d.]+(px)?$", "", key)  # one embedded font per file, whatever the size
        if not key.startswith("Brochure "):  # a system font: let WeasyPrint's path report it
            raise NeedsFullLayout(f"a character no bundled font has ({key})")
        if key not in fonts:
            fonts[key] = _FontUse(pango_font, f"BF{len(fonts)}")
        return fonts[key]


def _segment_at(starts: list[int], offset: int) -> int:
    """The segment holding byte `offset`, segments starting at the (sorted) byte `starts`."""
    return bisect.bisect_right(starts, offset) - 1


def _font_desc(segment: Segment, size: float) -> str:
    weight = " Bold" if segment.bold else ""
    return f"{FAMILIES[segment.language]},{weight} {size * segment.scale:.3f}px"


def _description(families: str, bold: bool, size: float):
    description = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
    pango.pango_font_description_set_family(description, families.encode())
    pango.pango_font_description_set_weight(description, 700 if bold else 400)
    pango.pango_font_description_set_absolute_size(description, int(size * TO_UNITS))
    return description


# --- the update: content, fonts, structure ----------------------------------------------------


def write_cover(template: CoverTemplate, typesetter: Typesetter,
                blocks: dict[str, list[list[Segment]]]) -> bytes:
    """The template with `blocks` (rows of segments by language) set into its personal blocks."""
    update = Update(template.original)
    fonts: dict[str, _FontUse] = {}
    page = Ref(template.page)
    content = [b"Q\n"]
    parent_entries = list(template.parent_entries)
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
                    mcid = len(parent_entries)
                    parent_entries.append(span)
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
                update.put(span, {
                    "Type": Name("StructElem"), "S": Name("Span"), "P": paragraph, "Pg": page,
                    "K": mcids[0], **({"Lang": segment.language} if segment.own_element else {})})
            update.put(paragraph, {"Type": Name("StructElem"), "S": Name("P"), "P": Ref(slot.section),
                                   "Pg": page, "K": [spans[key][0] for key in order]})
            section_kids.append(paragraph)
        update.put(slot.section, {**template.sections[slot.section], "K": section_kids})
    font_refs = {use.resource: _embed(update, use) for use in fonts.values()}
    stream = update.add_stream(b"".join(content))
    update.put(template.page, {
        **template.page_entries,
        "Contents": [*template.contents[:-1], stream],
        "Resources": {**template.resources, "Font": {**template.fonts, **font_refs}},
    })
    update.put(template.parent_tree_entry, parent_entries)
    return update.write()


def _show(chunk: _Chunk, left: float, baseline: float) -> bytes:
    """BT ... ET for one chunk: WeasyPrint's way (draw/text.py) of keeping Pango's positions
    with a font's own advances, so readers extract the text as WeasyPrint's is."""
    font, size = chunk.font, chunk.size
    out = [b"BT\n/%s %.4f Tf\n1 0 0 1 %.4f %.4f Tm\n" % (font.resource.encode(), size,
                                                       left + chunk.x, baseline)]
    parts: list[str] = []
    for glyph in chunk.glyphs:
        if glyph.glyph not in font.to_unicode:  # a cluster's other glyphs stand for no text
            font.to_unicode[glyph.glyph] = _visible(glyph.text)
        if glyph.glyph not in font.widths:
            pango.pango_font_get_glyph_extents(font.pango_font, glyph.glyph, ffi.NULL, font.extents)
            font.widths[glyph.glyph] = round(font.extents.width * FROM_UNITS / font.size * 1000)
        own = font.widths[glyph.glyph] * size / 1000
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
    out.append(b"ET\n")
    return b"".join(out)


def _tj(parts: list[str]) -> bytes:
    return ("[" + " ".join(parts) + "] TJ\n").encode() if parts else b""


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISOLATES = re.compile("[\u2066-\u2069]")  # Segment.laid_out's (patients.csv refuses them)


def _visible(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def _embed(update: Update, use: _FontUse) -> Ref:
    """A Type 0 font with the glyphs `use` needs (ids kept, so the content needs no remapping)."""
    description = pango.pango_font_describe(use.pango_font)
    font = Font(use.pango_font, description, use.size)
    pango.pango_font_description_free(description)
    font.subset(use.to_unicode or {glyph: "" for glyph in use.widths}, False)
    program = update.add_stream(font.file_content, {"Length1": len(font.file_content)})
    subset_tag = "".join(chr(65 + b % 26) for b in _digest(sorted(use.widths), use.resource))
    base = Name(f"{subset_tag}+{font.name.decode().split('+', 1)[1]}")
    widths = max(use.widths.values(), default=0)
    descriptor = update.add({
        "Type": Name("FontDescriptor"), "FontName": base, "FontFamily": font.family,
        "Flags": font.flags, "FontBBox": [0, font.descent, widths, font.ascent],
        "ItalicAngle": 0, "Ascent": font.ascent, "Descent": font.descent,
        "CapHeight": font.ascent, "StemV": font.stemv, "StemH": font.stemh, "FontFile2": program})
    cid_widths: list = []
    for glyph in sorted(use.widths):
        if cid_widths and glyph - 1 in use.widths:
            cid_widths[-1].append(use.widths[glyph])
        else:
            cid_widths += [glyph, [use.widths[glyph]]]
    descendant = update.add({
        "Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": base,
        "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
        "CIDToGIDMap": Name("Identity"), "W": cid_widths, "FontDescriptor": descriptor})
    to_unicode = update.add_stream(_cmap(use.to_unicode))
    return update.add({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": base,
                       "Encoding": Name("Identity-H"), "DescendantFonts": [descendant],
                       "ToUnicode": to_unicode})


def _digest(glyphs: list[int], resource: str) -> bytes:
    return hashlib.md5(f"{resource}{glyphs}".encode(), usedforsecurity=False).digest()[:6]


def _cmap(to_unicode: dict[int, str]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(b"%d beginbfchar" % len(batch))
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode()
                  for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
