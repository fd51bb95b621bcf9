"""`brochure send` as a function: `send_patients` is the whole command for a Python caller (an EHR
integration): the clinic's leaflet checked first, the rows chosen as `build --patients` chooses
them, each message sent once, and the outcome with the CLI's exit code, with no printing.

Sits between cli and the pieces it drives: batch (chooses the rows, renders the copy), message
(composes the email), delivery (the SMTP server), the journal (what the server took) and the
record (which copy each patient got).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from email.message import Message
from pathlib import Path

from brochure.config.clinic import Clinic
from brochure.config.patients import Patient
from brochure.errors import BrochureError, Problem
from brochure.files import write_atomically
from brochure.personal.batch import OWNER_ONLY, choose_patients, claimed_folder, personal_pdf, redact
from brochure.personal.leaflet import personal_filename
from brochure.send.delivery import Deferred, MailServer, Pace, Refused, Transient, Unconfirmed, backoff
from brochure.send.journal import REFUSED, SENDING, SENT, UNCONFIRMED, SendJournal
from brochure.send.message import compose, message_id, wire_bytes
from brochure.send.record import CopyRecord, fingerprint
from brochure.send.settings import DEFAULT_RATE, TRIES, MailSettings, SendReport, outbox_folder
from brochure.send.store import StoreError, journal_file, ready_folder, refuse_older_journals

Render = Callable[[Clinic, Patient, str | None], bytes]


def send_patients(clinic: Clinic, patients_csv: Path, out_dir: Path, *,
                  settings: MailSettings | None, dry_run: bool = False, skip_invalid: bool = False,
                  paper: str | None = None, **options) -> SendReport:
    """`brochure send`: raises NothingDone (a BrochureError) when nothing may be sent (rows to
    fix without `skip_invalid`, or the clinic's leaflet); else every valid row's message goes out
    once (see send_leaflets for `options`), and `.code` is the exit code the CLI gives."""
    patients = choose_patients(clinic, patients_csv, skip_invalid=skip_invalid, paper=paper)
    report = send_leaflets(clinic, patients, out_dir, file=patients.file, settings=settings,
                           dry_run=dry_run, paper=paper, **options)
    report.skipped, report.invalid_rows = patients.problems, patients.invalid_rows
    return report


def send_leaflets(clinic: Clinic, patients: Iterable[Patient], out_dir: Path, *, file: str,
                  settings: MailSettings | None, dry_run: bool = False,
                  rate: float | None = DEFAULT_RATE, first_wait: float = 2.0,
                  resend: Iterable[str] = (), mark_sent: Iterable[str] = (),
                  paper: str | None = None, render: Render = personal_pdf,
                  on_progress: Callable[[Patient, str], None] = lambda patient, outcome: None,
                  ) -> SendReport:
    """Send (or with `dry_run`, write as .eml) each patient's message that the clinic's journal
    does not already have, in CSV order. Per-patient problems are collected and the batch goes
    on; a mail server that keeps failing stops it (whatever is left goes out on the next run); a
    journal or record that cannot be written stops it at once (BrochureError)."""
    report = SendReport(file)
    run = _Run(clinic, out_dir, report, rate=None if dry_run else rate, first_wait=first_wait,
               resend={i.lower() for i in resend}, mark_sent={i.lower() for i in mark_sent},
               paper=paper, render=render)
    ready_folder(clinic, create=not dry_run)  # made first: where an older journal is to go
    refuse_older_journals(clinic, [out_dir, Path("output")])
    seen = set()
    with SendJournal(journal_file(clinic), read_only=dry_run) as run.journal:
        if dry_run:
            with claimed_folder(outbox_folder(out_dir, clinic)) as run.outbox:
                for patient in patients:
                    seen.add(patient.patient_id.lower())
                    on_progress(patient, run.one(patient))
        else:
            run.server = MailServer(settings)
            with CopyRecord(clinic) as run.record:
                try:
                    for patient in patients:
                        seen.add(patient.patient_id.lower())
                        on_progress(patient, run.one(patient))
                        if report.stopped:
                            break
                finally:
                    run.server.hang_up()
    for option, ids in (("--resend", run.resend), ("--mark-sent", run.mark_sent)):
        for unknown in sorted(ids - seen) if not report.stopped else ():
            report.problems.append(Problem(option, "", f"no valid row with patient ID {unknown!r} in "
                                           f"{file}; nothing was done for it"))
    return report


class _Run:
    """One run's state: the journal, the record, the server or the outbox, and the report."""

    journal: SendJournal
    record: CopyRecord | None = None
    server: MailServer | None = None
    outbox: Path | None = None

    def __init__(self, clinic: Clinic, out_dir: Path, report: SendReport, *, rate: float | None,
                 first_wait: float, resend: set[str], mark_sent: set[str], paper: str | None,
                 render: Render):
        self.clinic, self.out_dir, self.report = clinic, out_dir, report
        self.pace, self.first_wait = Pace(rate), first_wait
        self.resend, self.mark_sent = resend, mark_sent
        self.paper, self.render = paper, render

    def one(self, patient: Patient) -> str:
        report, key = self.report, patient.patient_id.lower()
        state = self.journal.state(patient)
        if key in self.mark_sent and self.server is not None:
            if state != UNCONFIRMED:
                # a typo in an ID must not silently stand for "delivered"
                report.problems.append(Problem(report.file, patient.label, "--mark-sent is only for "
                                               "a message whose delivery is unconfirmed; this one "
                                               f"is {state or 'not sent yet'}, so it was left alone"))
                return "not sent"
            self.journal.mark(patient, SENT, message_id(self.clinic, patient),
                              reply="marked sent by staff")
            state = SENT
        if key not in self.resend:
            if state == SENT:
                report.already_sent.append(patient.label)
                return "already sent"
            if state == UNCONFIRMED:
                report.unconfirmed.append(patient.label)
                return UNCONFIRMED
        try:
            pdf = self.render(self.clinic, patient, self.paper)
            message = compose(self.clinic, patient, pdf)
        except BrochureError as exc:
            report.problems.extend(exc.problems)
            return "not sent"
        if self.outbox is not None:
            name = Path(personal_filename(self.clinic, patient)).with_suffix(".eml").name
            eml = self.outbox / name
            write_atomically(eml, wire_bytes(message), mode=OWNER_ONLY)
            report.written.append(eml)
            return "written"
        row = self.record.built(patient, fingerprint(pdf), message_id=str(message["Message-ID"]))
        outcome = self._deliver(patient, message)
        if outcome == SENT:
            self.record.taken(row)
        return outcome

    def _deliver(self, patient: Patient, message: Message) -> str:
        """Hand the message over, with retries: the journal knows each step before it happens."""
        report, journal, ident = self.report, self.journal, str(message["Message-ID"])
        data = wire_bytes(message)
        failure, only_this_recipient = "", False
        for attempt in range(TRIES):
            if attempt:
                time.sleep(backoff(attempt - 1, self.first_wait))
            journal.mark(patient, SENDING, ident)

            def answered(code: int, reply: str) -> None:
                # a 4xx answer to the end-of-data means the server did not take it: back to sending
                state = SENT if code == 250 else REFUSED if code >= 500 else SENDING
                journal.mark(patient, state, ident, redact(reply, patient))

            try:
                self.server.ready()
                self.pace.wait()  # after connecting: the pace is of messages, not of handshakes
                self.server.deliver(self.clinic.contact.email, patient.email, data,
                                    before_end=lambda: journal.mark(patient, UNCONFIRMED, ident),
                                    answered=answered)
            except StoreError:
                raise  # the journal cannot record: stop everything, now
            except BrochureError as exc:
                report.stopped = exc.problems[0]  # the server or the settings, not this patient
                return "not sent"
            except Transient as exc:
                failure, only_this_recipient = redact(str(exc), patient), isinstance(exc, Deferred)
                if not only_this_recipient:
                    self.server.hang_up()
                continue
            except Refused as exc:
                reply = redact(str(exc), patient)
                journal.mark(patient, REFUSED, ident, reply)
                report.problems.append(Problem(report.file, patient.label,
                                               f"refused by the mail server: {reply}"))
                return REFUSED
            except Unconfirmed:
                report.unconfirmed.append(patient.label)
                return UNCONFIRMED
            report.sent.append(patient.label)
            return SENT
        if only_this_recipient:
            report.problems.append(Problem(report.file, patient.label, f"the mail server put off "
                                           f"this address {TRIES} times ({failure}); the others went "
                                           "on, and the next run tries it again"))
            return "not sent"
        report.stopped = Problem(
            report.file, patient.label,
            f"the mail server kept failing ({failure}) after {TRIES} tries; stopped here. Nothing is "
            "lost: run the same command again later and only what was not sent goes out")
        return "not sent"
