"""One journal per clinic, whatever the operator changes between runs: the case of patient IDs, the
output folder, the working directory. A journal elsewhere, or on a network share, stops the run
before anything is sent. Every case against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from brochure.send import store
from tests.mailserver import Mailbox, MailServer
from tests.sending import (
    DANIEL,
    LAYLA,
    SARA,
    clinics_with_records,
    counts,
    one_error_line,
    patients_csv,
    send,
)

EVERYONE_ONCE = [("dbrooks@example.org", 1), ("layla@example.com", 1), ("sara.haddad@example.com", 1)]


def test_patient_ids_recased_between_runs_are_not_sent_twice(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        patients_csv(tmp_path, LAYLA, SARA)
        assert send(clinics, tmp_path, server.port).returncode == 0
        # Tuesday's export writes the same IDs in lower case, and adds Daniel
        patients_csv(tmp_path, LAYLA.replace("P-0001", "p-0001"), SARA.replace("P-0002", "p-0002"),
                     DANIEL)
        result = send(clinics, tmp_path, server.port)
        assert result.returncode == 0, result.stderr
        assert "1 sent, 2 sent before, 0 unconfirmed" in result.stdout
        # staff asking for a resend may type the ID either way
        result = send(clinics, tmp_path, server.port, "--resend", "P-0003")
        assert result.returncode == 0 and "1 sent, 2 sent before" in result.stdout
    assert counts(mailbox) == [("dbrooks@example.org", 2), ("layla@example.com", 1),
                               ("sara.haddad@example.com", 1)]


def test_another_out_folder_or_working_directory_uses_the_same_journal(shared, tmp_path):
    clinics = clinics_with_records(shared, None)  # the default: clinics/al-noor/records/
    mailbox = Mailbox()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    try:
        with MailServer(mailbox) as server:
            patients_csv(tmp_path, LAYLA, SARA)
            assert send(clinics, tmp_path, server.port, out="out-monday").returncode == 0
            patients_csv(elsewhere, LAYLA, SARA, DANIEL)
            result = send(clinics, elsewhere, server.port, out=tmp_path / "out-tuesday")
            assert result.returncode == 0, result.stderr
            assert "1 sent, 2 sent before" in result.stdout
            result = send(clinics, elsewhere, server.port)  # default --out, relative to here
            assert result.returncode == 0 and "0 sent, 3 sent before" in result.stdout
        assert counts(mailbox) == EVERYONE_ONCE
        journal = clinics / "al-noor" / "records" / "send-journal.sqlite3"
        assert journal.is_file()
        # kept out of git with the clinic's configuration
        assert (journal.parent / ".gitignore").read_text() == "*\n"
    finally:
        shutil.rmtree(clinics / "al-noor" / "records")  # the next test starts clean


def test_a_journal_where_older_versions_kept_it_stops_the_run(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    older = tmp_path / "out" / "al-noor" / "send-journal.sqlite3"
    older.parent.mkdir(parents=True)
    with sqlite3.connect(older) as db:  # the schema brochure 0.1 wrote
        db.execute("CREATE TABLE messages (patient_id TEXT NOT NULL, appointment TEXT NOT NULL, "
                   "state TEXT NOT NULL, message_id TEXT NOT NULL, attempts INTEGER NOT NULL "
                   "DEFAULT 0, reply TEXT, updated TEXT NOT NULL, PRIMARY KEY (patient_id, appointment))")
        db.execute("INSERT INTO messages VALUES ('P-0001', '2026-12-02T10:00:00', 'sent', '<x@y>', 1, "
                   "'250', '2026-11-01')")
    db.close()
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        patients_csv(tmp_path, LAYLA, SARA)
        result = send(clinics, tmp_path, server.port)
        assert result.returncode == 2
        line = one_error_line(result)
        assert line.startswith("error: out/al-noor/send-journal.sqlite3: an older send journal of "
                               "al-noor; the clinic's journal is ")
        assert line.endswith("move it there first (mv out/al-noor/send-journal.sqlite3* records/)")
        assert mailbox.delivered == []
        # as told: moved, it is the clinic's journal, and Layla (sent before) is not sent again
        assert (tmp_path / "records").is_dir()
        for file in older.parent.glob("send-journal.sqlite3*"):
            file.rename(tmp_path / "records" / file.name)
        result = send(clinics, tmp_path, server.port)
        assert result.returncode == 0, result.stderr
        assert "1 sent, 1 sent before" in result.stdout
    assert counts(mailbox) == [("sara.haddad@example.com", 1)]


def test_a_journal_on_a_network_share_is_refused(shared, tmp_path, monkeypatch):
    # No NFS or SMB server can be mounted here: the kernel's mount table is what is faked, at the
    # one function that reads it, with the records folder's parent as an NFS mount point.
    clinics = clinics_with_records(shared, tmp_path / "share" / "records")
    (tmp_path / "share").mkdir()  # the mount point
    table = store.mounts()
    monkeypatch.setattr(store, "mounts", lambda: [*table, (tmp_path / "share", "nfs4")])
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        patients_csv(tmp_path, LAYLA)
        result = send(clinics, tmp_path, server.port)
        dry = send(clinics, tmp_path, server.port, "--dry-run")
    assert result.returncode == 2 and dry.returncode == 2
    line = one_error_line(result)
    assert line == ("error: share/records: is on a network share (nfs4), where SQLite's "
                    "locks do not hold and two runs could send the same message; put the records on "
                    "this computer's own disk: [records] folder = \"/a/local/folder/al-noor\" in "
                    f"{clinics}/al-noor/clinic.toml")
    assert mailbox.delivered == [] and not (tmp_path / "share" / "records").exists()


def test_the_filesystem_type_comes_from_the_kernels_mount_table(tmp_path):
    assert store.filesystem_type(Path("/proc/self")) == "proc"
    assert store.filesystem_type(tmp_path / "not" / "made" / "yet") == store.filesystem_type(tmp_path)
    assert store.filesystem_type(tmp_path) not in store.NETWORK_FILESYSTEMS


def test_mount_points_with_spaces_are_read_as_the_kernel_escapes_them(tmp_path, monkeypatch):
    share = tmp_path / "clinic share"
    share.mkdir()
    table = tmp_path / "mountinfo"
    escaped = str(share).replace(" ", "\\040")
    table.write_text(f"22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                     f"36 22 0:50 / {escaped} rw,relatime shared:9 - cifs //srv/share rw\n")
    monkeypatch.setattr(store, "MOUNT_TABLE", table)
    assert store.filesystem_type(share / "records") == "cifs"
    assert store.filesystem_type(tmp_path) == "ext4"
