"""The record for the consent form: which version of the leaflet each patient was given.

Clinical governance asks that the leaflet a patient got be written on their consent form. For
every copy built (`build --patients`) or sent (`send`), one row: the patient ID and appointment,
the content's version and review date, the SHA-256 of the PDF, when it was built, when the mail
server took it and the message's Message-ID. No names, addresses or notes: the record outlives
the CSV and may be shown to anyone who audits it. Kept in the clinic's store, next to the send
journal (store.py); a dry run records nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields

from brochure.config.clinic import Clinic
from brochure.config.content import load_topic
from brochure.config.patients import Patient
from brochure.send.journal import now
from brochure.send.store import open_database, ready_folder, record_file, unusable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS copies (
    patient_id      TEXT NOT NULL COLLATE NOCASE,
    appointment     TEXT NOT NULL,
    content_version TEXT NOT NULL,
    reviewed_on     TEXT NOT NULL,   -- the content's review date
    sha256          TEXT NOT NULL,   -- of the PDF the patient got
    built           TEXT NOT NULL,   -- UTC, ISO 8601
    taken           TEXT,            -- when the mail server took the message; NULL for a file
    message_id      TEXT             -- of that message
);
CREATE INDEX IF NOT EXISTS copies_by_patient ON copies (patient_id, built);
"""


@dataclass(frozen=True)
class RecordedCopy:
    patient_id: str
    appointment: str
    content_version: str
    reviewed_on: str
    sha256: str
    built: str
    taken: str | None = None
    message_id: str | None = None


def fingerprint(pdf: bytes) -> str:
    """The SHA-256 of a copy, as `sha256sum` prints it."""
    return hashlib.sha256(pdf).hexdigest()


class CopyRecord:
    """The clinic's record, open for adding rows; every row is durable when the call returns."""

    def __init__(self, clinic: Clinic):
        ready_folder(clinic)
        self.path = record_file(clinic)
        # a row per copy at the pace copies are made: no fsync each (see open_database)
        self._db = open_database(self.path, _SCHEMA, synchronous="NORMAL")
        topic = load_topic()
        self._content = (topic.version, topic.reviewed_on.isoformat())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CopyRecord:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def built(self, patient: Patient, digest: str, built: str | None = None,
              message_id: str | None = None) -> int:
        """A copy made for `patient`; returns the row, for `taken` once a server has it."""
        return self._write(
            "INSERT INTO copies (patient_id, appointment, content_version, reviewed_on, sha256,"
            " built, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (patient.patient_id, patient.appointment.isoformat(), *self._content, digest,
             built or now(), message_id)).lastrowid

    def taken(self, row: int) -> None:
        """The mail server answered 250 to the message carrying the copy of `row`."""
        self._write("UPDATE copies SET taken = ? WHERE rowid = ?", (now(), row))

    def _write(self, statement: str, values: tuple) -> sqlite3.Cursor:
        try:
            return self._db.execute(statement, values)
        except sqlite3.Error as exc:
            raise unusable(self.path, exc) from None


def read_record(clinic: Clinic, patient_ids: Iterable[str] | None = None) -> list[RecordedCopy]:
    """Every copy recorded for the clinic (of these patients only, compared without case), by
    patient and time; none when nothing was built or sent yet."""
    path = record_file(clinic)
    if not path.exists():
        return []
    db = open_database(path, _SCHEMA, read_only=True)
    columns = ", ".join(field.name for field in fields(RecordedCopy))
    try:
        rows = db.execute(f"SELECT {columns} FROM copies ORDER BY patient_id COLLATE NOCASE, built, "
                          "rowid").fetchall()
    except sqlite3.Error as exc:
        raise unusable(path, exc) from None
    finally:
        db.close()
    wanted = None if patient_ids is None else {ident.lower() for ident in patient_ids}
    return [RecordedCopy(*row) for row in rows if wanted is None or row[0].lower() in wanted]


def as_csv(copies: list[RecordedCopy]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([field.name for field in fields(RecordedCopy)])
    writer.writerows([value or "" for value in astuple(copy)] for copy in copies)
    return out.getvalue()


def as_table(copies: list[RecordedCopy]) -> str:
    """Aligned columns for a terminal; the full SHA-256, so it can be compared with a file's."""
    rows = [[field.name for field in fields(RecordedCopy)],
            *([value or "-" for value in astuple(copy)] for copy in copies)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows) + "\n"
