"""`brochure send` against a real SMTP server on 127.0.0.1: what arrives, and that every patient gets
their message exactly once through dropped connections, refusals, a killed sender and re-runs."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import time
from collections import Counter
from email import message_from_bytes, policy
from functools import partial
from itertools import pairwise

import pytest

import brochure
from brochure.config.patients import read_patients
from brochure.personal.batch import personal_pdf
from brochure.send import run
from brochure.send.run import send_leaflets
from brochure.send.settings import MailSettings, mail_settings
from tests.conftest import EXAMPLES, as_at_a_terminal, brochure_command, copy_clinic, run_cli
from tests.mailserver import FailOnce, Mailbox, MailServer
from tests.pdftext import pdfium_text
from tests.sending import clinics_with_records

HEADER = "patient_id,name,email,language,appointment,surgeon,note"
LAYLA = "P-0001,ليلى حسن,layla@example.com,ar,2026-12-02 10:00,د. عمر خليل,"
SARA = "P-0002,Sara Haddad,sara.haddad@example.com,en,2026-12-01 09:30,Dr Omar Khalil,Bring your scans"
DANIEL = "P-0003,Daniel Brooks,dbrooks@example.org,en,2026-12-03 14:15,,"
FAST = 6000  # messages a minute: no pacing in tests that are not about pacing


@pytest.fixture(scope="module")
def example():
    return brochure.load_clinic(EXAMPLES / "al-noor")


@pytest.fixture
def clinic(tmp_path):
    """A copy of al-noor per test: each has its own records folder (journal and record)."""
    return brochure.load_clinic(copy_clinic(tmp_path))


@pytest.fixture(scope="module")
def copies(example, tmp_path_factory, shared_builds):
    """Layla's and Sara's real personalised copies, rendered once a session; other patients in
    these tests get the copy of their language (what matters here is the sending)."""
    def make():
        path = tmp_path_factory.mktemp("csv") / "patients.csv"
        path.write_text("\n".join([HEADER, LAYLA, SARA]) + "\n", encoding="utf-8")
        layla, sara = read_patients(path)
        return {"ar": personal_pdf(example, layla), "en": personal_pdf(example, sara)}

    return shared_builds.once("send-copies", make)


def patients_csv(folder, *rows):
    path = folder / "patients.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def send(clinic, copies, folder, port, *rows, **options):
    """One in-process run of the sender over `rows` (default: all three patients)."""
    path = patients_csv(folder, *(rows or (LAYLA, SARA, DANIEL)))
    options = {"rate": FAST, "first_wait": 0.01, **options}
    return send_leaflets(clinic, read_patients(path), folder / "out", file="patients.csv",
                         settings=MailSettings("127.0.0.1", port, "none"),
                         render=lambda clinic, patient, paper: copies[patient.language], **options)


def counts(mailbox):
    """How many messages each address got."""
    return sorted(Counter(d.recipients[0] for d in mailbox.delivered).items())


EVERYONE_ONCE = [("dbrooks@example.org", 1), ("layla@example.com", 1), ("sara.haddad@example.com", 1)]


def text_and_html(message):
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_each_patient_gets_their_copy_in_their_language_first(clinic, copies, tmp_path):
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        report = send(clinic, copies, tmp_path, server.port, LAYLA, SARA)
    assert report.sent == ["line 2 (P-0001)", "line 3 (P-0002)"] and report.complete
    layla, sara = (mailbox.to(address)[0] for address in ("layla@example.com", "sara.haddad@example.com"))
    for delivered in (layla, sara):
        message = delivered.message
        assert delivered.sender == "care@alnoor-spine.example"
        assert message["From"].addresses[0].addr_spec == "care@alnoor-spine.example"
        assert message["Reply-To"].addresses[0].addr_spec == "care@alnoor-spine.example"
        assert re.fullmatch(r"<miss\.[0-9a-f]{32}@alnoor-spine\.example>", message["Message-ID"])
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == "al-noor-miss-leaflet.pdf"
        assert attachment.get_content_type() == "application/pdf"
    assert str(layla.message["To"]) == "ليلى حسن <layla@example.com>"
    assert layla.message["From"].addresses[0].display_name == "مركز النور للعمود الفقري"

    # Arabic first for Layla, English first for Sara, both languages in every part
    assert layla.message["Subject"] == ("نشرتك عن جراحة العمود الفقري طفيفة التوغل من مركز النور للعمود "
                                        "الفقري / Your leaflet about minimally invasive spine surgery, "
                                        "from Al Noor Spine Centre")
    assert sara.message["Subject"].startswith("Your leaflet about minimally invasive spine surgery")
    text, html = text_and_html(layla.message)
    assert text.index("مرحبًا ليلى حسن،") < text.index("Hello ليلى حسن,")
    assert "الأربعاء ٢ ديسمبر ٢٠٢٦" in text and "Wednesday 2 December 2026" in text
    assert "\u2066+971 4 123 4567\u2069" in text  # the number reads left to right in Arabic
    assert html.index('<div dir="rtl" lang="ar">') < html.index('<div dir="ltr" lang="en">')
    arabic = html[html.index('<div dir="rtl" lang="ar">'):html.index("</div>")]
    assert "مرحبًا <bdi>ليلى حسن</bdi>،" in arabic and '<span dir="ltr">+971 4 123 4567</span>' in arabic
    text, html = text_and_html(sara.message)
    assert text.index("Hello Sara Haddad,") < text.index("مرحبًا Sara Haddad،")
    assert html.index('<div dir="ltr" lang="en">') < html.index('<div dir="rtl" lang="ar">')

    # the attachment is the patient's own copy
    pdf = next(sara.message.iter_attachments()).get_content()
    assert pdf == copies["en"] and "Sara Haddad" in pdfium_text(pdf)


@pytest.mark.parametrize("answer, when", [
    # the connection drops as the second message starts: reconnect, go on
    ("drop", lambda step, recipient, accepted: step == "MAIL" and accepted == 1),
    # 421 to the finished message: the server did not take it, so it goes again, once
    ("421 4.3.2 service shutting down, try again",
     lambda step, recipient, accepted: step == "DATA" and recipient == "sara.haddad@example.com"),
], ids=["dropped-connection", "421-after-the-message"])
def test_a_server_failing_mid_batch_is_retried_and_nobody_gets_two(clinic, copies, tmp_path,
                                                                   answer, when):
    rule = FailOnce(answer, when)
    mailbox = Mailbox([rule])
    with MailServer(mailbox) as server:
        report = send(clinic, copies, tmp_path, server.port)
    assert rule.fired and report.complete and len(report.sent) == 3
    assert counts(mailbox) == EVERYONE_ONCE


def test_a_server_that_stays_down_stops_the_batch_and_a_rerun_sends_only_the_rest(
        clinic, copies, tmp_path):
    down = [True]

    def down_after_one(step, recipient, accepted):
        return "421 4.3.2 too busy" if down[0] and step == "MAIL" and accepted >= 1 else None

    mailbox = Mailbox([down_after_one])
    with MailServer(mailbox) as server:
        first = send(clinic, copies, tmp_path, server.port)
        assert first.sent == ["line 2 (P-0001)"]
        assert first.stopped.field == "line 3 (P-0002)"
        assert "kept failing (421 4.3.2 too busy) after 5 tries" in first.stopped.message
        down[0] = False
        second = send(clinic, copies, tmp_path, server.port)
    assert second.already_sent == ["line 2 (P-0001)"]
    assert second.sent == ["line 3 (P-0002)", "line 4 (P-0003)"] and second.complete
    assert counts(mailbox) == EVERYONE_ONCE


def answer_sara(answer: str):
    """A mail server rule: `answer` to RCPT TO Sara's address, every time."""
    def rule(step, recipient, accepted):
        return answer if step == "RCPT" and recipient == "sara.haddad@example.com" else None
    return rule


def test_a_refused_address_is_reported_by_line_and_id_and_the_batch_goes_on(clinic, copies, tmp_path):
    mailbox = Mailbox([answer_sara("550 5.1.1 <sara.haddad@example.com>: no such mailbox")])
    with MailServer(mailbox) as server:
        report = send(clinic, copies, tmp_path, server.port)
    assert report.sent == ["line 2 (P-0001)", "line 4 (P-0003)"]
    assert [str(p) for p in report.problems] == [
        "patients.csv: line 3 (P-0002): refused by the mail server: 550 5.1.1 <[patient details]>: "
        "no such mailbox"]
    assert [d.recipients[0] for d in mailbox.delivered] == ["layla@example.com", "dbrooks@example.org"]


def test_an_address_the_server_keeps_putting_off_does_not_stop_the_others(clinic, copies, tmp_path):
    """A 4xx to one recipient (full mailbox, greylisting) is that patient's, not the server's."""
    mailbox = Mailbox([answer_sara("452 4.2.2 <sara.haddad@example.com>: mailbox full")])
    with MailServer(mailbox) as server:
        report = send(clinic, copies, tmp_path, server.port)
        assert report.sent == ["line 2 (P-0001)", "line 4 (P-0003)"] and report.stopped is None
        assert [str(p) for p in report.problems] == [
            "patients.csv: line 3 (P-0002): the mail server put off this address 5 times (452 4.2.2 "
            "<[patient details]>: mailbox full); the others went on, and the next run tries it again"]
        mailbox.rules.clear()  # the mailbox has room again: the next run sends only Sara's
        report = send(clinic, copies, tmp_path, server.port)
    assert report.sent == ["line 3 (P-0002)"]
    assert counts(mailbox) == EVERYONE_ONCE


def test_the_rate_limit_spaces_messages_evenly(clinic, copies, tmp_path, monkeypatch):
    """Timed on a clock of the test's own, which only the sender's waits move: a busy machine
    delays messages and so cannot make this fail, nor pass."""
    now = [1000.0]

    def wait(seconds):
        now[0] += seconds

    monkeypatch.setattr(run, "Pace", partial(run.Pace, clock=lambda: now[0], sleep=wait))
    started = []

    def note_time(step, recipient, accepted):
        if step == "MAIL":
            started.append(now[0])

    mailbox = Mailbox([note_time])
    with MailServer(mailbox) as server:
        send(clinic, copies, tmp_path, server.port, rate=150)  # one every 0.4 s
    assert len(started) == 3 and len(mailbox.delivered) == 3
    assert [round(later - earlier, 6) for earlier, later in pairwise(started)] == [0.4, 0.4]


# --- the real command, killed mid-batch ----------------------------------------------------------

@pytest.fixture
def clinics(shared, tmp_path):
    """clinics/ holding al-noor, the copy this worker's tests share (its copies' template rendered
    once), its journal and record in this test's tmp_path/records."""
    return clinics_with_records(shared, tmp_path / "records")


def send_args(clinics, port, *extra) -> list[str]:
    return ["send", "--clinic", "al-noor", "--clinics-dir", str(clinics),
            "--patients", "patients.csv",
            "--out", "out", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--tls", "none",
            "--rate", str(FAST), *extra]


def start_send(clinics, folder, port, *extra):
    """The installed command in a process of its own, to be killed or interrupted."""
    environment = {k: v for k, v in os.environ.items() if k != "BROCHURE_SMTP_PASSWORD"}
    return subprocess.Popen(
        [*brochure_command(), *send_args(clinics, port, *extra)],
        cwd=folder, env={**environment, "NO_COLOR": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=as_at_a_terminal)


def run_send(clinics, folder, port, *extra):
    """The re-run after a kill, in-process: what it goes on from is the journal the process left."""
    result = run_cli(*send_args(clinics, port, *extra), cwd=folder, env={"BROCHURE_SMTP_PASSWORD": None})
    return result.returncode, result.stdout, result.stderr


# The killed senders: one language, so a process renders one shared copy before its first message
ONE_LANGUAGE = (LAYLA.replace(",ar,", ",en,"), SARA, DANIEL)


def signal_as_the_second_is_taken(clinics, folder, mailbox, server, signum) -> tuple[int, str]:
    """Run `brochure send` and send it `signum` the moment the server has taken the second
    message, before the server answers; return its exit status and what it printed to stderr."""
    process = start_send(clinics, folder, server.port)
    mailbox.on_accept = lambda delivered: (len(mailbox.delivered) == 2
                                           and os.kill(process.pid, signum))
    _, stderr = process.communicate(timeout=120)
    mailbox.on_accept = lambda delivered: None
    return process.returncode, stderr


def test_a_sender_killed_after_the_server_took_the_message_never_sends_it_twice(clinics, tmp_path):
    """The crash window: the server has the message, the sender dies before it hears so. The
    re-run does not guess: it names the patient and leaves the decision to staff."""
    patients_csv(tmp_path, *ONE_LANGUAGE)
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        code, _ = signal_as_the_second_is_taken(clinics, tmp_path, mailbox, server, signal.SIGKILL)
        assert code == -signal.SIGKILL
        code, stdout, stderr = run_send(clinics, tmp_path, server.port)
        assert code == 2
        assert "unconfirmed: line 3 (P-0002): the connection broke" in stderr
        assert "1 sent, 1 sent before, 1 unconfirmed, 0 with problems" in stdout
        # staff find the message in the server's log and record it
        code, stdout, stderr = run_send(clinics, tmp_path, server.port, "--mark-sent", "P-0002")
        assert code == 0, stderr
        assert "0 sent, 3 sent before, 0 unconfirmed" in stdout
    assert counts(mailbox) == EVERYONE_ONCE
    journal = tmp_path / "records" / "send-journal.sqlite3"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_a_sender_killed_before_the_message_was_complete_sends_it_on_the_rerun(clinics, tmp_path):
    patients_csv(tmp_path, *ONE_LANGUAGE)
    process = None

    def kill_at_second_recipient(step, recipient, accepted):
        if step == "RCPT" and accepted == 1 and process.returncode is None:
            os.kill(process.pid, signal.SIGKILL)
            time.sleep(0.2)
        return None

    mailbox = Mailbox([kill_at_second_recipient])
    with MailServer(mailbox) as server:
        process = start_send(clinics, tmp_path, server.port)
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL
        assert len(mailbox.delivered) == 1
        mailbox.rules.clear()
        code, stdout, stderr = run_send(clinics, tmp_path, server.port)
    assert code == 0, stderr
    assert "2 sent, 1 sent before, 0 unconfirmed, 0 with problems" in stdout
    assert counts(mailbox) == EVERYONE_ONCE


def test_ctrl_c_while_the_server_answers_still_records_the_message(clinics, tmp_path):
    patients_csv(tmp_path, *ONE_LANGUAGE)
    mailbox = Mailbox()
    with MailServer(mailbox) as server:
        code, stderr = signal_as_the_second_is_taken(clinics, tmp_path, mailbox, server, signal.SIGINT)
        # an interruption, not a bug (1) nor a problem with the input (2); it says how to go on
        assert code == 130, stderr
        assert stderr.strip() == ("interrupted: run the same command again to send the rest: the "
                                  "send journal has every message the mail server took, and none "
                                  "goes twice")
        code, stdout, stderr = run_send(clinics, tmp_path, server.port)
    assert code == 0, stderr
    assert "1 sent, 2 sent before, 0 unconfirmed, 0 with problems" in stdout
    assert counts(mailbox) == EVERYONE_ONCE


# --- dry run, settings, password -----------------------------------------------------------------

def test_dry_run_writes_private_eml_files_and_sends_nothing(clinics, tmp_path):
    patients_csv(tmp_path, LAYLA, SARA)
    result = run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients",
                     "patients.csv", "--out", "out", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 messages written to out/al-noor/outbox/ (nothing sent)" in result.stdout
    outbox = tmp_path / "out" / "al-noor" / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == ["P-0001-al-noor-miss.eml",
                                                        "P-0002-al-noor-miss.eml"]
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    eml = outbox / "P-0001-al-noor-miss.eml"
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "layla@example.com"
    pdf = next(message.iter_attachments()).get_content()
    assert "ليلى حسن" in pdfium_text(pdf)
    assert not (tmp_path / "records" / "send-journal.sqlite3").exists()


def test_the_password_comes_only_from_the_environment(clinics, tmp_path):
    patients_csv(tmp_path, DANIEL)
    mailbox = Mailbox()
    secret = "s3cret-Passw0rd"
    with MailServer(mailbox, users={"clinic-mailer": secret}) as server:
        args = ["send", "--clinic", "al-noor", "--clinics-dir", clinics,
                "--patients", "patients.csv",
                "--out", "out", "--smtp-host", "127.0.0.1", "--smtp-port", server.port, "--tls", "none",
                "--smtp-user", "clinic-mailer"]
        missing = run_cli(*args, cwd=tmp_path, env={"BROCHURE_SMTP_PASSWORD": ""})
        wrong = run_cli(*args, cwd=tmp_path, env={"BROCHURE_SMTP_PASSWORD": "guess"})
        right = run_cli(*args, cwd=tmp_path, env={"BROCHURE_SMTP_PASSWORD": secret})
    assert missing.returncode == 2
    assert ("error: BROCHURE_SMTP_PASSWORD: not set: the mail server user is 'clinic-mailer'; put its "
            "password in the environment variable BROCHURE_SMTP_PASSWORD") in missing.stderr
    assert wrong.returncode == 2 and "refused the login for user 'clinic-mailer'" in wrong.stderr
    assert right.returncode == 0, right.stderr
    assert server.logins == ["clinic-mailer"] and len(mailbox.delivered) == 1
    for result in (missing, wrong, right):
        assert secret not in result.stdout + result.stderr and "guess" not in result.stderr
        assert "Traceback" not in result.stderr


def test_smtp_table_in_clinic_toml_is_validated_and_holds_no_password(tmp_path):
    folder = copy_clinic(tmp_path)
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[smtp]\nhost = "smtp.alnoor.example"\n'
                    'port = 99999\ntsl = "starttls"\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(brochure.BrochureError) as caught:
        brochure.load_clinic(folder)
    messages = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert messages == [
        "smtp.tsl: unknown key (did you mean smtp.tls?)",
        "smtp.port: expected a port number like 587, got 99999",
        "smtp.password: passwords do not belong in clinic.toml; remove it and set "
        "BROCHURE_SMTP_PASSWORD when you run brochure send",
    ]
    assert all("hunter2" not in m for m in messages)


def test_smtp_settings_come_from_clinic_toml_and_options_override_them(tmp_path):
    folder = copy_clinic(tmp_path)
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[smtp]\nhost = "smtp.alnoor.example"\n'
                    'user = "leaflets@alnoor.example"\n', encoding="utf-8")
    clinic = brochure.load_clinic(folder)
    environ = {"BROCHURE_SMTP_PASSWORD": "pa55word"}
    saved = mail_settings(clinic, environ=environ)
    assert (saved.host, saved.port, saved.tls, saved.user) == ("smtp.alnoor.example", 587, "starttls",
                                                               "leaflets@alnoor.example")
    assert "pa55word" not in repr(saved)
    given = mail_settings(clinic, host="mail.example", port=465, environ=environ)
    assert (given.host, given.port, given.tls) == ("mail.example", 465, "implicit")
    with pytest.raises(brochure.BrochureError, match="only for a relay on this machine") as caught:
        mail_settings(clinic, tls="none", environ=environ)
    assert str(caught.value.problems[0]).startswith("--tls: without TLS")  # the option, not the file


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test certificate")
def test_starttls_to_a_server_with_a_trusted_certificate(clinic, copies, tmp_path, monkeypatch):
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", certificate], check=True, capture_output=True)
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # trust this one certificate only
    mailbox = Mailbox()
    with MailServer(mailbox, tls_context=context, require_starttls=True) as server:
        path = patients_csv(tmp_path, SARA)
        report = send_leaflets(clinic, read_patients(path), tmp_path / "out", file="patients.csv",
                               settings=MailSettings("127.0.0.1", server.port, "starttls"),
                               render=lambda clinic, patient, paper: copies["en"], rate=FAST)
    assert report.complete and len(mailbox.delivered) == 1
