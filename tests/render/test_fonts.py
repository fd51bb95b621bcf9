"""Fonts: only the bundled ones, embedded; a character they lack fails the build by name instead of
silently printing in some system font."""

from __future__ import annotations

import pytest

import brochure
from brochure.config.content import load_topic
from brochure.pdf import inspect as pdfcheck
from brochure.render.html import leaflet_html, render_pdf
from tests.conftest import EXAMPLES, copy_clinic, run_cli

BUNDLED = {"NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold", "NotoSans-Regular", "NotoSans-Bold",
           "NotoSans-CondensedBold", "Amiri-Regular"}


@pytest.mark.parametrize("key", ["al-noor", "dar-al-shifa", "harbor-spine", "al-noor:a4:ar"])
def test_all_fonts_are_embedded_and_bundled(built, key):
    fonts = pdfcheck.inspect_pdf(built[key].read_bytes()).fonts
    assert fonts
    assert all(font.embedded for font in fonts)
    assert {font.program_name for font in fonts} <= BUNDLED
    assert pdfcheck.font_problems(fonts) == []


def test_bundled_font_names_come_from_the_fonts_folder():
    assert pdfcheck.bundled_font_names() == BUNDLED


def test_a_character_missing_from_the_bundled_fonts_is_named_with_its_field(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine", "x")
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        '"Monday to Friday, 8 am to 5 pm"', '"Monday to Friday ☎ 8 am to 5 pm"'), encoding="utf-8")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert ("clinics/x/clinic.toml: contact.hours.en: the bundled fonts cannot draw '☎' "
            "(U+260E BLACK TELEPHONE)") in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_clinic_section_with_a_missing_glyph_names_the_section_file(tmp_path):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    section = folder / "sections" / "before-your-visit.toml"
    section.write_text(section.read_text(encoding="utf-8").replace("insurance card.", "insurance card ✔"),
                       encoding="utf-8")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "clinics/x/sections/before-your-visit.toml: section.en.items[0]: the bundled fonts cannot draw" \
        in result.stderr


def test_a_character_no_bundled_font_has_stops_the_render_whatever_the_machine_has():
    """WeasyPrint sees only fonts/ (brochure.weasy.BundledFontConfiguration): a character the
    bundled fonts lack is never drawn from a system font, the render names it instead."""
    clinic = brochure.load_clinic(EXAMPLES / "harbor-spine")
    html = leaflet_html(clinic, load_topic(), ("en", "ar"), "letter").replace(
        "It also makes spine surgery", "It also makes spine surgery ☃")  # headings end in a no-wrap span
    with pytest.raises(brochure.BrochureError, match="U\\+2603"):
        render_pdf(html, clinic)


def test_embedded_font_check_catches_a_system_font_fallback():
    """Second line of defence, after rendering: a glyph taken from a system font (here by
    WeasyPrint with its own, machine-wide font configuration)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf = HTML(string="<p>Before ☃</p>").write_pdf(font_config=FontConfiguration())
    fonts = pdfcheck.inspect_pdf(pdf).fonts
    if not any(f.program_name not in BUNDLED for f in fonts):
        pytest.skip("no system font on this machine; nothing to fall back to")
    assert any("uses the system font" in p for p in pdfcheck.font_problems(fonts))
