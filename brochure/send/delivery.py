"""The mail server's side of sending: one SMTP connection, pacing, retries' waits, and signals
held over the one round trip that matters.

The SMTP transaction is driven step by step so the journal can be written at the one moment that
matters: just before the end-of-data line, after which the server may deliver (see journal.py for
what each state means to a re-run, and run.py for the run that drives this).
"""

from __future__ import annotations

import re
import signal
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from brochure.errors import BrochureError
from brochure.send.settings import LONGEST_WAIT, PASSWORD_VARIABLE, SMTP_TIMEOUT, MailSettings


class Transient(Exception):
    """Worth another try later: a 4xx answer, a refused or dropped connection."""


class Deferred(Transient):
    """A 4xx answer about this recipient (a full mailbox, greylisting): the others can go on."""


class Refused(Exception):
    """A 5xx answer about this message: trying again cannot help."""


class Unconfirmed(Exception):
    """The end-of-data line went out and no answer came back."""


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()


def _answer(code: int, reply: bytes, *, expected: tuple[int, ...]) -> None:
    if code in expected:
        return
    text = _reply_text(code, reply)
    raise Refused(text) if 500 <= code < 600 else Transient(text)


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

class MailServer:
    """One SMTP connection, opened when first needed and again after it drops."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp = None
        try:
            if s.tls == "implicit":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
            smtp.ehlo()
            if s.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    raise self._setup_error("does not offer STARTTLS; use --tls implicit if it "
                                            "expects TLS from the start (usually port 465)")
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                self._log_in(smtp)
        except BaseException:
            if smtp is not None:  # a refused login or a broken handshake: no socket left open
                smtp.close()
            raise
        return smtp

    def _open(self) -> smtplib.SMTP:
        """A connection, or why there is none, in brochure's terms."""
        s = self.settings
        try:
            return self._connect()
        except ssl.SSLCertVerificationError as exc:
            raise self._setup_error(f"sent a certificate that cannot be trusted ({exc.verify_message})"
                                    ) from None
        except smtplib.SMTPResponseException as exc:
            raise Transient(_reply_text(exc.smtp_code, exc.smtp_error)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Transient(f"cannot reach {s.host}:{s.port} ({exc or type(exc).__name__})") from None

    def _log_in(self, smtp: smtplib.SMTP) -> None:
        """Any failure here stops the batch: retrying a wrong password only locks the account."""
        user = self.settings.user
        try:
            smtp.login(user, self.settings.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise self._setup_error(f"refused the login for user {user!r} ({reply}); check "
                                    f"{PASSWORD_VARIABLE}") from None
        except smtplib.SMTPNotSupportedError:
            raise self._setup_error("does not accept a login on this connection; check --tls "
                                    "and --smtp-user") from None
        except (OSError, smtplib.SMTPException):
            raise self._setup_error(f"closed the connection while logging in user {user!r}, "
                                    f"as many do after a wrong password; check {PASSWORD_VARIABLE}"
                                    ) from None

    def _setup_error(self, message: str) -> BrochureError:
        return BrochureError.single(f"{self.settings.host}:{self.settings.port}", "",
                                    f"the mail server {message}")

    def ready(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._open()
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
        acted on. Raises Transient, Refused or Unconfirmed."""
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
                raise Deferred(_reply_text(code, reply))
            _answer(code, reply, expected=(250, 251))
            code, reply = smtp.docmd("DATA")
            _answer(code, reply, expected=(354,))
            smtp.send(_dot_stuffed(message))
        except (Refused, Transient):
            self._reset()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            smtp.close()
            raise Transient(f"connection lost ({exc or type(exc).__name__})") from None
        except BaseException:
            # Ctrl-C or a bug mid-message: drop the connection without a polite QUIT, which the
            # server would read as part of the unfinished message. Unfinished, it is discarded.
            self._smtp = None
            smtp.close()
            raise
        with _held_signals():
            try:
                before_end()
            except BaseException:
                # the journal cannot record what is about to happen: the end-of-data line never
                # goes, and a connection dropped mid-message delivers nothing
                self._smtp = None
                smtp.close()
                raise
            try:
                smtp.send(b".\r\n")
                code, reply = smtp.getreply()
            except (OSError, smtplib.SMTPException):
                self._smtp = None
                smtp.close()
                raise Unconfirmed() from None
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
