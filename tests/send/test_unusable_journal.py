"""A send journal that cannot be used, or stops being writable mid-run, stops `send` with exit 2 and
one line naming the file and what to do; no message goes out that the journal cannot record."""

from __future__ import annotations

import sqlite3

import pytest

from brochure.config.patients import read_patients
from brochure.send.journal import SENT, SendJournal
from tests.mailserver import Mailbox, MailServer
from tests.mounts import fill, read_only, small_disk
from tests.sending import LAYLA, SARA, clinics_with_records, one_error_line, patients_csv, send


def a_journal_with_layla_sent(records, tmp_path):
    records.mkdir(parents=True, exist_ok=True)
    layla = next(iter(read_patients(patients_csv(tmp_path, LAYLA, name="layla.csv"))))
    with SendJournal(records / "send-journal.sqlite3") as journal:
        journal.mark(layla, SENT, "<id@example>")
    return records / "send-journal.sqlite3"


def garbage(journal, tmp_path):
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b"these bytes are no database at all\n" * 200)


def truncated(journal, tmp_path):
    a_journal_with_layla_sent(journal.parent, tmp_path)
    data = journal.read_bytes()
    journal.write_bytes(data[:len(data) // 3])


def another_programs_database(journal, tmp_path):
    journal.parent.mkdir(parents=True)
    with sqlite3.connect(journal) as db:
        db.execute("CREATE TABLE invoices (number INTEGER PRIMARY KEY, total REAL)")
    db.close()


def a_directory_in_its_place(journal, tmp_path):
    journal.mkdir(parents=True)


@pytest.mark.parametrize("spoil, says", [
    (garbage, "is damaged or not a database (truncated, or other bytes written over it); restore it "
              "from a backup, or move it away to start a new one"),
    (truncated, "is damaged or not a database"),
    (another_programs_database, "is another program's database, not brochure's; move it away "
                                "(brochure makes a new one)"),
    (a_directory_in_its_place, "is not a plain file; move it away (brochure makes a new one)"),
])
def test_a_journal_that_cannot_be_used_stops_the_run_before_any_message(shared, tmp_path, spoil, says):
    records = tmp_path / "records"
    clinics = clinics_with_records(shared, records)
    spoil(records / "send-journal.sqlite3", tmp_path)
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        patients_csv(tmp_path, LAYLA, SARA)
        results = [send(clinics, tmp_path, server.port), send(clinics, tmp_path, server.port, "--dry-run")]
    for result in results:
        assert result.returncode == 2
        assert one_error_line(result).startswith(f"error: records/send-journal.sqlite3: {says}")
    assert mailbox.delivered == []


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_journal_or_folder_stops_the_run_before_any_message(shared, tmp_path, what):
    records = tmp_path / "records"
    clinics = clinics_with_records(shared, records)
    journal = a_journal_with_layla_sent(records, tmp_path)
    mailbox = Mailbox()
    with MailServer(mailbox) as server, read_only(journal if what == "file" else records):
        patients_csv(tmp_path, LAYLA, SARA)
        result = send(clinics, tmp_path, server.port)
    assert result.returncode == 2
    line = one_error_line(result)
    assert line.startswith("error: records/send-journal.sqlite3: cannot be written" if what == "file"
                           else "error: records")
    assert ("cannot be" in line and "write permission" in line) or "writable" in line
    assert mailbox.delivered == []


def test_a_disk_that_fills_up_stops_the_run_naming_the_journal(shared, tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        clinics = clinics_with_records(shared, disk / "records")
        mailbox = Mailbox()
        with MailServer(mailbox) as server:
            patients_csv(tmp_path, LAYLA)
            assert send(clinics, tmp_path, server.port).returncode == 0
            fill(disk)
            patients_csv(tmp_path, LAYLA, SARA)
            result = send(clinics, tmp_path, server.port)
        assert result.returncode == 2
        line = one_error_line(result)
        assert line == ("error: disk/records/send-journal.sqlite3: the disk is full; free some "
                        "space, then run the same command again")
        # Layla once, from the first run; Sara never went out unrecorded
        assert [d.recipients for d in mailbox.delivered] == [["layla@example.com"]]
