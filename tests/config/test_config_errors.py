"""Every mistake in clinic.toml: one precise line naming file and key, exit 2, and no PDF written."""

from __future__ import annotations

import pytest

from tests.conftest import copy_clinic, run_cli


def build_with(tmp_path, edit, slug="al-noor"):
    folder = copy_clinic(tmp_path, slug, "x")
    toml = folder / "clinic.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(edit(original), encoding="utf-8")
    out = tmp_path / "out"
    # run from the folder holding clinics/, as staff do: messages name clinics/x/clinic.toml
    result = run_cli("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "out", cwd=tmp_path)
    return result, out


def replace(old, new):
    def edit(text):
        assert old in text, old
        return text.replace(old, new)
    return edit


CASES = [
    (replace('primary = "#0B5563"', 'primary = "blue"'),
     'clinics/x/clinic.toml: brand.primary: expected #RRGGBB, got "blue"'),
    (replace("primary =", "primay ="),
     "clinics/x/clinic.toml: brand.primay: unknown key (did you mean brand.primary?)"),
    (replace('phone = "+971 4 123 4567"', 'phone = "call us"'),
     'clinics/x/clinic.toml: contact.phone: expected a phone number like +971 4 123 4567, got "call us"'),
    (replace('email = "care@alnoor-spine.example"', 'email = "care at alnoor"'),
     "clinics/x/clinic.toml: contact.email: expected an email"),
    (replace('website = "https://alnoor-spine.example/miss"', 'website = "javascript:alert(1)"'),
     "clinics/x/clinic.toml: contact.website: expected a web address"),
    (replace('languages = "ar,en"', 'languages = "fr"'),
     'clinics/x/clinic.toml: leaflet.languages: expected one of "ar,en", "en,ar", "ar", "en", got "fr"'),
    (replace('paper = "a4"', 'paper = "a5"'), "clinics/x/clinic.toml: leaflet.paper: expected one of"),
    (replace('ar = "مركز النور للعمود الفقري"', 'ar = "Al Noor"'),
     'clinics/x/clinic.toml: name.ar: expected Arabic text, got "Al Noor"'),
    (replace('en = "Al Noor Spine Centre"\n', ""), "clinics/x/clinic.toml: name.en: missing (required)"),
    (replace('logo = "logo.svg"', 'logo = "missing.svg"'),
     'clinics/x/clinic.toml: brand.logo: file not found: "missing.svg"'),
    (replace('logo = "logo.svg"', 'logo = "clinic.toml"'),
     "clinics/x/clinic.toml: brand.logo: expected a .svg, .png, .jpg or .jpeg file"),
    (replace("[contact]", "[contact"), "clinics/x/clinic.toml: not valid TOML"),
    (replace('primary = "#0B5563"', "primary = 12"), "brand.primary: expected #RRGGBB, got 12"),
    (replace('en = "Al Noor Spine Centre"', 'en = "Al Noor \u202eertneC"'),
     "name.en: contains the invisible direction control U+202E"),
    (replace('en = "Building 4', 'en = "\u2067Building 4'),
     "contact.address.en: contains the invisible direction control U+2067"),
    (replace('en = "Al Noor Spine Centre"', 'en = "Al Noor\\u0000 Spine Centre"'),
     "name.en: contains the control character U+0000"),
    (replace('ar = "مركز النور للعمود الفقري"', 'ar = "ﻱﺮﻘﻔﻟﺍ ﺩﻮﻤﻌﻟﺍ"'),
     "name.ar: contains pre-shaped Arabic (presentation forms"),
]


@pytest.mark.parametrize("edit, message", CASES, ids=[m.split(": ")[1] for _, m in CASES])
def test_config_mistake_is_reported_on_one_line_with_exit_2_and_no_file(tmp_path, edit, message):
    result, out = build_with(tmp_path, edit)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*")), "no PDF and no partial file"


def test_every_problem_is_reported_at_once(tmp_path):
    def spoil(text):
        return (text.replace('"#0B5563"', '"blue"').replace('"#E07A1F"', '"orange"')
                .replace('"+971 4 123 4567"', '"none"').replace("[leaflet]", "[leaflet]\ncolour = 1"))
    result, _ = build_with(tmp_path, spoil)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    fields = {line.split(": ")[2] for line in lines}
    assert {"brand.primary", "brand.accent", "contact.phone", "leaflet.colour"} <= fields


@pytest.mark.parametrize("logo", ["../al-noor/logo.svg", "/etc/passwd", "sections/../../other/logo.svg",
                                  "../../../../../../etc/hostname"])
def test_logo_path_outside_the_clinic_folder_is_a_config_error(tmp_path, logo):
    result, out = build_with(tmp_path, replace('logo = "logo.svg"', f'logo = "{logo}"'))
    assert result.returncode == 2
    assert "brand.logo: expected a file inside clinics/x" in result.stderr
    assert not out.exists()


def test_a_byte_order_mark_from_windows_editors_is_accepted(tmp_path):
    result, _ = build_with(tmp_path, lambda text: "\ufeff" + text, slug="harbor-spine")
    assert result.returncode == 0, result.stderr


def test_bad_clinic_section_file_names_the_file_and_key(tmp_path):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    (folder / "sections" / "parking.toml").write_text(
        '[section]\nid = "parking"\n[section.en]\nheading = "Parking"\nitems = ["Level B2"]\n'
        '[section.ar]\nheading = "Parking"\nitems = ["B2"]\n', encoding="utf-8")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "o", cwd=tmp_path)
    assert result.returncode == 2
    assert 'clinics/x/sections/parking.toml: section.ar.heading: expected Arabic text, got "Parking"' \
        in result.stderr
