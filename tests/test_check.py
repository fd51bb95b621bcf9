"""`brochure check`, the quality gate: every check fails on a spoiled copy of an example clinic and
passes on the examples, through the installed CLI; the JSON report keeps its schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from .conftest import EXAMPLES, copy_clinic, run_cli


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


# --- the JSON report ---------------------------------------------------------------------------

FINDING = {
    "type": "object",
    "required": ["severity", "check", "file", "field", "message", "hint"],
    "additionalProperties": False,
    "properties": {
        "severity": {"enum": ["error", "warning"]},
        "check": {"enum": ["config", "parity", "glyphs", "colour", "plain-language", "review", "logo",
                           "output"]},
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
