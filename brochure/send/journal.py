"""The send journal: which patients' messages the mail server has taken, kept in SQLite beside the
clinic's output so that a run after a crash, a network failure or Ctrl-C sends only what is left.

A message is keyed by patient ID and appointment: the same patient with a new appointment gets a
new message (a new leaflet with the new date); the same row sent twice never does. States:

    sending       claimed; the message is not yet complete on the wire. The server cannot have
                  taken it (SMTP delivers nothing without the end-of-data line), so a later run
                  sends it again: no duplicate is possible.
    unconfirmed   written just before the end-of-data line goes out, cleared when the server
                  answers. Left behind only if the process died or the connection broke in that
                  one round trip: the server may or may not have taken the message. A later run
                  does NOT send it (a duplicate is worse than a late leaflet): it names it, and
                  staff check the server's sent log, then `--resend ID` if it never went.
    sent          the server answered 250 to the end-of-data. Never sent again unless --resend.
    refused       the server refused it for good (5xx, e.g. no such mailbox). A later run tries
                  again, so a corrected address in the CSV goes out.

Every change is committed (synchronous=FULL) before the next SMTP step, so the journal is never
behind the wire by more than that one round trip.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
from pathlib import Path

from brochure.config.patients import Patient
from brochure.errors import BrochureError, display_path

SENDING, UNCONFIRMED, SENT, REFUSED = "sending", "unconfirmed", "sent", "refused"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    patient_id  TEXT NOT NULL,
    appointment TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'unconfirmed', 'sent', 'refused')),
    message_id  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reply       TEXT,            -- the server's last answer, with the patient's address cut out
    updated     TEXT NOT NULL,   -- UTC, ISO 8601
    PRIMARY KEY (patient_id, appointment)
)
"""


def journal_path(out_dir: Path, slug: str) -> Path:
    return out_dir / slug / "send-journal.sqlite3"


class SendJournal:
    """One clinic's journal, held by one `brochure send` at a time (a second run would see the
    first one's `sending` rows and could send them again)."""

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        self._lock = None
        if read_only:  # a dry run: what a real run would skip, without claiming anything
            self._db = (sqlite3.connect(f"file:{path}?mode=ro", uri=True) if path.exists()
                        else sqlite3.connect(":memory:"))
            self._db.execute(_SCHEMA) if not path.exists() else None
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 (held until close())
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise BrochureError.single(display_path(path), "", "another `brochure send` for this "
                                       "clinic is running; wait for it to finish") from None
        # owner-only from the start (SQLite gives its -wal file the same mode): it lists which
        # patients were written to, and when
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        # autocommit: each statement below is its own transaction, durable when it returns
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> SendJournal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def state(self, patient: Patient) -> str | None:
        row = self._db.execute("SELECT state FROM messages WHERE patient_id = ? AND appointment = ?",
                               _key(patient)).fetchone()
        return row[0] if row else None

    def mark(self, patient: Patient, state: str, message_id: str = "", reply: str | None = None) -> None:
        """Record `state` for the patient's message, durably, before the caller goes on."""
        attempts = 1 if state == SENDING else 0
        self._db.execute(
            "INSERT INTO messages (patient_id, appointment, state, message_id, attempts, reply, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, appointment) DO UPDATE SET"
            " state = excluded.state, reply = excluded.reply, updated = excluded.updated,"
            " attempts = attempts + excluded.attempts,"
            " message_id = CASE WHEN excluded.message_id = '' THEN message_id"
            " ELSE excluded.message_id END",
            (*_key(patient), state, message_id, attempts, reply, _now()))

    def counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT state, count(*) FROM messages GROUP BY state").fetchall())


def _key(patient: Patient) -> tuple[str, str]:
    return patient.patient_id, patient.appointment.isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
