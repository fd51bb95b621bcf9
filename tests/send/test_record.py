"""The record for the consent form: every copy built or sent, with the content's version and review
date, the PDF's SHA-256, when built, when the mail server took it, the Message-ID; never a name or
an address. And the API that does what `build --patients` and `send` do."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

import brochure
from brochure.config.content import load_topic
from brochure.personal.batch import NothingDone, build_copies
from brochure.send.run import send_patients
from brochure.send.settings import MailSettings
from tests.conftest import run_cli
from tests.mailserver import Mailbox, MailServer
from tests.sending import DANIEL, LAYLA, PERSONAL, SARA, clinics_with_records, patients_csv, send


def record(clinics, cwd, *extra):
    result = run_cli("record", "--clinic", "al-noor", "--clinics-dir", clinics, *extra, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def test_every_copy_built_or_sent_is_recorded_without_names_or_addresses(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    patients_csv(tmp_path, LAYLA, SARA)
    assert run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", "out",
                   "--patients", "patients.csv", cwd=tmp_path).returncode == 0
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        assert send(clinics, tmp_path, server.port).returncode == 0
        # a dry run is a rehearsal: it records nothing
        assert send(clinics, tmp_path, server.port, "--dry-run", "--resend", "P-0001").returncode == 0
    rows = list(csv.DictReader(io.StringIO(record(clinics, tmp_path, "--csv").stdout)))
    topic = load_topic()
    assert [(r["patient_id"], r["taken"] != "") for r in rows] == [
        ("P-0001", False), ("P-0001", True), ("P-0002", False), ("P-0002", True)]
    assert {(r["content_version"], r["reviewed_on"]) for r in rows} == {
        (topic.version, topic.reviewed_on.isoformat())}
    built_file = tmp_path / "out" / "al-noor" / "patients" / "P-0001-al-noor-miss.pdf"
    assert rows[0]["sha256"] == hashlib.sha256(built_file.read_bytes()).hexdigest()
    assert rows[0]["appointment"] == "2026-12-02T10:00:00" and rows[0]["message_id"] == ""
    # the sent copy: the PDF attached to the message the server took, and that message's ID
    sent = {d.recipients[0]: d.message for d in mailbox.delivered}["layla@example.com"]
    attached = next(sent.iter_attachments()).get_content()
    assert rows[1]["sha256"] == hashlib.sha256(attached).hexdigest()
    assert rows[1]["message_id"] == sent["Message-ID"]
    assert rows[1]["built"] <= rows[1]["taken"]
    table = record(clinics, tmp_path).stdout
    assert table.splitlines()[0].split() == ["patient_id", "appointment", "content_version",
                                             "reviewed_on", "sha256", "built", "taken", "message_id"]
    assert len(table.splitlines()) == 5
    for text in PERSONAL:
        assert text not in table and text not in (tmp_path / "records" / "copies.sqlite3").read_bytes(
        ).decode("utf-8", "replace")


def test_the_record_of_the_patients_of_one_csv_and_before_anything_was_built(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    empty = run_cli("record", "--clinic", "al-noor", "--clinics-dir", clinics, cwd=tmp_path)
    assert empty.returncode == 0 and empty.stderr == "no copies recorded for al-noor yet\n"
    patients_csv(tmp_path, LAYLA, SARA, DANIEL)
    assert run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", "out",
                   "--patients", "patients.csv", cwd=tmp_path).returncode == 0
    # IDs compare without case, as everywhere else
    patients_csv(tmp_path, LAYLA.replace("P-0001", "p-0001"), DANIEL, name="two.csv")
    rows = list(csv.DictReader(io.StringIO(record(clinics, tmp_path, "--csv", "--patients",
                                                  "two.csv").stdout)))
    assert [r["patient_id"] for r in rows] == ["P-0001", "P-0003"]


def test_the_api_does_what_the_cli_does(shared, tmp_path):
    clinics = clinics_with_records(shared, tmp_path / "records")
    clinic = brochure.load_clinic(clinics / "al-noor")
    bad = SARA.replace("sara.haddad@example.com", "not an address")
    path = patients_csv(tmp_path, LAYLA, bad)
    # the same refusal as the CLI: nothing built while a row is wrong, unless skip_invalid
    with pytest.raises(NothingDone) as refused:
        build_copies(clinic, path, tmp_path / "out")
    assert [f"{p.field}: {p.message}" for p in refused.value.problems] == [
        "line 3 (P-0002): email: expected one address like name@example.com"]
    assert refused.value.reason.startswith("1 of 2 rows need fixing")
    built = build_copies(clinic, path, tmp_path / "out", skip_invalid=True)
    cli = run_cli("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--out", "out",
                  "--patients", "patients.csv", "--skip-invalid", cwd=tmp_path)
    assert (built.code, [c.label for c in built.done], built.invalid_rows) == (
        cli.returncode, ["line 2 (P-0001)"], ("line 3 (P-0002)",))
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        report = send_patients(clinic, path, tmp_path / "out", skip_invalid=True, rate=6000,
                               settings=MailSettings("127.0.0.1", server.port, "none"))
        cli = send(clinics, tmp_path, server.port, "--skip-invalid")
    assert (report.code, report.sent, report.invalid_rows) == (2, ["line 2 (P-0001)"],
                                                              ("line 3 (P-0002)",))
    assert cli.returncode == report.code and "0 sent, 1 sent before" in cli.stdout
    assert len(mailbox.delivered) == 1
