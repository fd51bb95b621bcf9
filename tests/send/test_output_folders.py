"""Output folders that cannot be written, a full disk, the leftovers of a killed run, and folders of
patient data that are symbolic links: exit 2 and one line naming the file, never a traceback, and
never a patient's file anywhere it should not be."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time

import pytest

from tests.conftest import brochure_command, run_cli
from tests.mailserver import Mailbox, MailServer
from tests.mounts import fill, read_only, small_disk
from tests.sending import LAYLA, PERSONAL, SARA, clinics_with_records, counts, patients_csv, send


def build(clinics, cwd, *extra, out="out"):
    return run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", out, *extra, cwd=cwd)


def errors(result) -> list[str]:
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("command", ["build", "build --patients", "send --dry-run"])
def test_an_output_folder_that_cannot_be_written_is_named(shared, tmp_path, command):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA, SARA)
    (tmp_path / "out").mkdir()
    extra = {"build": (), "build --patients": ("--patients", "patients.csv")}.get(command)
    with read_only(tmp_path / "out"):
        if extra is None:
            result = run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients",
                             "patients.csv", "--out", "out", "--dry-run", cwd=tmp_path)
        else:
            result = build(clinics, tmp_path, *extra)
    assert result.returncode == 2
    [line] = errors(result)
    assert line.startswith("error: out/al-noor")
    assert line.endswith("its folder cannot be written (read-only, or no permission); choose another "
                         "--out or make the folder writable")
    assert not any(text in result.stderr + result.stdout for text in PERSONAL)


@pytest.mark.parametrize("command", ["build", "build --patients", "send --dry-run"])
def test_an_output_path_under_a_file_is_named(shared, tmp_path, command):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA)
    (tmp_path / "a-file").write_text("not a folder")
    if command == "send --dry-run":
        result = run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients",
                         "patients.csv", "--out", "a-file/out", "--dry-run", cwd=tmp_path)
    else:
        result = build(clinics, tmp_path, *command.split()[1:] + ["patients.csv"] * ("--patients" in command),
                       out="a-file/out")
    assert result.returncode == 2
    [line] = errors(result)
    assert line.startswith("error: a-file/out/al-noor") and "choose another --out" in line


def test_sending_needs_no_writable_output_folder(shared, tmp_path):
    """A real send writes nothing to --out (the journal is the clinic's): it goes ahead."""
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA, SARA)
    (tmp_path / "out").mkdir()
    mailbox = Mailbox()
    with MailServer(mailbox) as server, read_only(tmp_path / "out"):
        result = send(clinics, tmp_path, server.port)
    assert result.returncode == 0, result.stderr
    assert counts(mailbox) == [("layla@example.com", 1), ("sara.haddad@example.com", 1)]


@pytest.mark.parametrize("command", ["build", "build --patients", "build --patients --jobs 2"])
def test_a_full_disk_names_the_file_and_leaves_no_part_file(shared, tmp_path, command):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA)
    with small_disk(tmp_path / "disk", "1m") as disk:
        (disk / "out" / "al-noor" / "patients").mkdir(parents=True)
        fill(disk)
        extra = ("--patients", "patients.csv") if "patients" in command else ()
        extra += ("--jobs", "2") if "jobs" in command else ()
        result = build(clinics, tmp_path, *extra, out=disk / "out")
        assert result.returncode == 2
        [line] = errors(result)
        assert line.startswith("error: disk/out/al-noor/")
        assert line.endswith(": the disk is full; free some space, then run the same command again")
        assert not list((disk / "out").rglob("*.part")) and not list((disk / "out").rglob("*.pdf"))


def test_the_next_run_removes_part_files_a_killed_run_left(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA)
    folder = tmp_path / "out" / "al-noor" / "patients"
    folder.mkdir(parents=True)
    # what write_atomically leaves when `kill -9` comes mid-copy: half a patient's PDF
    leftover = folder / ".P-0002-al-noor-miss.pdf.k3j9x_1a.part"
    leftover.write_bytes(b"%PDF-1.7 half a copy")
    outbox = tmp_path / "out" / "al-noor" / "outbox"
    outbox.mkdir()
    (outbox / ".P-0002-al-noor-miss.eml.0x2kq8z.part").write_bytes(b"To: half a message")
    assert build(clinics, tmp_path, "--patients", "patients.csv").returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["P-0001-al-noor-miss.pdf"]
    result = run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients",
                     "patients.csv", "--out", "out", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in outbox.iterdir()) == ["P-0001-al-noor-miss.eml"]


@pytest.mark.parametrize("folder", ["patients", "outbox", "records"])
def test_a_folder_of_patient_data_that_is_a_symlink_is_refused(shared, tmp_path, folder):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA)
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    link = tmp_path / ("records" if folder == "records" else f"out/al-noor/{folder}")
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    if folder == "outbox":
        result = run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients",
                         "patients.csv", "--out", "out", "--dry-run", cwd=tmp_path)
    else:
        result = build(clinics, tmp_path, "--patients", "patients.csv")
    assert result.returncode == 2
    [line] = errors(result)
    assert line.startswith(f"error: {link.relative_to(tmp_path)}: is a symbolic link;")
    assert list(target.iterdir()) == []
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755  # its mode left alone


def test_a_records_folder_that_cannot_be_made_says_where_else_to_keep_it(tmp_path):
    clinics = clinics_with_records(tmp_path, None)  # a clinic of its own: no records/ yet
    patients_csv(tmp_path, LAYLA)
    with read_only(clinics / "al-noor"):
        result = build(clinics, tmp_path, "--patients", "patients.csv")
    assert result.returncode == 2
    [line] = errors(result)
    assert line.startswith("error: clinics/al-noor/records: cannot be made (")
    assert line.endswith("make clinics/al-noor writable, or name a folder this user can write in "
                         "clinic.toml: [records] folder = \"/a/local/folder\"")
    assert not (tmp_path / "out" / "al-noor" / "patients").exists()


def test_kill_9_mid_copy_leaves_a_part_file_that_the_next_run_removes(shared, tmp_path):
    """The real crash: `kill -9` while a copy is being written (its .part file open). Caught by
    watching the folder; a batch of many copies leaves time enough to catch one in the act."""
    clinics = clinics_with_records(shared, tmp_path / "records")
    rows = [f"P-{n:04d},Sara Haddad,s{n}@example.com,en,2026-12-01 09:30,,Bring your scans"
            for n in range(1, 400)]
    patients_csv(tmp_path, *rows)
    folder = tmp_path / "out" / "al-noor" / "patients"
    command = [*brochure_command(), "build", "--clinic", "al-noor", "--clinics-dir", str(clinics),
               "--out", "out", "--patients", "patients.csv"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    caught = False
    try:
        while process.poll() is None and not caught:
            if folder.is_dir() and any(name.endswith(".part") for name in os.listdir(folder)):
                process.kill()
                caught = True
            time.sleep(0.0002)
    finally:
        process.kill()
        process.wait()
    if not caught or not list(folder.glob(".*.part")):
        pytest.skip("the batch finished (or the file was complete) before the kill: nothing to clean")
    assert process.returncode == -signal.SIGKILL
    patients_csv(tmp_path, rows[0])
    assert build(clinics, tmp_path, "--patients", "patients.csv").returncode == 0
    assert list(folder.glob(".*.part")) == []


def test_a_full_disk_under_the_record_stops_build_patients_naming_it(shared, tmp_path):
    patients_csv(tmp_path, LAYLA)
    with small_disk(tmp_path / "disk", "1m") as disk:
        clinics = clinics_with_records(shared, disk / "records")
        fill(disk)
        result = build(clinics, tmp_path, "--patients", "patients.csv")
    assert result.returncode == 2
    [line] = errors(result)
    assert line.startswith("error: disk/records")
    assert line.endswith("the disk is full; free some space, then run the same command again")
    assert not (tmp_path / "out" / "al-noor" / "patients").exists()  # no copy without its record
