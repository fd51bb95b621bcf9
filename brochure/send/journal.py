"""The send journal: which patients' messages the mail server has taken, kept in SQLite in the
clinic's store (store.py) so that a run after a crash, a network failure, Ctrl-C or a change of
`--out` sends only what is left.

A message is keyed by patient ID (compared without case, as within one CSV: `P-0001` in Monday's
export is `p-0001` in Tuesday's) and appointment: the same patient with a new appointment gets a
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
behind the wire by more than that one round trip. A change it cannot record (a full disk, a file
gone read-only) raises BrochureError before the step it guards: nothing goes out unrecorded.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import sqlite3
from pathlib import Path

from brochure.config.patients import Patient
from brochure.errors import BrochureError, display_path
from brochure.send.store import open_database, unusable

SENDING, UNCONFIRMED, SENT, REFUSED = "sending", "unconfirmed", "sent", "refused"
VERSION = 1  # PRAGMA user_version: 1 since patient IDs compare without case
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    patient_id  TEXT NOT NULL COLLATE NOCASE,
    appointment TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'unconfirmed', 'sent', 'refused')),
    message_id  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reply       TEXT,            -- the server's last answer, with the patient's address cut out
    updated     TEXT NOT NULL,   -- UTC, ISO 8601
    PRIMARY KEY (patient_id, appointment)
);
"""
# The most advanced state first: where an older journal holds one patient under two casings of
# their ID, the one that says the server has (or may have) the message wins.
_PRECEDENCE = "CASE state WHEN 'sent' THEN 0 WHEN 'unconfirmed' THEN 1 WHEN 'sending' THEN 2 ELSE 3 END"
_MIGRATE = f"""
BEGIN IMMEDIATE;
ALTER TABLE messages RENAME TO messages_before_{VERSION};
{_SCHEMA}
INSERT OR IGNORE INTO messages SELECT * FROM messages_before_{VERSION} ORDER BY {_PRECEDENCE};
DROP TABLE messages_before_{VERSION};
PRAGMA user_version = {VERSION};
COMMIT;
"""


class SendJournal:
    """One clinic's journal, held by one `brochure send` at a time (a second run would see the
    first one's `sending` rows and could send them again)."""

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        self._lock = None
        if read_only:  # a dry run: what a real run would skip, without claiming anything
            if path.exists():
                self._db = open_database(path, _SCHEMA, read_only=True)
            else:
                self._db = sqlite3.connect(":memory:")
                self._db.executescript(_SCHEMA)
            return
        try:
            self._lock = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 (held until close())
        except OSError as exc:
            raise unusable(path.parent, exc) from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise BrochureError.single(display_path(path), "", "another `brochure send` for this "
                                       "clinic is running; wait for it to finish") from None
        try:
            self._db = open_database(path, _SCHEMA)
            if self._db.execute("PRAGMA user_version").fetchone()[0] < VERSION:
                self._db.executescript(_MIGRATE)
        except BrochureError:
            self._lock.close()
            raise
        except sqlite3.Error as exc:
            self._lock.close()
            raise unusable(path, exc) from None

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> SendJournal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def state(self, patient: Patient) -> str | None:
        try:
            row = self._db.execute(
                "SELECT state FROM messages WHERE patient_id = ? COLLATE NOCASE AND appointment = ?"
                f" ORDER BY {_PRECEDENCE} LIMIT 1", _key(patient)).fetchone()
        except sqlite3.Error as exc:
            raise unusable(self.path, exc) from None
        return row[0] if row else None

    def mark(self, patient: Patient, state: str, message_id: str = "", reply: str | None = None) -> None:
        """Record `state` for the patient's message, durably, before the caller goes on."""
        attempts = 1 if state == SENDING else 0
        try:
            self._db.execute(
                "INSERT INTO messages (patient_id, appointment, state, message_id, attempts, reply,"
                " updated) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, appointment) DO"
                " UPDATE SET state = excluded.state, reply = excluded.reply, updated = excluded.updated,"
                " attempts = attempts + excluded.attempts,"
                " message_id = CASE WHEN excluded.message_id = '' THEN message_id"
                " ELSE excluded.message_id END",
                (*_key(patient), state, message_id, attempts, reply, now()))
        except sqlite3.Error as exc:
            raise unusable(self.path, exc) from None


def _key(patient: Patient) -> tuple[str, str]:
    return patient.patient_id, patient.appointment.isoformat()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
