"""The one place that touches WeasyPrint's internals (WeasyPrint is pinned; see pyproject.toml).

brochure uses a few things WeasyPrint does not publish: its page boxes (to measure columns and
find the personal blocks), the function that builds each structure element (to add /Lang), its
PDF font class (to embed the fonts of a set cover), its bundled sRGB profile, its user-agent
stylesheet (`LeafletHTML` leaves out the pseudo-elements no leaflet has), and its C types for
Pango. Everything of that kind is here and nowhere else, so a WeasyPrint upgrade that moves
one of them breaks this module only, and tests/render/test_weasy_internals.py names what moved.

C functions are declared on this module's own cffi object, which only borrows WeasyPrint's type
declarations (`ffi.include`): nothing is ever added to WeasyPrint's object, so a WeasyPrint
that declares the same function later cannot make the import fail.

Fonts: `BundledFontConfiguration` is WeasyPrint's font configuration on an empty Fontconfig
configuration, holding only the @font-face fonts of the templates (all from fonts/): the fonts
installed on a machine can neither change a leaflet nor stop it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files

import cffi
import pydyf
from weasyprint import HTML
from weasyprint.draw import text as _draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags
from weasyprint.pdf.fonts import Font
from weasyprint.text import ffi as _weasyprint_ffi
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration, get_hb_object_data

from brochure.pdf.glyph_text import cluster_pieces

__all__ = [
    "FROM_UNITS", "TO_UNITS", "BundledFontConfiguration", "FontProgram", "LeafletHTML", "boxes",
    "ffi", "font_program", "fontconfig", "gobject", "page_box", "pango", "pangoft2",
    "postscript_name", "reachable_glyphs", "srgb_profile", "tag_structure_elements",
]

ffi = cffi.FFI()
ffi.include(_weasyprint_ffi.ffi)  # the Pango, GLib and Fontconfig types; no functions
# override=True: a later WeasyPrint declaring one of these on its own object changes nothing here
ffi.cdef("""
    #define PANGO_GLYPH_EMPTY 0x0FFFFFFF
    #define PANGO_GLYPH_UNKNOWN_FLAG 0x10000000
    #define PANGO_DIRECTION_LTR 0
    #define PANGO_DIRECTION_RTL 1

    gpointer g_object_ref (gpointer object);
    void g_free (gpointer mem);
    void g_object_unref (gpointer object);

    int pango_units_from_double (double d);
    double pango_units_to_double (int i);
    PangoContext * pango_font_map_create_context (PangoFontMap *fontmap);
    void pango_context_set_base_dir (PangoContext *context, PangoDirection direction);
    void pango_context_set_language (PangoContext *context, PangoLanguage *language);
    void pango_context_set_round_glyph_positions (PangoContext *context, gboolean round_positions);
    PangoFontMetrics * pango_context_get_metrics (
        PangoContext *context, const PangoFontDescription *desc, PangoLanguage *language);
    int pango_font_metrics_get_ascent (PangoFontMetrics *metrics);
    int pango_font_metrics_get_descent (PangoFontMetrics *metrics);
    void pango_font_metrics_unref (PangoFontMetrics *metrics);
    PangoLanguage * pango_language_from_string (const char *language);

    PangoFontDescription * pango_font_description_new (void);
    void pango_font_description_free (PangoFontDescription *desc);
    void pango_font_description_set_family (PangoFontDescription *desc, const char *family);
    void pango_font_description_set_weight (PangoFontDescription *desc, PangoWeight weight);
    void pango_font_description_set_absolute_size (PangoFontDescription *desc, double size);
    int pango_font_description_get_size (PangoFontDescription *desc);
    char * pango_font_description_to_string (const PangoFontDescription *desc);
    PangoFontDescription * pango_font_describe (PangoFont *font);
    PangoFontMap * pango_font_get_font_map (PangoFont *font);
    void pango_font_get_glyph_extents (
        PangoFont *font, PangoGlyph glyph, PangoRectangle *ink_rect, PangoRectangle *logical_rect);

    PangoLayout * pango_layout_new (PangoContext *context);
    void pango_layout_set_auto_dir (PangoLayout *layout, gboolean auto_dir);
    void pango_layout_set_width (PangoLayout *layout, int width);
    void pango_layout_set_markup (PangoLayout *layout, const char *markup, int length);
    int pango_layout_get_line_count (PangoLayout *layout);
    int pango_layout_get_baseline (PangoLayout *layout);
    PangoLayoutLine * pango_layout_get_line_readonly (PangoLayout *layout, int line);
    void pango_layout_line_get_extents (
        PangoLayoutLine *line, PangoRectangle *ink_rect, PangoRectangle *logical_rect);

    FcConfig * FcConfigCreate (void);
    FcBool FcConfigAppFontAddFile (FcConfig *config, const FcChar8 *file);
    void FcConfigDestroy (FcConfig *config);
    PangoFontMap * pango_ft2_font_map_new (void);
    void pango_fc_font_map_set_config (PangoFcFontMap *fcfontmap, FcConfig *fcconfig);
    PangoFont * pango_font_map_load_font (
        PangoFontMap *fontmap, PangoContext *context, const PangoFontDescription *desc);

    typedef struct hb_subset_plan_t hb_subset_plan_t;
    typedef struct hb_map_t hb_map_t;
    void hb_set_add_range (hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
    hb_bool_t hb_map_has (const hb_map_t *map, hb_codepoint_t key);
    hb_set_t * hb_subset_input_unicode_set (hb_subset_input_t *input);
    hb_subset_plan_t * hb_subset_plan_create_or_fail (
        hb_face_t *face, const hb_subset_input_t *input);
    void hb_subset_plan_destroy (hb_subset_plan_t *plan);
    const hb_map_t * hb_subset_plan_old_to_new_glyph_mapping (const hb_subset_plan_t *plan);
""", override=True)


def _dlopen(*names: str):
    """The same libraries WeasyPrint loads (one name per platform), through this module's ffi."""
    flags = 0x00001000 if os.name == "nt" else ffi.RTLD_NOW
    for name in names[:-1]:
        try:
            return ffi.dlopen(name, flags)
        except OSError:
            pass
    return ffi.dlopen(names[-1], flags)


gobject = _dlopen("libgobject-2.0.so.0", "libgobject-2.0.0.dylib", "libgobject-2.0-0.dll",
                  "gobject-2.0")
pango = _dlopen("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll", "pango-1.0")
fontconfig = _dlopen("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll",
                     "fontconfig")
pangoft2 = _dlopen("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll",
                   "pangoft2-1.0")

# HarfBuzz functions WeasyPrint does not declare (its subsetter's plan: which glyphs text can reach)
harfbuzz_own = _dlopen("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll", "harfbuzz")
harfbuzz_plans = _dlopen("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                         "libharfbuzz-subset-0.dll", "harfbuzz-subset")

TO_UNITS = pango.pango_units_from_double(1)
FROM_UNITS = pango.pango_units_to_double(1)


class BundledFontConfiguration(FontConfiguration):
    """WeasyPrint's font configuration (it adds each @font-face font to `_config`) built on a
    Fontconfig configuration holding the fonts/ folder only, instead of the machine's: no system
    font is ever seen, so a character no bundled font has is drawn as a missing glyph (which the
    render reports), never in a font the machine happens to have. (The folder itself is there so
    that a document without @font-face still has fonts: Pango with none at all crashes.)"""

    def __init__(self):  # WeasyPrint's __init__, with our config for FcInitLoadConfigAndFonts
        from brochure.assets import fonts_dir

        self._config = fontconfig.FcConfigCreate()
        for font in sorted(fonts_dir().glob("*.ttf")):  # file by file: a folder wants a cache
            fontconfig.FcConfigAppFontAddFile(self._config, str(font).encode())
        self.font_map = ffi.gc(pangoft2.pango_ft2_font_map_new(), gobject.g_object_unref)
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map),
                                              self._config)
        fontconfig.FcConfigDestroy(self._config)  # the font map holds its own reference
        self._folder = None
        self.strut_layouts = {}
        self.font_features = {}


@dataclass(frozen=True)
class FontProgram:
    """A font cut down to some glyphs (ids kept), with what its PDF font descriptor needs."""

    data: bytes
    postscript_name: str   # without WeasyPrint's subset tag
    family: str
    flags: int
    ascent: int
    descent: int
    stem_v: int
    stem_h: int


def font_program(pango_font, glyphs: dict[int, str]) -> FontProgram:
    """`pango_font` subset to `glyphs` (id -> text) with the flags and dropped tables of
    WeasyPrint's own PDF font code, so a set cover embeds its fonts as WeasyPrint's covers do.
    The same font and glyphs give the same program: the fonts of labels, appointments and
    surgeons repeat from copy to copy, and are cut once."""
    font = _pdf_font(pango_font)
    key = (font_name(pango_font), tuple(sorted(glyphs)))
    if key not in _programs:
        if len(_programs) >= 512:  # bounded: a batch's memory stays flat
            _programs.clear()
        data = _subset(font, key[1])
        _programs[key] = FontProgram(data, postscript_name(pango_font), font.family, font.flags,
                                     font.ascent, font.descent, font.stemv, font.stemh)
    return _programs[key]


def postscript_name(pango_font) -> str:
    """The name WeasyPrint gives `pango_font`'s font in a PDF, without its subset tag."""
    # WeasyPrint's name carries the size of the description it was made from: one font, one name
    return re.sub(r"-[\d.]+(px)?$", "", _pdf_font(pango_font).name.decode().split("+", 1)[1])


_programs: dict[tuple[str, tuple[int, ...]], FontProgram] = {}


def reachable_glyphs(pango_font, characters: tuple[tuple[int, int], ...]) -> frozenset[int]:
    """The glyphs of `pango_font`'s font that text made of `characters` (ranges of code points)
    can be drawn with: each character's own glyph and every glyph the font's substitutions reach
    from those (Arabic joining forms, ligatures, marks), as HarfBuzz's subsetter finds them."""
    font = _pdf_font(pango_font)
    wanted = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                    harfbuzz_subset.hb_subset_input_destroy)
    unicodes = harfbuzz_plans.hb_subset_input_unicode_set(wanted)
    for first, last in characters:
        harfbuzz_own.hb_set_add_range(unicodes, first, last)
    plan = harfbuzz_plans.hb_subset_plan_create_or_fail(font.hb_face, wanted)
    if plan == ffi.NULL:
        raise RuntimeError(f"HarfBuzz could not plan a subset of {font.family}")
    try:
        kept = harfbuzz_plans.hb_subset_plan_old_to_new_glyph_mapping(plan)
        return frozenset(glyph for glyph in range(harfbuzz.hb_face_get_glyph_count(font.hb_face))
                         if harfbuzz_own.hb_map_has(kept, glyph))
    finally:
        harfbuzz_plans.hb_subset_plan_destroy(plan)
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")  # as Font._harfbuzz_subset: the PDF places glyphs


def _subset(font: Font, glyphs: tuple[int, ...]) -> bytes:
    """The font program cut down to `glyphs` (sorted ids, kept), unhinted, in one HarfBuzz pass.
    WeasyPrint's Font.subset makes the same font in two (the second, over every id up to the
    highest, only drops the hinting), at twice the time; without HarfBuzz's subsetter, its own."""
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        font.subset(dict.fromkeys(glyphs, ""), False)
        return font.file_content
    wanted = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                    harfbuzz_subset.hb_subset_input_destroy)
    ids = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    harfbuzz.hb_set_add_sorted_array(harfbuzz_subset.hb_subset_input_glyph_set(wanted), ids,
                                     len(glyphs))
    harfbuzz_subset.hb_subset_input_set_flags(wanted, (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE))
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(wanted, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = harfbuzz_subset.hb_subset_or_fail(font.hb_face, wanted)
    if face == ffi.NULL:
        raise RuntimeError(f"HarfBuzz could not subset {font.family}")
    try:
        return get_hb_object_data(face)
    finally:
        harfbuzz.hb_face_destroy(face)


_pdf_fonts: dict[tuple[int, str], tuple[object, Font]] = {}


def _pdf_font(pango_font) -> Font:
    """WeasyPrint's PDF Font for `pango_font`, made once per font file and font map (making one
    copies the whole font file: a fifth of a set cover's time), its Pango font held with it."""
    key = (int(ffi.cast("uintptr_t", pango.pango_font_get_font_map(pango_font))),
           font_name(pango_font))
    if key in _pdf_fonts:
        return _pdf_fonts[key][1]
    description = pango.pango_font_describe(pango_font)
    try:
        size = pango.pango_font_description_get_size(description) * FROM_UNITS
        held = ffi.gc(ffi.cast("PangoFont *", gobject.g_object_ref(pango_font)),
                      gobject.g_object_unref)
        _pdf_fonts[key] = (held, Font(held, description, size))
    finally:
        pango.pango_font_description_free(description)
    return _pdf_fonts[key][1]


def font_name(pango_font) -> str:
    """"Brochure Naskh Bold": the font's description without its size."""
    description = pango.pango_font_describe(pango_font)
    text = pango.pango_font_description_to_string(description)
    try:
        return re.sub(r" [\d.]+(px)?$", "", ffi.string(text).decode())
    finally:
        gobject.g_free(text)  # Pango's string is ours to free
        pango.pango_font_description_free(description)


def page_box(page):
    """The laid-out page box of a `weasyprint.Page`."""
    return page._page_box


def tag_structure_elements(language_of: Callable[[object], str | None]) -> None:
    """Add /Lang to the structure element WeasyPrint makes for a box, when `language_of(box)`
    gives one; and make page footers (margin boxes) members of the structure tree, which
    WeasyPrint 70 leaves out of their parent's kids. Idempotent: WeasyPrint's recursion looks
    its builder up by module name."""
    if getattr(tags._build_box_tree, "language_of", None) is language_of:
        return
    original = getattr(tags._build_box_tree, "original", tags._build_box_tree)

    def with_language(structures, parent, language) -> Iterator[dict]:
        for structure in structures:
            # only the element made for this box: html/body pass their children through
            if language and structure.get("P") == parent.reference and "Lang" not in structure:
                structure["Lang"] = pydyf.String(language)
            yield structure

    def build_box_tree(box, parent, *args) -> Iterator[dict]:
        inner = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(inner, boxes.MarginBox):
            for child in inner.children:
                yield from with_language(original(child, parent, *args), parent, language_of(inner))
            return
        yield from with_language(original(box, parent, *args), parent, language_of(inner))

    build_box_tree.original, build_box_tree.language_of = original, language_of
    tags._build_box_tree = build_box_tree


def _map_every_glyph(draw_first_line):
    """WeasyPrint's draw_first_line, then every glyph of a multi-glyph cluster that it mapped to
    no text given its piece of the cluster's text (cluster_pieces), in the PDF font's ToUnicode
    map. Only mappings this line made are changed: a glyph met before keeps the text it has."""
    def drawn(stream, textbox, *args, **kwargs):
        emojis = draw_first_line(stream, textbox, *args, **kwargs)
        if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return emojis
        first_line, _ = textbox.pango_layout.get_first_line()
        run = first_line.runs[0]
        while run != ffi.NULL:
            item, run = run.data, run.next
            glyphs, count = item.glyphs, item.glyphs.num_glyphs
            right_to_left = item.item.analysis.level % 2
            font = None
            start = 0
            while start < count:
                end = start
                while end + 1 < count and glyphs.log_clusters[end + 1] == glyphs.log_clusters[start]:
                    end += 1
                ids = [glyphs.glyphs[i].glyph for i in range(start, end + 1)]
                start = end + 1
                if len(ids) < 2 or any(glyph == pango.PANGO_GLYPH_EMPTY
                                       or glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG for glyph in ids):
                    continue  # one glyph; or an empty or a missing one
                font = font or stream.add_font(item.item.analysis.font)[0]
                mapped = [font.to_unicode.get(glyph) for glyph in ids]
                if mapped[0] and not any(mapped[1:]) and (pieces := cluster_pieces(
                        mapped[0], len(ids), right_to_left)):
                    font.to_unicode.update(zip(ids, pieces, strict=True))
        return emojis

    drawn.original = draw_first_line
    return drawn


if not hasattr(_draw_text.draw_first_line, "original"):
    _draw_text.draw_first_line = _map_every_glyph(_draw_text.draw_first_line)


def srgb_profile() -> bytes:
    """The sRGB ICC profile WeasyPrint bundles (an output intent for the screen and PDF/A)."""
    return (files("weasyprint") / "pdf" / "sRGB2014.icc").read_bytes()


# WeasyPrint's user-agent sheet gives EVERY element a ::marker and five footnote and note
# pseudo-elements, each a computed style: about 60 % of the styles WeasyPrint computes for a
# leaflet. Markers stay for list items; footnotes and notes go (no template has a footnote).
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.M)


@functools.cache
def _leaflet_user_agent_stylesheet():
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    text, notes = _NOTE_RULES.subn("", UA.replace("\n::marker {", "\nli::marker {"))
    if notes != 5 or "\nli::marker {" not in text:
        raise RuntimeError("WeasyPrint's html5_ua.css no longer has its ::marker, footnote and note rules")
    # its @counter-style rules are in WeasyPrint's own copy already (HTML._ua_counter_style)
    return CSS(string=re.sub(r"@counter-style [^{]+\{[^}]*\}", "", text), counter_style=CounterStyle())


class LeafletHTML(HTML):
    """WeasyPrint's HTML with that leaner user-agent sheet: the same pages, laid out faster."""

    def _ua_stylesheets(self, forms=False):
        from weasyprint.html import UA_FORM_STYLESHEET

        return [_leaflet_user_agent_stylesheet(), *([UA_FORM_STYLESHEET] if forms else [])]
