"""Pango: a personal block's rows broken into lines of positioned glyphs, on WeasyPrint's own
font configuration (the same bundled fonts, bidi, shaping and line breaking as its covers)."""

from __future__ import annotations

import bisect
import html
import re
import struct
from dataclasses import dataclass, field
from typing import NamedTuple

from brochure.pdf.glyph_text import cluster_pieces
from brochure.personal.cover_text import FAMILIES, LINE_HEIGHT, SIZE_PT, NeedsFullLayout, Segment
from brochure.weasy import FROM_UNITS, TO_UNITS, ffi, font_name, gobject, pango

WIDTH_TOLERANCE_PT = 0.5   # a word this much wider is WeasyPrint's to judge (it allows 0.75)


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

    def __init__(self, pango_font, resource: str, name: str):
        # held past its layout (the layout's next text frees the runs), at the size it was first
        # met in: other sizes scale from it
        self.pango_font = ffi.gc(ffi.cast("PangoFont *", gobject.g_object_ref(pango_font)),
                                 gobject.g_object_unref)
        self.resource, self.name = resource, name
        self.widths: dict[int, int] = {}
        self.to_unicode: dict[int, str] = {}
        self.extents = ffi.new("PangoRectangle *")
        description = pango.pango_font_describe(pango_font)
        self.size = pango.pango_font_description_get_size(description) * FROM_UNITS
        pango.pango_font_description_free(description)

    def for_copy(self, resource: str) -> _FontUse:
        """The same font, with no glyphs yet, for another copy (its Pango font shared: a copy
        reuses rows laid out for earlier copies)."""
        use = object.__new__(_FontUse)
        use.pango_font, use.extents, use.size, use.name = self.pango_font, self.extents, self.size, self.name
        use.resource, use.widths, use.to_unicode = resource, {}, {}
        return use


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
        self._pieces: dict[tuple[str, bool, float, str], tuple[float, float]] = {}
        self._font_names: dict[int, tuple[object, str]] = {}  # by PangoFont address, held
        self._rows: dict[tuple, list[_Line]] = {}
        self._row_fonts: dict[str, _FontUse] = {}  # the fonts rows are laid out in, by name

    def _font_name(self, pango_font) -> str:
        """font_name, once per Pango font (held, so its address is never another font's)."""
        address = int(ffi.cast("uintptr_t", pango_font))
        if address not in self._font_names:
            held = ffi.gc(ffi.cast("PangoFont *", gobject.g_object_ref(pango_font)),
                          gobject.g_object_unref)
            self._font_names[address] = (held, font_name(pango_font))
        return self._font_names[address][1]

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

    def faces(self) -> list:
        """A Pango font for each bundled face a cover may be set in (every family of the
        blocks' font stacks, regular and bold)."""
        families = dict.fromkeys(family for stack in FAMILIES.values() for family in stack.split(","))
        context = self._for("en").context
        return [ffi.gc(pango.pango_font_map_load_font(self.font_map, context,
                                                     _description(family, bold, SIZE_PT["en"])),
                       gobject.g_object_unref)
                for family in families for bold in (False, True)]

    def lines(self, segments: list[Segment], language: str, width: float,
              fonts: dict[str, _FontUse]) -> list[_Line]:
        """One row (a paragraph) broken into lines no wider than `width`, glyphs positioned from
        the line's left end; raises NeedsFullLayout for a word wider than the block. A row laid
        out before (a label with the same surgeon, a note many patients get) is not laid out
        again: its lines are this copy's, in this copy's fonts."""
        key = (tuple(segments), language, width)
        if key not in self._rows:
            if len(self._rows) >= 1024:  # bounded: a batch's memory stays flat
                self._rows.clear()
            self._rows[key] = self._laid_out(segments, language, width, self._row_fonts)
        return [_Line([_Chunk(chunk.segment, self._use(chunk.font, fonts), chunk.size, chunk.x,
                              chunk.glyphs) for chunk in line.chunks], line.ascent, line.descent)
                for line in self._rows[key]]

    @staticmethod
    def _use(font: _FontUse, fonts: dict[str, _FontUse]) -> _FontUse:
        """This copy's use of the font a cached row was laid out in."""
        if font.name not in fonts:
            fonts[font.name] = font.for_copy(f"BF{len(fonts)}")
        return fonts[font.name]

    def _laid_out(self, segments: list[Segment], language: str, width: float,
                  fonts: dict[str, _FontUse]) -> list[_Line]:
        if any("\u00ad" in segment.text for segment in segments):
            raise NeedsFullLayout("a soft hyphen: WeasyPrint hyphenates (and says so in the text)")
        layout = self._for(language).rows
        size = SIZE_PT[language]
        markup, starts = [], []
        offset = 0
        for segment in segments:
            starts.append(offset)
            offset += len(segment.laid_out.encode())
            breaks = ' allow_breaks="false"' if segment.whole else ""  # white-space: nowrap
            markup.append(f'<span font_desc="{_font_desc(segment, size)}"{breaks} '
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
                if segment.outer:
                    outer_language, outer_size = segment.outer
                    boxes.append((outer_size, *self.metrics(outer_language, segment.bold, outer_size)))
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
        visible = _ISOLATES.sub("", text)  # ours, not in WeasyPrint's text; a patient's marks count
        key = (segment.language, segment.bold, size, visible)
        if key in self._pieces:  # labels, spaces, appointments: the same on many copies
            return self._pieces[key]
        if len(self._pieces) > 4096:  # bounded: a batch's memory stays flat
            self._pieces.clear()
        layout = self._for(segment.language).pieces
        pango.pango_layout_set_markup(layout, (
            f'<span font_desc="{_font_desc(segment, size / segment.scale)}" '
            f'lang="{segment.language}">{html.escape(visible)}</span>').encode(), -1)
        line = pango.pango_layout_get_line_readonly(layout, 0)
        logical = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(line, ffi.NULL, logical)
        baseline = pango.pango_layout_get_baseline(layout) * FROM_UNITS
        self._pieces[key] = (baseline, logical.height * FROM_UNITS - baseline)
        return self._pieces[key]

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
            count = glyphs.num_glyphs
            # read in bulk: a C field read through cffi costs as much as the rest of the loop
            log_clusters = ffi.unpack(glyphs.log_clusters, count)
            infos = _GLYPH_INFO.iter_unpack(ffi.buffer(glyphs.glyphs, count * _GLYPH_INFO.size))
            clusters = sorted(set(log_clusters))
            cluster: list[_Glyph] = []  # the glyphs drawn for one cluster, in the item's order
            right_to_left = item.item.analysis.level % 2
            for i, (glyph_id, pango_width, x_offset, y_offset) in enumerate(infos):
                start = log_clusters[i]
                segment = _segment_at(starts, item_offset + start)
                glyph_text = ""
                # as WeasyPrint: a cluster's text goes with its first glyph in the item's order
                if i == 0 or log_clusters[i - 1] != start:
                    _share_text(cluster, right_to_left)
                    cluster = []
                    # the cluster runs to the next cluster's start, whichever way the item runs
                    following = bisect.bisect_right(clusters, start)
                    end = clusters[following] if following < len(clusters) else item_length
                    glyph_text = text[item_offset + start:item_offset + end].decode()
                    # marks too: a right-to-left mark starting a note sizes its line in WeasyPrint
                    span = spans.setdefault(segment, [item_offset + start, item_offset + end])
                    span[0] = min(span[0], item_offset + start)
                    span[1] = max(span[1], item_offset + end)
                width = pango_width * FROM_UNITS
                if glyph_id == pango.PANGO_GLYPH_EMPTY:  # a direction mark: nothing to draw
                    if width:
                        x += width
                        chunks.append(_Chunk(-1, None, size, x))  # the next glyphs start anew
                    continue
                if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    raise NeedsFullLayout("a character no bundled font has")
                font = font or self._font_use(item.item.analysis.font, fonts)
                if not chunks or chunks[-1].segment != segment or chunks[-1].font is not font:
                    chunks.append(_Chunk(segment, font, size * segments[segment].scale, x))
                chunks[-1].glyphs.append(_Glyph(glyph_id, width, x_offset * FROM_UNITS,
                                                y_offset * FROM_UNITS, glyph_text))
                cluster.append(chunks[-1].glyphs[-1])
                x += width
            _share_text(cluster, right_to_left)
        pieces = {segment: text[first:last] for segment, (first, last) in spans.items()}
        return [chunk for chunk in chunks if chunk.glyphs], x, pieces

    def _font_use(self, pango_font, fonts: dict[str, _FontUse]) -> _FontUse:
        key = self._font_name(pango_font)  # one embedded font per file, whatever the size
        if not key.startswith("Brochure "):  # a system font: let WeasyPrint's path report it
            raise NeedsFullLayout(f"a character no bundled font has ({key})")
        if key not in fonts:
            fonts[key] = _FontUse(pango_font, f"BF{len(fonts)}", key)
        return fonts[key]


def _share_text(cluster: list[_Glyph], right_to_left: bool) -> None:
    """Every glyph of a cluster mapped to some of its text, as WeasyPrint's drawing is made to
    (pdf/glyph_text.py): the first glyph in the item's order holds the cluster's text."""
    if len(cluster) > 1 and (pieces := cluster_pieces(visible(cluster[0].text), len(cluster),
                                                      right_to_left)):
        for glyph, piece in zip(cluster, pieces, strict=True):
            glyph.text = piece


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` without bidi controls: a glyph's text in the PDF's text layer."""
    return _BIDI_CONTROLS.sub("", text)


def _glyph_info_struct() -> struct.Struct:
    """PangoGlyphInfo as Python's struct reads it: the glyph, then its geometry (width, x and y
    offsets), then attributes this module does not read."""
    geometry = ffi.offsetof("PangoGlyphInfo", "geometry")
    assert geometry == ffi.sizeof("PangoGlyph") and ffi.sizeof("PangoGlyphGeometry") == 12, \
        "PangoGlyphInfo's layout changed"
    return struct.Struct(f"=Iiii{ffi.sizeof('PangoGlyphInfo') - geometry - 12}x")


_GLYPH_INFO = _glyph_info_struct()


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


_ISOLATES = re.compile("[\u2066-\u2069]")  # Segment.laid_out's (patients.csv refuses them)

