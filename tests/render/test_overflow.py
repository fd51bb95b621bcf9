"""Content that does not fit one sheet fails by name: never a silent third page, never clipped text."""

from __future__ import annotations

from tests.conftest import copy_clinic, run_cli

LONG_SECTION = '''[section]
id = "our-team"
[section.en]
heading = "Our team"
paragraphs = [{english}]
[section.ar]
heading = "فريقنا"
paragraphs = [{arabic}]
'''


def write_section(folder, repeat):
    english = ", ".join(['"Our surgeons and nurses care for you before, during and after surgery."'] * repeat)
    arabic = ", ".join(['"يعتني بك الجراحون والممرضون قبل الجراحة وأثناءها وبعدها."'] * repeat)
    (folder / "sections").mkdir(exist_ok=True)
    (folder / "sections" / "our-team.toml").write_text(
        LONG_SECTION.format(english=english, arabic=arabic), encoding="utf-8")


def test_content_longer_than_one_sheet_fails_naming_what_spilled(tmp_path):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    write_section(folder, repeat=14)
    out = tmp_path / "out"
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", out)
    assert result.returncode == 2
    assert "content does not fit on one A4 sheet" in result.stderr
    assert "our-team" in result.stderr or "contact" in result.stderr
    assert not out.exists()


def test_a_little_too_much_content_is_fitted_with_tighter_spacing(tmp_path):
    # dar-al-shifa fits its A4 sheet at normal spacing, both sides nearly full: a section of three
    # paragraphs more has nowhere to move, so the spacing is tightened (type sizes never are)
    folder = copy_clinic(tmp_path, "dar-al-shifa", "x")
    write_section(folder, repeat=3)
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o")
    assert result.returncode == 0, result.stderr
    assert "spacing tightened to fit" in result.stdout
    assert "2 pages" in result.stdout


def test_an_unbreakable_word_wider_than_its_column_fails(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine", "x")
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        '"2100 Michigan Avenue, Dearborn, MI 48124, USA"', '"' + "Building" * 20 + '"'), encoding="utf-8")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "contact: \"BuildingBuilding" in result.stderr and "wider than its column" in result.stderr


def test_a_full_trifold_moves_its_disclaimer_to_the_back_instead_of_failing(shared_builds):
    # al-noor's four reading panels cannot hold its sections and the disclaimer: the disclaimer
    # goes beside the back panel's QR code (test_trifold_fold reads it there), and every panel is
    # reported fitting. (The build shared with test_trifold_fold: the clinic's languages, Letter;
    # `build --verbose` printing the fill is test_design's.)
    leaflet = shared_builds.made("al-noor", "trifold", "office", "letter", "ar,en")
    assert len(leaflet.fill) == 6 and max(leaflet.fill.values()) <= 1


def test_one_language_per_side_fits_the_clinics_letter_paper(shared_builds):
    # harbor-spine's Arabic side only just fits Letter under a 30 pt title: the disclaimer beside
    # the QR code and the bullets in two columns give it the room (the clinic's paper and order;
    # `build` printing each file with its pages is test_cli's)
    leaflet = shared_builds.made("harbor-spine", "bilingual-pages", "office", "letter", "en,ar")
    assert leaflet.filename == "harbor-spine-miss-bilingual-pages-letter-en-ar-office.pdf"
    assert leaflet.page_count == 2


def test_a_word_too_wide_for_its_column_in_a_clinic_section_names_that_section_file(tmp_path):
    # a 40-letter Arabic "word" passes the section file's length limits but fits no column: the
    # error sends staff to the file they wrote, not to clinic.toml
    folder = copy_clinic(tmp_path, "al-noor", "x")
    (folder / "sections").mkdir(exist_ok=True)
    (folder / "sections" / "our-team.toml").write_text(LONG_SECTION.format(
        english='"Our surgeons care for you."', arabic='"' + "بسم" * 40 + '"'), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", out)
    assert result.returncode == 2, result.stdout
    line = next(line for line in result.stderr.splitlines() if "wider than its column" in line)
    assert "x/sections/our-team.toml: section.ar: text overflows" in line, line
    assert "clinic.toml" not in line
    assert not out.exists()
