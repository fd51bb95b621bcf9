"""Patients for personalised copies: read and validate patients.csv into `Patient` records, every
bad row reported at once by line number and patient ID (never by name or address)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from brochure.config.hygiene import EMAIL, LINE_SEPARATORS, hidden_trouble
from brochure.config.options import LANGUAGES
from brochure.errors import BrochureError, Problem, display_path

REQUIRED_COLUMNS = ("patient_id", "name", "email", "language", "appointment")
OPTIONAL_COLUMNS = ("surgeon", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The ID names the patient's files: letters, digits, "-" and "_" only, so it can never climb out of
# the output folder or carry a name into a file listing.
PATIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
LONGEST = {"name": 120, "surgeon": 120, "note": 400}


@dataclass(frozen=True)
class Patient:
    patient_id: str            # validated: safe in a file name, never the name
    name: str
    email: str
    language: str              # "ar" or "en": the reading order of this patient's copy
    appointment: dt.datetime   # local time of the clinic, naive or aware
    surgeon: str | None = None
    note: str | None = None
    line: int = 0              # line in the CSV, for messages
    source: str = "patients.csv"  # the CSV as messages name it

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language, "en" if self.language == "ar" else "ar")

    @property
    def label(self) -> str:
        """How messages and logs name a patient: where to find the row, nothing personal."""
        return f"line {self.line} ({self.patient_id})"


@dataclass(frozen=True)
class PatientList:
    """The rows of one patients.csv: the valid patients and one problem per mistake in the rest."""

    file: str
    patients: tuple[Patient, ...]
    problems: tuple[Problem, ...] = ()
    invalid_rows: tuple[str, ...] = field(default=())  # "line 7 (P-0042)" or "line 7", one per row

    def __iter__(self) -> Iterator[Patient]:
        return iter(self.patients)

    def __len__(self) -> int:
        return len(self.patients)


def read_patients(path: str | Path) -> PatientList:
    """Every row of `path` checked. Raises BrochureError only when the file as a whole is unusable
    (unreadable, not UTF-8, header wrong, no rows); bad rows are in `.problems`."""
    path = Path(path)
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BrochureError.single(where, "", f"cannot be read: {exc.strerror}") from None
    dialect = _dialect(raw)
    records = _Records(_text_lines(raw, where), dialect)
    header = next(records, None)
    columns = _columns(header[1] if header else [], where)
    patients: list[Patient] = []
    problems: list[Problem] = []
    invalid: list[str] = []
    first_line_of: dict[str, int] = {}
    for start, values in records:
        # `start` is the line the row begins on: a quoted note may span lines
        if isinstance(values, _Unreadable):
            ident = _row_label(start, records.line_values(start), columns)
            problems.append(Problem(where, ident, values.message))
            invalid.append(ident)
            continue
        if not any(value.strip() for value in values):
            continue  # blank lines, and the empty rows spreadsheets leave at the end
        if _is_header(values):
            problems.append(Problem(where, f"line {start}", "the header again: two files pasted "
                                    "together? Remove this line"))
            invalid.append(f"line {start}")
            continue
        if column := records.swallowed_column(start, values, columns, len(header[1])):
            # a stray quote: the rows after it were read as part of this one value. Report the
            # row, and read the lines after it again as rows of their own.
            ident = _row_label(start, values, columns)
            problems.append(Problem(where, ident, f"a quote opened in column {column} is never "
                                    "closed; the rows after it were read into it"))
            invalid.append(ident)
            records.rewind_to(start + 1)
            continue
        row_problems, patient = _patient(values, columns, start)
        patient = patient and replace(patient, source=where)
        ident = _row_label(start, values, columns)
        if patient is not None:
            # IDs differing only in case would name the same file on macOS and Windows disks
            first = first_line_of.setdefault(patient.patient_id.lower(), start)
            if first != start:
                row_problems.append(("patient_id", f"the same ID as line {first}; each patient needs "
                                     "their own (it names their file and their sent message)"))
        if row_problems:
            problems += [Problem(where, f"{ident}: {key}" if key else ident, message)
                         for key, message in row_problems]
            invalid.append(ident)
        else:
            patients.append(patient)
    if not patients and not problems:
        raise BrochureError.single(where, "", "no patients: the file has a header but no rows")
    return PatientList(where, tuple(patients), tuple(problems), tuple(invalid))


class _Unreadable:
    """A row the csv module gave up on (a value over its size limit), with the reason."""

    def __init__(self, message: str):
        self.message = message


class _Records:
    """(line the record starts on, values) for each CSV record of `lines`, able to go back and
    read lines again as records of their own after a stray quote swallowed them."""

    def __init__(self, lines: list[str], dialect: type[csv.Dialect]):
        self.lines, self.dialect = lines, dialect
        self.next_line = 0  # index into `lines` of the next line the csv module will get
        self._reader = csv.reader(self._feed(), dialect=dialect)

    def _feed(self) -> Iterator[str]:
        while self.next_line < len(self.lines):
            self.next_line += 1
            yield self.lines[self.next_line - 1]

    def __iter__(self) -> Iterator[tuple[int, list[str] | _Unreadable]]:
        return self

    def __next__(self) -> tuple[int, list[str] | _Unreadable]:
        start = self.next_line
        if start >= len(self.lines):
            raise StopIteration
        try:
            values = next(self._reader)
        except csv.Error as exc:
            # Over the csv module's size limit for one value: a huge cell or, more likely, a
            # quote never closed, running on through the rest of the file. The row is reported
            # and the lines after it are read again as rows of their own.
            spanned = self.next_line - start > 1
            self.rewind_to(start + 2)
            limit = csv.field_size_limit()
            if "field limit" not in str(exc):
                message = f"cannot be read as CSV ({exc})"  # the csv module's words, never data
            elif spanned:
                message = (f"a quote opened on this line is never closed (the value ran on past "
                           f"{limit} characters, through the rows after it); close it or remove it")
            else:
                message = (f"a value over {limit} characters, far longer than any column takes; "
                           "check this line")
            return start + 1, _Unreadable(message)
        return start + 1, values

    def rewind_to(self, line: int) -> None:
        """Continue with `line` (1-based) as the start of the next record."""
        self.next_line = line - 1
        self._reader = csv.reader(self._feed(), dialect=self.dialect)

    def swallowed_column(self, start: int, values: list[str], columns: dict[str, int],
                         width: int) -> str | None:
        """The column whose quoted value ran over lines that are rows of their own, if any, for
        the record `values` that begins on line `start` and was just read. A note over two lines
        is fine; a line inside it with as many values as the header has columns, or with a
        patient ID and an address where a row has them, is a row read into the value."""
        end = self.next_line  # the record is lines start..end (1-based, inclusive)
        if not any(self._looks_like_a_row(line, columns, width) for line in range(start + 1, end + 1)):
            return None
        names = {index: name for name, index in columns.items()}
        spanning = [index for index, value in enumerate(values) if "\n" in value or "\r" in value]
        index = spanning[0] if spanning else len(values) - 1
        return names.get(index, str(index + 1))

    def line_values(self, line: int) -> list[str]:
        """Line `line` (1-based) read alone, as if no quote from before ran into it."""
        text = self.lines[line - 1]
        if len(text) >= csv.field_size_limit():
            text = text[:4096]  # a value over the size limit: the start still holds the ID
        return next(csv.reader([text], dialect=self.dialect), [])

    def _looks_like_a_row(self, line: int, columns: dict[str, int], width: int) -> bool:
        values = self.line_values(line)
        if len(values) == width:
            return True

        def cell(name: str) -> str:
            index = columns[name]
            return values[index].strip() if index < len(values) else ""

        return bool(PATIENT_ID.fullmatch(cell("patient_id"))) and "@" in cell("email")


def _text_lines(raw: bytes, where: str) -> list[str]:
    """The file's lines as text. UTF-8, with or without the byte-order mark Excel writes; anything
    else stops with the line and byte, because guessing an encoding garbles names silently."""
    # UTF-16 without its byte-order mark: every other byte of the header is a NUL
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _every_other_byte_nul(raw[:200]):
        raise BrochureError.single(where, "", "UTF-16 text (Excel's \"Unicode Text\"); save it as "
                                   "\"CSV UTF-8 (Comma delimited)\"")
    offset = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    lines = []
    for number, line in enumerate(raw[offset:].splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BrochureError.single(
                where, f"line {number}",
                f"not UTF-8 (byte 0x{line[exc.start]:02X} at position {exc.start + 1}); save it as "
                "\"CSV UTF-8 (Comma delimited)\"") from None
    return lines


def _every_other_byte_nul(head: bytes) -> bool:
    """UTF-16 of Latin text: a NUL in every even or every odd position. A stray NUL in UTF-8 text
    (pasted from another program) is a control character in one row, reported there."""
    pairs = len(head) // 2
    return pairs >= 4 and any(head[start::2][:pairs].count(0) > 0.8 * pairs for start in (0, 1))


def _dialect(raw: bytes) -> type[csv.Dialect]:
    """Comma-separated, or semicolon-separated as Excel writes CSV where the comma is the decimal
    sign: decided by the header line alone, which holds no free text."""
    header = raw.split(b"\n", 1)[0]
    return _Semicolons if header.count(b";") > header.count(b",") else csv.excel


class _Semicolons(csv.excel):
    delimiter = ";"


def _columns(header: list[str], where: str) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    problems = []
    for name in names:
        if name and name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else f" (expected: {', '.join(COLUMNS)})"
            problems.append(Problem(where, "line 1", f"column {name!r}: unknown column{hint}"))
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(Problem(where, "line 1", f"column {name!r}: missing (required)"))
    for name in dict.fromkeys(n for n in names if n and names.count(n) > 1):
        problems.append(Problem(where, "line 1", f"column {name!r}: appears more than once"))
    if problems:
        raise BrochureError(problems)
    return {name: index for index, name in enumerate(names) if name}


def _is_header(values: list[str]) -> bool:
    names = {value.strip().lower() for value in values if value.strip()}
    return "patient_id" in names and names <= set(COLUMNS)


def _row_label(line: int, values: list[str], columns: dict[str, int]) -> str:
    """"line 7 (P-0042)" when the row's ID is valid, else "line 7": an ID that fails validation
    may be something else pasted into the wrong column (a name), so it is never repeated."""
    index = columns["patient_id"]
    ident = values[index].strip() if index < len(values) else ""
    return f"line {line} ({ident})" if PATIENT_ID.fullmatch(ident) else f"line {line}"


def _patient(values: list[str], columns: dict[str, int], line: int
             ) -> tuple[list[tuple[str, str]], Patient | None]:
    """The row as a Patient, or the reasons it is not one as (column, message): no message repeats
    a value, because values here are patients' names and addresses."""
    problems: list[tuple[str, str]] = []
    if len(values) > len(columns):
        problems.append(("", f"{len(values)} values for {len(columns)} columns; a value "
                             "containing a comma must be in double quotes"))
        return problems, None
    cell = {name: (values[index].strip() if index < len(values) else "")
            for name, index in columns.items()}

    patient_id = cell["patient_id"]
    if not PATIENT_ID.fullmatch(patient_id):
        problems.append(("patient_id", "expected 1 to 40 letters, digits, '-' or '_' (it names the "
                         "patient's file)" + ("" if patient_id else "; it is empty")))
    for name in ("name", "surgeon", "note"):
        if message := _text_problem(cell.get(name, ""), LONGEST[name], required=name == "name",
                                    line_breaks=name == "note"):
            problems.append((name, message))
    if not EMAIL.fullmatch(cell["email"]):
        problems.append(("email", "expected one address like name@example.com" +
                         ("; it is empty" if not cell["email"] else "")))
    language = cell["language"].lower()
    if language not in LANGUAGES:
        problems.append(("language", "expected ar or en (the language the patient reads first)"))
    appointment = _appointment(cell["appointment"])
    if appointment is None:
        problems.append(("appointment", "expected a date and time like 2026-12-01 09:30 "
                         "(year-month-day, 24-hour clock)"))
    if problems:
        return problems, None
    return [], Patient(patient_id=patient_id, name=unicodedata.normalize("NFC", cell["name"]),
                       email=cell["email"], language=language, appointment=appointment,
                       surgeon=cell.get("surgeon") or None, line=line,
                       # Unicode's line and paragraph separators, as a note's other line breaks
                       note=re.sub(f"[{LINE_SEPARATORS}]", "\n", cell.get("note", "")) or None)


def _appointment(value: str) -> dt.datetime | None:
    """ISO 8601 with a time: "2026-12-01 09:30", "2026-12-01T09:30", with seconds or an offset.
    A date alone is refused: a leaflet that says "at 00:00" would send patients at midnight."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}.*", value):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _text_problem(value: str, longest: int, required: bool, line_breaks: bool) -> str | None:
    if not value:
        return "missing (required)" if required else None
    if len(value) > longest:
        return f"longer than {longest} characters ({len(value)})"
    return hidden_trouble(value, line_breaks=line_breaks) or drawing_problem(value)


def drawing_problem(value: str) -> str | None:
    """Why the leaflet could not print `value` as typed: a character none of the bundled fonts
    has (format characters such as the Arabic letter mark are not drawn)."""
    from brochure.config.glyphs import undrawable  # reads the bundled fonts: only once there is text

    if missing := undrawable(value):
        name = unicodedata.name(missing[0], "unnamed character")
        return f"the bundled fonts cannot draw U+{ord(missing[0]):04X} ({name}); remove or replace it"
    return None
