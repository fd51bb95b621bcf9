"""patients.csv as clinics export it (Excel's BOM, semicolons, notes over several lines), every bad
row reported by line and ID without a name or address, and one owner-only PDF per patient."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time

import pytest

from brochure.config.patients import read_patients
from brochure.errors import BrochureError
from tests.conftest import as_at_a_terminal, brochure_command, copy_clinic, run_cli
from tests.pdftext import pdfium_text
from tests.sending import clinics_with_records

HEADER = "patient_id,name,email,language,appointment,surgeon,note"
GOOD = [
    "P-0001,Sara Haddad,sara.haddad@example.com,en,2026-12-01 09:30,Dr Omar Khalil,Bring your scans",
    "P-0002,ليلى حسن,layla@example.com,ar,2026-12-02T10:00,د. عمر خليل,",
    "P-0003,Daniel Brooks,dbrooks@example.org,EN,2026-12-03 14:15,,",
]
PERSONAL = ["Sara Haddad", "sara.haddad@example.com", "ليلى حسن", "layla@example.com",
            "Daniel Brooks", "dbrooks@example.org", "Omar", "Bring your scans"]


@pytest.fixture
def clinics(shared, tmp_path):
    """clinics/ holding al-noor, the one copy this worker's tests share (its copies' template
    rendered once), its record of copies in this test's tmp_path/records (a build writes one)."""
    return clinics_with_records(shared, tmp_path / "records")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Messages name files relative to the working directory, as staff typed them."""
    monkeypatch.chdir(tmp_path)


def write_csv(tmp_path, lines, *, encoding="utf-8", name="patients.csv", newline="\r\n"):
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def test_excel_csv_with_byte_order_mark_reads_every_row(tmp_path):
    path = write_csv(tmp_path, [HEADER, *GOOD], encoding="utf-8-sig")
    patients = read_patients(path)
    assert not patients.problems
    assert [p.patient_id for p in patients] == ["P-0001", "P-0002", "P-0003"]
    sara, layla, daniel = patients
    assert sara.name == "Sara Haddad" and sara.language == "en" and sara.surgeon == "Dr Omar Khalil"
    assert layla.name == "ليلى حسن" and layla.languages == ("ar", "en") and layla.note is None
    assert daniel.language == "en" and daniel.appointment.hour == 14 and daniel.appointment.minute == 15
    assert [p.line for p in patients] == [2, 3, 4]


def test_semicolons_and_a_note_over_two_lines_keep_line_numbers_right(tmp_path):
    lines = ["patient_id;name;email;language;appointment;note",
             'P-0001;Sara Haddad;sara@example.com;en;2026-12-01 09:30;"Fasting from midnight;',
             'bring your scans"',
             "P-0002;Bob;bob@;en;2026-12-01 10:00;"]
    patients = read_patients(write_csv(tmp_path, lines))
    assert patients.patients[0].note == "Fasting from midnight;\r\nbring your scans"
    assert [str(p) for p in patients.problems] == [
        "patients.csv: line 4 (P-0002): email: expected one address like name@example.com"]


def test_unicode_line_separators_break_a_note_and_are_refused_in_a_name(tmp_path):
    lines = [HEADER,
             "P-0001,Sara Haddad,sara@example.com,en,2026-12-01 09:30,,Fasting\u2028from midnight",
             "P-0002,Layla\u2029Hassan,layla@example.com,ar,2026-12-01 10:00,,"]
    patients = read_patients(write_csv(tmp_path, lines))
    assert patients.patients[0].note == "Fasting\nfrom midnight"
    assert [str(p) for p in patients.problems] == [
        "patients.csv: line 3 (P-0002): name: contains a line break; this is one line (on the leaflet "
        "and in the email's headers): remove it"]


def test_a_latin1_file_is_refused_with_the_line_and_byte(clinics, tmp_path):
    lines = [HEADER, "P-0001,Jürgen Weiß,j@example.com,en,2026-12-01 09:30,,"]
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics,
                     "--out", tmp_path / "out",
                     "--patients", write_csv(tmp_path, lines, encoding="latin-1"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ('error: patients.csv: line 2: not UTF-8 (byte 0xFC at position '
                                     '9); save it as "CSV UTF-8 (Comma delimited)"')
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])  # with and without a byte-order mark
def test_a_utf16_export_is_named_as_such(tmp_path, encoding):
    with pytest.raises(BrochureError, match="UTF-16 text"):
        read_patients(write_csv(tmp_path, [HEADER, *GOOD], encoding=encoding))


def test_unknown_and_missing_columns_suggest_the_right_name(tmp_path):
    with pytest.raises(BrochureError) as caught:
        read_patients(write_csv(tmp_path, ["patient_id,name,e-mail,languages,appointment,notes"]))
    assert [str(p) for p in caught.value.problems] == [
        "patients.csv: line 1: column 'e-mail': unknown column (did you mean email?)",
        "patients.csv: line 1: column 'languages': unknown column (did you mean language?)",
        "patients.csv: line 1: column 'notes': unknown column (did you mean note?)",
        "patients.csv: line 1: column 'email': missing (required)",
        "patients.csv: line 1: column 'language': missing (required)",
    ]


BAD = [
    "P-0004,Nadia Karim,nadia.karim@,en,2026-12-01 09:30,,",           # email
    "Nadia Karim,Nadia Karim,nadia@example.com,fr,2026-12-01,,",       # ID (a name), language, date
    "p-0001,Sara Again,sara2@example.com,en,2026-12-05 09:00,,",       # same ID as line 2, in other case
    "P-0005,,nadia@example.com,ar,2026-02-30 09:00,,",                 # no name, no such day
    "P-0006,Omar\u202eKhalil,omar@example.com,ar,2026-12-01 09:30,,",  # hidden direction control
    "P-0007,Too,many@example.com,en,2026-12-01 09:30,,,extra",
]


def test_every_bad_row_is_reported_by_line_and_id_never_by_name_or_address(tmp_path):
    patients = read_patients(write_csv(tmp_path, [HEADER, *GOOD, *BAD]))
    messages = [str(p) for p in patients.problems]
    assert messages == [
        "patients.csv: line 5 (P-0004): email: expected one address like name@example.com",
        "patients.csv: line 6: patient_id: expected 1 to 40 letters, digits, '-' or '_' (it names the "
        "patient's file)",
        "patients.csv: line 6: language: expected ar or en (the language the patient reads first)",
        "patients.csv: line 6: appointment: expected a date and time like 2026-12-01 09:30 "
        "(year-month-day, 24-hour clock)",
        "patients.csv: line 7 (p-0001): patient_id: the same ID as line 2; each patient needs their "
        "own (it names their file and their sent message)",
        "patients.csv: line 8 (P-0005): name: missing (required)",
        "patients.csv: line 8 (P-0005): appointment: expected a date and time like 2026-12-01 09:30 "
        "(year-month-day, 24-hour clock)",
        "patients.csv: line 9 (P-0006): name: contains the invisible direction control U+202E, which "
        "can make text display differently from what it says; remove it",
        "patients.csv: line 10 (P-0007): 8 values for 7 columns; a value containing a comma must be "
        "in double quotes",
    ]
    assert patients.invalid_rows == ("line 5 (P-0004)", "line 6", "line 7 (p-0001)",
                                     "line 8 (P-0005)", "line 9 (P-0006)", "line 10 (P-0007)")
    assert len(patients) == 3
    for text in ("Nadia", "Karim", "nadia", "Sara Again", "sara2", "Khalil"):
        assert not any(text in message for message in messages), text


def test_a_bad_row_stops_the_whole_build_and_names_only_lines_and_ids(clinics, tmp_path):
    path = write_csv(tmp_path, [HEADER, *GOOD, BAD[0]])
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics,
                     "--out", tmp_path / "out",
                     "--patients", path, cwd=tmp_path)
    assert result.returncode == 2
    assert "line 5 (P-0004): email" in result.stderr
    assert "nothing done: 1 of 4 rows need fixing (or use --skip-invalid" in result.stderr
    assert not (tmp_path / "out" / "al-noor" / "patients").exists()
    for text in PERSONAL:
        assert text not in result.stderr + result.stdout


@pytest.mark.parametrize("extra, message", [
    (["--all"], "give one --clinic SLUG"),
    (["--clinic", "harbor-spine"], "give one --clinic SLUG"),
    (["--languages", "en"], "--languages does not go with --patients"),
    (["--for", "press"], "--for does not go with --patients"),
])
def test_patients_option_builds_for_one_clinic_in_each_patients_language(clinics, tmp_path, extra, message):
    path = write_csv(tmp_path, [HEADER, *GOOD])
    args = ["build", "--clinics-dir", clinics,
                     "--out", tmp_path / "out", "--patients", path]
    if extra != ["--all"]:
        args += ["--clinic", "al-noor"]
    result = run_cli(*args, *extra, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr


def test_skip_invalid_builds_one_private_copy_per_valid_row_in_parallel(clinics, tmp_path):
    # all English-first: each process renders one shared copy before its copies, not two
    english = [row.replace(",ar,", ",en,") for row in GOOD]
    path = write_csv(tmp_path, [HEADER, *english, BAD[0], BAD[1]])
    (tmp_path / "out" / "al-noor" / "patients").mkdir(parents=True, mode=0o755)  # made by hand
    (tmp_path / "out" / "al-noor" / "patients").chmod(0o755)
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", "out",
                     "--patients", path, "--skip-invalid", "--jobs", "2", cwd=tmp_path)
    # the valid rows are built; the exit code still says that some rows need fixing
    assert result.returncode == 2, result.stderr
    assert "skipped (invalid): line 5 (P-0004), line 6" in result.stderr
    assert "3 personalised copies in out/al-noor/patients/" in result.stdout
    folder = tmp_path / "out" / "al-noor" / "patients"
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["P-0001-al-noor-miss.pdf", "P-0002-al-noor-miss.pdf",
                                       "P-0003-al-noor-miss.pdf"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    # built by two processes at once, each file still holds its own patient
    assert "Sara Haddad" in pdfium_text(files[0]) and "Daniel Brooks" not in pdfium_text(files[0])
    assert "Daniel Brooks" in pdfium_text(files[2]) and "Sara Haddad" not in pdfium_text(files[2])
    for text in PERSONAL:
        assert text not in result.stderr + result.stdout


# --- a broken file must not mix patients up ------------------------------------------------------

def build_copies(clinics, tmp_path, path, *extra):
    return run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", "out",
                   "--patients", path, *extra, cwd=tmp_path)


def test_a_stray_quote_never_pours_other_patients_into_one_patients_copy(clinics, tmp_path):
    # a note opened with a quote and never closed: the csv module reads every row after it into
    # that note, which would print the others' names on P-1's cover and drop them silently
    stray = 'P-0001,Sara Haddad,sara.haddad@example.com,en,2026-12-01 09:30,Dr Omar Khalil,"x'
    path = write_csv(tmp_path, [HEADER, stray, GOOD[1], GOOD[2]], newline="\n")
    result = build_copies(clinics, tmp_path, path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: patients.csv: line 2 (P-0001): a quote opened in column note is never closed; the "
        "rows after it were read into it",
        "nothing done: 1 of 3 rows need fixing (or use --skip-invalid to go ahead with the others)"]
    assert not (tmp_path / "out").exists()
    # the rows after it are read as rows of their own: --skip-invalid builds them, and only them
    result = build_copies(clinics, tmp_path, path, "--skip-invalid")
    assert result.returncode == 2 and "skipped (invalid): line 2 (P-0001)" in result.stderr
    folder = tmp_path / "out" / "al-noor" / "patients"
    assert sorted(f.name for f in folder.iterdir()) == ["P-0002-al-noor-miss.pdf",
                                                        "P-0003-al-noor-miss.pdf"]
    assert "Daniel Brooks" in pdfium_text(folder / "P-0003-al-noor-miss.pdf")
    assert "Sara Haddad" not in pdfium_text(folder / "P-0003-al-noor-miss.pdf")
    for text in PERSONAL:
        assert text not in result.stderr + result.stdout


def test_a_quote_swallowing_rows_without_a_full_set_of_commas_is_caught_too(tmp_path):
    # the rows after the quote leave out the empty optional columns; their ID and address give
    # them away. A note over two lines is still a note (see the semicolon test above).
    lines = [HEADER, 'P-0001,Sara Haddad,sara@example.com,en,2026-12-01 09:30,,"Fasting,',
             "P-0002,Bob Stone,bob@example.com,en,2026-12-01 10:00",
             'P-0003,Ann Lee,ann@example.com,en,2026-12-01 11:00,,"two', 'lines"']
    patients = read_patients(write_csv(tmp_path, lines))
    assert [str(p) for p in patients.problems] == [
        "patients.csv: line 2 (P-0001): a quote opened in column note is never closed; the rows "
        "after it were read into it"]
    assert [(p.patient_id, p.line) for p in patients] == [("P-0002", 3), ("P-0003", 4)]
    assert patients.patients[1].note == "two\r\nlines"


@pytest.mark.parametrize("row, message", [
    ("P-0001,Sara Haddad,sara@example.com,en,2026-12-01 09:30,," + "x" * 140_000,
     "a value over 131072 characters, far longer than any column takes; check this line"),
    ('P-0001,Sara Haddad,sara@example.com,en,2026-12-01 09:30,,"Fasting\n'
     + "\n".join(f"P-{n:04},Name {n},n{n}@example.com,en,2026-12-01 09:30,," for n in range(2, 3000)),
     "a quote opened on this line is never closed (the value ran on past 131072 characters, "
     "through the rows after it); close it or remove it"),
], ids=["huge-cell", "huge-unclosed-quote"])
def test_a_value_over_the_csv_limit_is_one_line_naming_the_row(clinics, tmp_path, row, message):
    result = build_copies(clinics, tmp_path, write_csv(tmp_path, [HEADER, row], newline="\n"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"error: patients.csv: line 2 (P-0001): {message}"
    assert not (tmp_path / "out").exists()


def test_a_name_too_long_for_the_cover_is_named_by_field_never_quoted(clinics, tmp_path):
    name = "Maximiliana" + "x" * 90  # one word, within the column's 120 characters
    path = write_csv(tmp_path, [HEADER, f"P-0001,{name},max@example.com,en,2026-12-01 09:30,,"])
    result = build_copies(clinics, tmp_path, path)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "Maximiliana" not in output and "xxxxxxxx" not in output
    assert ("error: patients.csv: line 2 (P-0001): name: a word too long for the personal block; "
            "shorten it or break it with spaces") in result.stderr.splitlines()
    assert "not built: line 2 (P-0001)" in result.stderr


@pytest.mark.parametrize("command", [["build"], ["send", "--dry-run"]])
def test_a_clinic_problem_is_reported_once_not_with_every_patient(tmp_path, command):
    folder = copy_clinic(tmp_path)
    section = folder / "sections" / "before-your-visit.toml"
    section.write_text(section.read_text(encoding="utf-8").replace(
        "reviewed_on = 2026-11-10\nnext_review = 2027-11-10",
        "reviewed_on = 2020-11-10\nnext_review = 2021-11-10"), encoding="utf-8")
    path = write_csv(tmp_path, [HEADER, *GOOD])  # Sara's note says "your": once, it was redacted
    result = run_cli(*command, "--clinic", "al-noor", "--clinics-dir", tmp_path / "clinics",
                     "--out", "out", "--patients", path, cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith('error: clinics/al-noor/sections/before-your-visit.toml: '
                                'section.next_review: "Before your visit" was due for review on '
                                "2021-11-10")
    assert "line " not in result.stderr and "[patient details]" not in result.stderr
    assert "nothing done: the clinic's leaflet needs fixing first" in result.stderr
    assert not (tmp_path / "out").exists()


def test_ctrl_c_stops_a_parallel_build_with_exit_130_and_how_to_go_on(clinics, tmp_path):
    # one language: each process renders the one shared leaflet before its first copy
    rows = [f"P-{n:04},Name {n},n{n}@example.com,ar,2026-12-01 09:30,," for n in range(1, 400)]
    write_csv(tmp_path, [HEADER, *rows])
    # Ctrl-C in a terminal signals the whole process group: the command and its workers
    process = subprocess.Popen(
        [*brochure_command(), "build", "--clinic", "al-noor", "--clinics-dir", str(clinics),
         "--out", "out", "--patients", "patients.csv", "--jobs", "2"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=as_at_a_terminal)
    folder = tmp_path / "out" / "al-noor" / "patients"
    deadline = time.monotonic() + 120
    while not (folder.exists() and any(folder.glob("*.pdf"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip() == ("interrupted: each copy written so far is complete; run the same "
                              "command again to build them all")
    written = sorted(folder.iterdir())
    assert 0 < len(written) < len(rows)
    assert all(path.suffix == ".pdf" for path in written)  # no half-written file left behind
