"""The command line as staff use it: through the installed entry point, exit codes and messages."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from brochure import __version__
from tests.conftest import EXAMPLES, copy_clinic, run_cli


def test_version_is_printed():
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["new-clinic"]])
def test_every_command_has_help(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 5


def test_a_bug_exits_1_with_the_traceback_and_a_request_to_report_it(monkeypatch):
    def broken(clinics_dir):
        raise RuntimeError("a bug")

    monkeypatch.setattr("brochure.cli.leaflets.find_clinics", broken)
    result = run_cli("list", "--clinics-dir", EXAMPLES)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "RuntimeError: a bug" in result.stderr
    assert result.stderr.rstrip().endswith("this is a bug in brochure, not something you did. Please "
                                           "report it with the output above.")


def test_build_all_prints_each_path_and_page_count(built):
    lines = built.stdout.strip().splitlines()
    assert len(lines) == 3
    for slug in ("al-noor", "dar-al-shifa", "harbor-spine"):
        line = next(line for line in lines if f"/{slug}/" in line)
        path_text, pages = re.match(r"(\S+\.pdf)\s+(\d) pages?", line).groups()
        assert int(pages) == len(PdfReader(path_text).pages)


def test_output_is_named_after_clinic_paper_and_languages(built):
    assert built["al-noor"].name == "al-noor-miss-sheet-a4-ar-en-office.pdf"
    assert built["harbor-spine"].name == "harbor-spine-miss-sheet-letter-en-ar-office.pdf"
    assert built["al-noor"].parent.name == "al-noor"


def test_paper_and_languages_options_override_the_clinic(tmp_path):
    result = run_cli("build", "--clinic", "harbor-spine", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--paper", "a4", "--languages", "ar")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "harbor-spine" / "harbor-spine-miss-sheet-a4-ar-office.pdf").is_file()


def test_clinics_dir_comes_from_the_environment(tmp_path):
    copy_clinic(tmp_path, "harbor-spine", "from-env")
    result = run_cli("build", "--clinic", "from-env", "--out", tmp_path / "out",
                     env={"BROCHURE_CLINICS_DIR": str(tmp_path / "clinics")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "from-env" / "from-env-miss-sheet-letter-en-ar-office.pdf").is_file()


@pytest.mark.parametrize("args, message", [
    (["build"], "say which clinic"),
    (["build", "--clinic", "al-noor", "--all"], "not both"),
    (["build", "--clinic", "al-noor", "--languages", "fr"], "expected one of ar,en"),
    (["build", "--clinic", "al-noor", "--paper", "a3"], "a3"),
    (["build", "--clinic", "no-such-clinic"], "no clinic called 'no-such-clinic'"),
])
def test_usage_mistakes_exit_2_with_a_message_and_no_traceback(args, message, tmp_path):
    result = run_cli(*args, "--clinics-dir", EXAMPLES, "--out", tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_list_shows_both_names_of_every_clinic():
    result = run_cli("list", "--clinics-dir", EXAMPLES)
    assert result.returncode == 0
    for english, arabic in [("Al Noor Spine Centre", "مركز النور للعمود الفقري"),
                            ("Harbor Spine Institute", "معهد هاربر للعمود الفقري")]:
        assert english in result.stdout
        # Not a terminal here, so the Arabic stays in logical order (what the file says).
        assert arabic in result.stdout


def test_list_fits_an_80_column_terminal_with_every_column_readable():
    result = run_cli("list", "--clinics-dir", EXAMPLES, env={"COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for slug, start, leaflet in [("al-noor", "مركز النور", "ar,en a4"),
                                 ("dar-al-shifa", "مستشفى دار", "ar,en a4"),
                                 ("harbor-spine", "معهد هاربر", "en,ar letter")]:
        [row] = [line for line in lines if f" {slug} " in line]
        # a long Arabic name is shortened at its end, in logical order: its start stays
        assert start in row and leaflet in row and row.rstrip("│ ").endswith("ok")


def test_list_shapes_arabic_for_a_terminal():
    from brochure.bidi import terminal_text

    shaped = terminal_text("مركز النور")
    assert shaped != "مركز النور"
    assert any(0xFE70 <= ord(c) <= 0xFEFF for c in shaped)  # joined forms, for terminals only
    assert terminal_text("Al Noor") == "Al Noor"


def test_list_marks_a_broken_clinic_without_failing(tmp_path):
    folder = copy_clinic(tmp_path)
    (folder / "clinic.toml").write_text("[name]\nen = 'x'\n", encoding="utf-8")
    result = run_cli("list", "--clinics-dir", tmp_path / "clinics")
    assert result.returncode == 0
    assert "problem" in result.stdout


def test_a_clinic_folder_without_clinic_toml_is_named_as_such(tmp_path):
    (tmp_path / "clinics" / "empty").mkdir(parents=True)
    result = run_cli("build", "--clinic", "empty", "--clinics-dir", "clinics", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: clinics/empty/clinic.toml: missing: the folder is there "
                                    "but has no clinic.toml; `brochure new-clinic empty` writes one")
    made = run_cli("new-clinic", "empty", "--clinics-dir", "clinics", cwd=tmp_path)
    assert made.returncode == 0, made.stderr


def test_new_clinic_scaffold_builds_as_is(tmp_path):
    clinics = tmp_path / "clinics"
    result = run_cli("new-clinic", "my-clinic", "--clinics-dir", clinics)
    assert result.returncode == 0, result.stderr
    text = (clinics / "my-clinic" / "clinic.toml").read_text(encoding="utf-8")
    assert "CHANGE ME" in text and text.count("#") > 10  # commented for staff
    built = run_cli("build", "--clinic", "my-clinic", "--clinics-dir", clinics, "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr


def test_new_clinic_refuses_to_overwrite_or_a_bad_slug(tmp_path):
    clinics = tmp_path / "clinics"
    assert run_cli("new-clinic", "ok", "--clinics-dir", clinics).returncode == 0
    again = run_cli("new-clinic", "ok", "--clinics-dir", clinics)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = run_cli("new-clinic", "Bad Name", "--clinics-dir", clinics)
    assert bad.returncode == 2 and "lowercase" in bad.stderr


def test_one_bad_clinic_does_not_stop_the_others(tmp_path):
    copy_clinic(tmp_path, "harbor-spine")
    broken = copy_clinic(tmp_path, "al-noor")
    toml = broken / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"#0B5563"', '"teal"'), encoding="utf-8")
    result = run_cli("build", "--all", "--clinics-dir", tmp_path / "clinics", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "brand.primary" in result.stderr
    assert (tmp_path / "out" / "harbor-spine").is_dir()
    assert not (tmp_path / "out" / "al-noor").exists()
