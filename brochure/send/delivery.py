"""Sending each patient their copy by SMTP, exactly once across crashes and re-runs.

Sits between cli and the pieces it drives: batch (renders the copy), mail (composes the message)
and journal (remembers what the server took). The SMTP transaction is driven step by step so the
journal can be written at the one moment that matters: just before the end-of-data line, after
which the server may deliver (see journal.py for what each state means to a re-run).
"""

from __future__ import annotations

import re
import signal
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

from brochure.config.clinic import Clinic
from brochure.config.patients import Patient
from brochure.errors import BrochureError, Problem
from brochure.files import write_atomically
from brochure.personal.batch import OWNER_ONLY, personal_pdf, private_folder, redact
from brochure.personal.leaflet import personal_filename
from brochure.send.journal import REFUSED, SENDING, SENT, UNCONFIRMED, SendJournal, journal_path
from brochure.send.message import compose, message_id, wire_bytes
from brochure.send.settings import (
    DEFAULT_RATE,
    LONGEST_WAIT,
    PASSWORD_VARIABLE,
    SMTP_TIMEOUT,
    TRIES,
    MailSettings,
    SendReport,
    outbox_folder,
)


class _Transient(Exception):
    """Worth another try later: a 4xx answer, a refused or dropped connection."""


class _Deferred(_Transient):
    """A 4xx answer about this recipient (a full mailbox, greylisting): the others can go on."""


class _Refused(Exception):
    """A 5xx answer about this message: trying again cannot help."""


class _Unconfirmed(Exception):
    """The end-of-data line went out and no answer came back."""


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()


def _answer(code: int, reply: bytes, *, expected: tuple[int, ...]) -> None:
    if code in expected:
        return
    text = _reply_text(code, reply)
    raise _Refused(text) if 500 <= code < 600 else _Transient(text)


# --- pacing and retries --------------------------------------------------------------------------

class Pace:
    """At most `per_minute` messages a minute, evenly spaced (a burst would trip the provider's own
    limit and come back as 4xx answers)."""

    def __init__(self, per_minute: float | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def backoff(attempt: int, first_wait: float) -> float:
    """Seconds to wait after the `attempt`-th failure (0-based): doubling, capped."""
    return min(first_wait * 2 ** attempt, LONGEST_WAIT)


@contextmanager
def _held_signals():
    """Ctrl-C (or a polite kill) between the end-of-data line and the journal recording the
    server's answer would leave the message unconfirmed: hold such signals until the journal
    has the answer, then act on them. The socket timeout bounds the wait."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.signal(number, lambda n, _frame: caught.append(n))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])


# --- the mail server -----------------------------------------------------------------------------

class _MailServer:
    """One SMTP connection, opened when first needed and again after it drops."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.tls == "implicit":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
            smtp.ehlo()
            if s.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise self._setup_error("does not offer STARTTLS; use --tls implicit if it "
                                            "expects TLS from the start (usually port 465)")
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                self._log_in(smtp)
        except ssl.SSLCertVerificationError as exc:
            raise self._setup_error(f"sent a certificate that cannot be trusted ({exc.verify_message})"
                                    ) from None
        except smtplib.SMTPResponseException as exc:
            raise _Transient(_reply_text(exc.smtp_code, exc.smtp_error)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _Transient(f"cannot reach {s.host}:{s.port} ({exc or type(exc).__name__})") from None
        return smtp

    def _log_in(self, smtp: smtplib.SMTP) -> None:
        """Any failure here stops the batch: retrying a wrong password only locks the account."""
        user = self.settings.user
        try:
            smtp.login(user, self.settings.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()  # the batch stops here: no socket left to the garbage collector
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise self._setup_error(f"refused the login for user {user!r} ({reply}); check "
                                    f"{PASSWORD_VARIABLE}") from None
        except smtplib.SMTPNotSupportedError:
            smtp.close()
            raise self._setup_error("does not accept a login on this connection; check --tls "
                                    "and --smtp-user") from None
        except (OSError, smtplib.SMTPException):
            smtp.close()
            raise self._setup_error(f"closed the connection while logging in user {user!r}, "
                                    f"as many do after a wrong password; check {PASSWORD_VARIABLE}"
                                    ) from None

    def _setup_error(self, message: str) -> BrochureError:
        return BrochureError.single(f"{self.settings.host}:{self.settings.port}", "",
                                    f"the mail server {message}")

    def ready(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def hang_up(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def deliver(self, sender: str, recipient: str, message: bytes,
                before_end: Callable[[], None], answered: Callable[[int, str], None]) -> None:
        """Hand over one message. `before_end` runs (and must be durable) just before the
        end-of-data line; `answered` records the server's answer to it before any signal is
        acted on. Raises _Transient, _Refused or _Unconfirmed."""
        smtp = self.ready()
        try:
            code, reply = smtp.mail(sender)
            if 500 <= code < 600:
                raise BrochureError.single(f"{self.settings.host}:{self.settings.port}", "",
                                           f"the mail server refuses the sender {sender} "
                                           f"({_reply_text(code, reply)}); check contact.email "
                                           "in clinic.toml and what the server lets you send as")
            _answer(code, reply, expected=(250,))
            code, reply = smtp.rcpt(recipient)
            if 400 <= code < 500:
                raise _Deferred(_reply_text(code, reply))
            _answer(code, reply, expected=(250, 251))
            code, reply = smtp.docmd("DATA")
            _answer(code, reply, expected=(354,))
            smtp.send(_dot_stuffed(message))
        except (_Refused, _Transient):
            self._reset()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            smtp.close()
            raise _Transient(f"connection lost ({exc or type(exc).__name__})") from None
        except BaseException:
            # Ctrl-C or a bug mid-message: drop the connection without a polite QUIT, which the
            # server would read as part of the unfinished message. Unfinished, it is discarded.
            self._smtp = None
            smtp.close()
            raise
        with _held_signals():
            before_end()
            try:
                smtp.send(b".\r\n")
                code, reply = smtp.getreply()
            except (OSError, smtplib.SMTPException):
                self._smtp = None
                smtp.close()
                raise _Unconfirmed() from None
            answered(code, _reply_text(code, reply))
        _answer(code, reply, expected=(250,))

    def _reset(self) -> None:
        """Back to a clean state after a refused step, so the next message starts afresh."""
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
            self._smtp = None


def _dot_stuffed(message: bytes) -> bytes:
    """The DATA body (RFC 5321 4.5.2): CRLF lines, a leading dot doubled, ending in CRLF, without
    the end-of-data line (sent separately, after the journal knows)."""
    body = re.sub(rb"\r?\n", b"\r\n", message)
    body = re.sub(rb"(?m)^\.", b"..", body)
    return body if body.endswith(b"\r\n") else body + b"\r\n"


# --- the run -------------------------------------------------------------------------------------

def send_leaflets(clinic: Clinic, patients: Iterable[Patient], out_dir: Path, *, file: str,
                  settings: MailSettings | None, dry_run: bool = False,
                  rate: float | None = DEFAULT_RATE, first_wait: float = 2.0,
                  resend: frozenset[str] = frozenset(), mark_sent: frozenset[str] = frozenset(),
                  paper: str | None = None,
                  render: Callable[[Clinic, Patient, str | None], bytes] = personal_pdf,
                  on_progress: Callable[[Patient, str], None] = lambda patient, outcome: None,
                  ) -> SendReport:
    """Send (or with `dry_run`, write as .eml) each patient's message that the journal does not
    already have, in CSV order. Per-patient problems are collected and the batch goes on; a mail
    server that keeps failing stops it (whatever is left goes out on the next run)."""
    report = SendReport(file)
    path = journal_path(out_dir, clinic.slug)
    with SendJournal(path, read_only=dry_run) as journal:
        server = None if dry_run else _MailServer(settings)
        pace = Pace(None if dry_run else rate)
        seen = set()
        try:
            for patient in patients:
                seen.add(patient.patient_id)
                outcome = _send_one(clinic, patient, out_dir, journal, server, pace, report,
                                    first_wait=first_wait, resend=resend, mark_sent=mark_sent,
                                    paper=paper, render=render)
                on_progress(patient, outcome)
                if report.stopped:
                    break
        finally:
            if server is not None:
                server.hang_up()
    for option, ids in (("--resend", resend), ("--mark-sent", mark_sent)):
        for unknown in sorted(ids - seen) if not report.stopped else ():
            report.problems.append(Problem(option, "", f"no valid row with patient ID {unknown!r} in "
                                           f"{file}; nothing was done for it"))
    return report


def _send_one(clinic: Clinic, patient: Patient, out_dir: Path, journal: SendJournal,
              server: _MailServer | None, pace: Pace, report: SendReport, *, first_wait: float,
              resend: frozenset[str], mark_sent: frozenset[str], paper: str | None,
              render: Callable) -> str:
    state = journal.state(patient)
    if patient.patient_id in mark_sent and server is not None:
        if state != UNCONFIRMED:
            # a typo in an ID must not silently stand for "delivered"
            report.problems.append(Problem(report.file, patient.label, "--mark-sent is only for a "
                                           "message whose delivery is unconfirmed; this one is "
                                           f"{state or 'not sent yet'}, so it was left alone"))
            return "not sent"
        journal.mark(patient, SENT, message_id(clinic, patient), reply="marked sent by staff")
        state = SENT
    if patient.patient_id not in resend:
        if state == SENT:
            report.already_sent.append(patient.label)
            return "already sent"
        if state == UNCONFIRMED:
            report.unconfirmed.append(patient.label)
            return UNCONFIRMED
    try:
        message = compose(clinic, patient, render(clinic, patient, paper))
    except BrochureError as exc:
        report.problems.extend(exc.problems)
        return "not sent"
    if server is None:
        name = Path(personal_filename(clinic, patient)).with_suffix(".eml").name
        eml = private_folder(outbox_folder(out_dir, clinic)) / name
        write_atomically(eml, wire_bytes(message), mode=OWNER_ONLY)
        report.written.append(eml)
        return "written"
    return _deliver_with_retries(clinic, patient, message, journal, server, pace, report, first_wait)


def _deliver_with_retries(clinic: Clinic, patient: Patient, message: Message,
                          journal: SendJournal, server: _MailServer, pace: Pace, report: SendReport,
                          first_wait: float) -> str:
    ident = str(message["Message-ID"])
    data = wire_bytes(message)
    failure, only_this_recipient = "", False
    for attempt in range(TRIES):
        if attempt:
            time.sleep(backoff(attempt - 1, first_wait))
        journal.mark(patient, SENDING, ident)

        def answered(code: int, reply: str) -> None:
            # a 4xx answer to the end-of-data means the server did not take it: back to sending
            state = SENT if code == 250 else REFUSED if code >= 500 else SENDING
            journal.mark(patient, state, ident, redact(reply, patient))

        try:
            server.ready()
            pace.wait()  # after connecting: the pace is of messages, not of handshakes
            server.deliver(clinic.contact.email, patient.email, data,
                           before_end=lambda: journal.mark(patient, UNCONFIRMED, ident),
                           answered=answered)
        except BrochureError as exc:  # the server or the settings, not this patient
            report.stopped = exc.problems[0]
            return "not sent"
        except _Transient as exc:
            failure, only_this_recipient = redact(str(exc), patient), isinstance(exc, _Deferred)
            if not only_this_recipient:
                server.hang_up()
            continue
        except _Refused as exc:
            reply = redact(str(exc), patient)
            journal.mark(patient, REFUSED, ident, reply)
            report.problems.append(Problem(report.file, patient.label,
                                           f"refused by the mail server: {reply}"))
            return REFUSED
        except _Unconfirmed:
            report.unconfirmed.append(patient.label)
            return UNCONFIRMED
        report.sent.append(patient.label)
        return SENT
    if only_this_recipient:
        report.problems.append(Problem(report.file, patient.label, f"the mail server put off this "
                                       f"address {TRIES} times ({failure}); the others went on, and "
                                       "the next run tries it again"))
        return "not sent"
    report.stopped = Problem(
        report.file, patient.label,
        f"the mail server kept failing ({failure}) after {TRIES} tries; stopped here. Nothing is "
        "lost: run the same command again later and only what was not sent goes out")
    return "not sent"
