"""Every WeasyPrint internal brochure relies on, one test each: after a WeasyPrint upgrade, the
failing test's name says which internal moved (and brochure/weasy.py is the one place to adapt)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from brochure import weasy

# the C struct fields the set cover reads (typeset.py walks a Pango layout line's glyphs)
STRUCT_FIELDS = {
    "PangoLayoutLine": ("runs",),
    "GSList": ("data", "next"),
    "PangoGlyphItem": ("item", "glyphs"),
    "PangoItem": ("offset", "length", "analysis"),
    "PangoAnalysis": ("font",),
    "PangoGlyphString": ("num_glyphs", "glyphs", "log_clusters"),
    "PangoGlyphInfo": ("glyph", "geometry"),
    "PangoGlyphGeometry": ("width", "x_offset", "y_offset"),
    "PangoRectangle": ("width", "height"),
}


def _weasyprint_functions() -> set[str]:
    from weasyprint.text import ffi as weasyprint_ffi

    return {name.split(" ", 1)[1] for name in weasyprint_ffi.ffi._parser._declarations
            if name.startswith("function ")}


def _library_of(function: str):
    if function.startswith("Fc"):
        return weasy.fontconfig
    if function.startswith("g_"):
        return weasy.gobject
    return weasy.pangoft2 if "_ft2_" in function or "_fc_" in function else weasy.pango


@pytest.mark.parametrize("struct", sorted(STRUCT_FIELDS))
def test_pango_struct_fields_are_declared_by_weasyprint(struct):
    fields = {name for name, _ in weasy.ffi.typeof(f"{struct} *").item.fields}
    missing = set(STRUCT_FIELDS[struct]) - fields
    assert not missing, f"weasyprint.text.ffi: {struct} no longer declares {sorted(missing)}"


def test_own_declarations_cover_every_c_function_used():
    declared = {name.split(" ", 1)[1] for name in weasy.ffi._parser._declarations
                if name.startswith("function ")}
    source = "".join(inspect.getsource(importlib.import_module(name)) for name in (
        "brochure.weasy", "brochure.personal.typeset", "brochure.personal.covers"))
    import re
    used = set(re.findall(r"\b(?:pango|gobject|fontconfig|pangoft2)\.([a-zA-Z]\w+)\(", source))
    own = {name for name in declared if f"{name} (" in inspect.getsource(weasy)}
    assert used <= own, f"called but not declared on brochure.weasy.ffi: {sorted(used - own)}"


@pytest.mark.parametrize("function", sorted(
    {"g_object_ref", "g_object_unref", "pango_layout_set_markup", "pango_layout_get_line_count",
     "pango_font_describe", "pango_layout_get_line_readonly", "pango_layout_line_get_extents",
     "pango_font_get_glyph_extents", "pango_context_get_metrics", "pango_font_map_create_context",
     "pango_context_set_round_glyph_positions", "pango_font_description_to_string", "g_free",
     "FcConfigCreate", "FcConfigDestroy", "pango_ft2_font_map_new", "pango_fc_font_map_set_config"}))
def test_c_function_is_in_the_system_library(function):
    assert getattr(_library_of(function), function), f"{function} missing from its library"


def test_weasyprints_cffi_object_gets_no_declarations_of_ours():
    """weasy.py declares these on its own object only (WeasyPrint 70 does not declare them)."""
    added = {"pango_layout_set_markup", "pango_layout_get_line_count", "pango_font_describe",
             "FcConfigCreate"} & _weasyprint_functions()
    assert not added, f"weasyprint.text.ffi.ffi declares {sorted(added)}: harmless, update this list"


def test_font_configuration_attributes_are_the_ones_weasy_py_sets():
    """BundledFontConfiguration replaces FontConfiguration.__init__: it must set what it sets."""
    from weasyprint.text.fonts import FontConfiguration

    theirs = set(vars(FontConfiguration()))
    ours = set(vars(weasy.BundledFontConfiguration()))
    assert theirs == ours, ("weasyprint.text.fonts.FontConfiguration.__init__ now sets "
                            f"{sorted(theirs ^ ours)}")


def test_font_configuration_uses_its_config_for_font_faces():
    from weasyprint.text.fonts import FontConfiguration

    source = inspect.getsource(FontConfiguration.add_font_face)
    assert "self._config" in source and "self.font_map" in source, \
        "FontConfiguration.add_font_face no longer uses self._config / self.font_map"


@pytest.mark.parametrize("attribute", ["file_content", "name", "family", "flags", "ascent",
                                       "descent", "stemv", "stemh", "subset"])
def test_pdf_font_class_attribute(attribute):
    from weasyprint.pdf.fonts import Font

    source = inspect.getsource(Font)
    assert f"self.{attribute}" in source or f"def {attribute}(" in source, \
        f"weasyprint.pdf.fonts.Font.{attribute} is gone"


def test_pdf_font_program_subsets_a_bundled_font():
    """Font(pango_font, description, size).subset(...) as font_program calls it."""
    import brochure
    from brochure.personal.cover_text import Segment
    from brochure.personal.leaflet import make_personal_leaflet
    from brochure.personal.typeset import Typesetter
    from brochure.render.html import _font_config
    from tests.conftest import EXAMPLES, PATIENT_EN

    make_personal_leaflet(brochure.load_clinic(EXAMPLES / "al-noor"), PATIENT_EN)  # the fonts
    fonts: dict = {}
    Typesetter(_font_config().font_map).lines([Segment("Abc", "en")], "en", 300, fonts)
    (use,) = fonts.values()
    program = weasy.font_program(use.pango_font, {1: "A"})
    assert program.data[:4] in (b"\x00\x01\x00\x00", b"true") and program.postscript_name


def test_page_box_of_a_rendered_page():
    from weasyprint import HTML

    page = HTML(string="<p>x</p>").render(font_config=weasy.BundledFontConfiguration()).pages[0]
    assert isinstance(weasy.page_box(page), weasy.boxes.PageBox), "weasyprint Page._page_box"


@pytest.mark.parametrize("name", ["PageBox", "MarginBox", "BlockBox", "BlockContainerBox",
                                  "GridContainerBox", "TextBox", "ReplacedBox"])
def test_box_class(name):
    assert isinstance(getattr(weasy.boxes, name, None), type), \
        f"weasyprint.formatting_structure.boxes.{name} is gone"


def test_structure_builder_is_replaceable():
    from weasyprint.pdf import tags

    assert callable(tags._build_box_tree), "weasyprint.pdf.tags._build_box_tree is gone"
    parameters = list(inspect.signature(getattr(tags._build_box_tree, "original",
                                                tags._build_box_tree)).parameters)
    assert parameters[:2] == ["box", "parent"], "weasyprint.pdf.tags._build_box_tree(box, parent, ...)"
    assert "_build_box_tree(" in inspect.getsource(tags.build_structure_tree if hasattr(
        tags, "build_structure_tree") else tags), "WeasyPrint no longer calls _build_box_tree by name"


def test_absolute_placeholder_wraps_its_box():
    from weasyprint.layout.absolute import AbsolutePlaceholder

    assert "self._box" in inspect.getsource(AbsolutePlaceholder), \
        "weasyprint.layout.absolute.AbsolutePlaceholder._box"


def test_bundled_srgb_profile():
    profile = weasy.srgb_profile()
    assert profile[36:40] == b"acsp", "weasyprint/pdf/sRGB2014.icc"


def test_user_agent_stylesheet_hook_and_the_rules_leaflet_html_leaves_out():
    """LeafletHTML overrides HTML._ua_stylesheets and edits WeasyPrint's html5_ua.css: both must
    still be there as weasy.py expects (it raises naming the rules otherwise)."""
    import weasyprint
    from weasyprint.html import UA

    assert list(inspect.signature(weasyprint.HTML._ua_stylesheets).parameters) == ["self", "forms"], \
        "weasyprint.HTML._ua_stylesheets(self, forms) changed"
    assert "\n::marker {" in UA, "weasyprint.html.UA no longer has its universal ::marker rule"
    assert weasy._leaflet_user_agent_stylesheet() is not None
