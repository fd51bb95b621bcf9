"""Bad input that used to get through, or to be blamed on the wrong thing: text that shows nothing,
line breaks in one-line fields, two sections with one id, an overlong item, a stray NUL byte in a
CSV, a path given as a clinic, and a logo cut short. Each: exit 2, one line per problem naming
the file and the field."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from brochure.config.patients import read_patients
from tests.conftest import EXAMPLES, copy_clinic, run_cli

HEADER = "patient_id,name,email,language,appointment,surgeon,note"
INVISIBLE = "\u200d\u200c\u200d"  # zero-width joiners and a non-joiner: print as nothing


def check(tmp_path, *extra, slug="al-noor"):
    return run_cli("check", "--clinic", slug, "--clinics-dir", tmp_path / "clinics", *extra, cwd=tmp_path)


def errors(result) -> list[str]:
    assert "Traceback" not in result.stderr + result.stdout
    return [line for line in (result.stdout + result.stderr).splitlines() if "error" in line.lower()]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_patient_name_of_invisible_characters_only_is_refused(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(f"{HEADER}\nP-0001,{INVISIBLE},a@example.com,en,2026-12-01 09:30,{INVISIBLE},\n",
                    encoding="utf-8")
    patients = read_patients(path)
    assert [f"{p.field}: {p.message}" for p in patients.problems] == [
        f"line 2 (P-0001): {column}: contains only invisible characters (such as zero-width joiners "
        "or spaces), which print as nothing; type the text itself" for column in ("name", "surgeon")]


@pytest.mark.parametrize("key, old", [
    ("name.en", 'en = "Al Noor Spine Centre"'),
    ("name.ar", 'ar = "مركز النور للعمود الفقري"'),
    ("contact.address.en", 'en = "Building 4, Dubai Healthcare City, Dubai, UAE"'),
])
def test_required_clinic_text_of_invisible_characters_only_is_refused(tmp_path, key, old):
    folder = copy_clinic(tmp_path)
    edit(folder / "clinic.toml", old, f'{old.split(" = ")[0]} = "{INVISIBLE}"')
    result = check(tmp_path)
    assert result.returncode == 2
    assert any(f"clinics/al-noor/clinic.toml: {key}: contains only invisible characters (such as "
               "zero-width joiners or spaces), which print as nothing; type the text itself" in line
               for line in errors(result)), errors(result)


@pytest.mark.parametrize("breaks", ["\\n", "\\r\\n", "\\r"])
def test_a_line_break_in_the_clinics_name_is_refused(tmp_path, breaks):
    folder = copy_clinic(tmp_path)
    edit(folder / "clinic.toml", 'en = "Al Noor Spine Centre"', f'en = "Al Noor{breaks}Bcc: x@evil.example"')
    for result in (check(tmp_path), run_cli("build", "--clinic", "al-noor", "--clinics-dir",
                                            tmp_path / "clinics", "--out", "out", cwd=tmp_path)):
        assert result.returncode == 2
        assert any("clinics/al-noor/clinic.toml: name.en: contains a line break; this is one line (on "
                   "the leaflet and in the email's headers): remove it" in line for line in errors(result))
    assert not (tmp_path / "out").exists()


def section(folder, file, ident, item="أحضر بطاقة الهوية."):
    (folder / "sections" / file).write_text(
        f'[section]\nid = "{ident}"\n[section.en]\nheading = "More"\nitems = ["Bring your ID."]\n'
        f'[section.ar]\nheading = "المزيد"\nitems = ["{item}"]\n', encoding="utf-8")


def test_two_sections_with_one_id_name_both_files_in_check_and_build(tmp_path):
    folder = copy_clinic(tmp_path)
    section(folder, "zz-again.toml", "before-your-visit")
    section(folder, "zz-topic.toml", "what")
    expected = [
        'clinics/al-noor/sections/zz-again.toml: section.id: "before-your-visit" is already the id of a '
        "section in clinics/al-noor/sections/before-your-visit.toml; give each section its own id",
        'clinics/al-noor/sections/zz-topic.toml: section.id: "what" is already the id of a '
        "section in the reviewed content; give each section its own id"]
    built = run_cli("build", "--clinic", "al-noor", "--clinics-dir", tmp_path / "clinics", "--out", "out",
                    cwd=tmp_path)
    for result in (check(tmp_path), built):
        assert result.returncode == 2
        for line in expected:
            assert any(line in found for found in errors(result)), (line, errors(result))
    assert "WeasyPrint" not in built.stderr and not (tmp_path / "out").exists()


def test_an_overlong_item_is_named_with_what_is_wrong(tmp_path):
    folder = copy_clinic(tmp_path)
    section(folder, "zz-long.toml", "a-long-word", item="ب" * 2400)
    result = check(tmp_path)
    assert result.returncode == 2
    assert any("clinics/al-noor/sections/zz-long.toml: section.ar.items[0]: longer than 2000 "
               "characters (2400); shorten it" in line for line in errors(result)), errors(result)


def test_a_nul_byte_early_in_a_utf8_csv_is_a_control_character_not_utf16(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_bytes(f"{HEADER}\nP-0001,Sara\x00Haddad,sara@example.com,en,2026-12-01 09:30,,\n"
                     f"P-0002,Daniel Brooks,d@example.org,en,2026-12-01 10:00,,\n".encode())
    patients = read_patients(path)
    assert [f"{p.field}: {p.message}" for p in patients.problems] == [
        "line 2 (P-0001): name: contains the control character U+0000, which prints as nothing or as "
        "a box; remove it"]
    assert [p.patient_id for p in patients] == ["P-0002"]
    # real UTF-16 without its byte-order mark is still recognised
    path.write_bytes(f"{HEADER}\nP-0001,Sara,sara@example.com,en,2026-12-01 09:30,,\n".encode("utf-16-le"))
    with pytest.raises(Exception, match="UTF-16 text"):
        read_patients(path)


@pytest.mark.parametrize("given", ["../clinics/al-noor", "/etc", "al-noor/", "Al-Noor"])
@pytest.mark.parametrize("command", ["build", "check", "send", "record"])
def test_clinic_takes_a_slug_not_a_path(tmp_path, given, command):
    extra = ["--patients", "p.csv"] if command == "send" else []
    result = run_cli(command, "--clinic", given, "--clinics-dir", EXAMPLES, *extra, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: --clinic: expected a clinic's slug (the name of its folder, like al-noor), got "
        f"{given!r}; a clinic elsewhere is found with --clinics-dir FOLDER --clinic SLUG"]


def cut_short(data: bytes) -> bytes:
    return data[:len(data) * 2 // 3]


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_logo_cut_short_is_refused_by_build_and_check(tmp_path, kind):
    folder = copy_clinic(tmp_path, "dar-al-shifa")
    image = Image.open(folder / "logo.png").convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG" if kind == "png" else "JPEG", quality=90)
    (folder / "logo.png").unlink()
    name = "logo.png" if kind == "png" else "logo.jpg"
    (folder / name).write_bytes(cut_short(buffer.getvalue()))
    edit(folder / "clinic.toml", 'logo = "logo.png"', f'logo = "{name}"')
    built = run_cli("build", "--clinic", "dar-al-shifa", "--clinics-dir", tmp_path / "clinics",
                    "--out", "out", cwd=tmp_path)
    press = check(tmp_path, "--render", "--for", "press", slug="dar-al-shifa")
    for result in (built, press):
        assert result.returncode == 2
        assert any("cannot be read as an image in full (image file is truncated" in line
                   or "cannot be read as an image in full" in line for line in errors(result)), errors(result)
    assert not (tmp_path / "out").exists()
