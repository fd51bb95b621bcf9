"""Where and how a clinic sends: the mail server from clinic.toml and the options, the password
from the environment, and what a run reports. Light to import: the CLI reads it for its options."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brochure.config.clinic import Clinic
from brochure.errors import EXIT_USER_ERROR, BrochureError, Problem, display_path

PASSWORD_VARIABLE = "BROCHURE_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "implicit": 465, "none": 25}
DEFAULT_RATE = 30          # per minute: what the strictest large providers allow an account
TRIES = 5                  # per message, for transient failures (4xx, dropped connections)
LONGEST_WAIT = 300.0       # seconds: the cap on one backoff wait
SMTP_TIMEOUT = 60.0        # seconds without an answer before a connection counts as dropped


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    tls: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)


def mail_settings(clinic: Clinic, *, host: str | None = None, port: int | None = None,
                  user: str | None = None, tls: str | None = None,
                  environ: Mapping[str, str] = os.environ) -> MailSettings:
    """The mail server from the options, else clinic.toml's [smtp]; the password from the
    environment only, where it is not written down in a file or a shell history."""
    saved = clinic.mail_server
    where = display_path(clinic.config_file)
    host = host or saved.host
    if not host:
        raise BrochureError.single(where, "smtp.host", "no mail server: add [smtp] with host = "
                                   "\"smtp.your-clinic.example\" to clinic.toml, or pass --smtp-host")
    port = port or saved.port
    tls_from = ("--tls", "") if tls else (where, "smtp.tls")
    tls = tls or saved.tls or ("implicit" if port == 465 else "starttls")
    if tls == "none" and not _on_this_machine(host):
        raise BrochureError.single(*tls_from, "without TLS, patients' "
                                   "names, addresses and leaflets cross the network readable by "
                                   "anyone on the way; `none` is only for a relay on this machine "
                                   "(localhost); use starttls or implicit")
    user = user or saved.user
    password = environ.get(PASSWORD_VARIABLE) or None
    if user and not password:
        raise BrochureError.single(PASSWORD_VARIABLE, "", f"not set: the mail server user is "
                                   f"{user!r}; put its password in the environment variable "
                                   f"{PASSWORD_VARIABLE} (it is never read from options or files)")
    return MailSettings(host, port or DEFAULT_PORTS[tls], tls, user, password)


def _on_this_machine(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class SendReport:
    """What a run did, by patient label ("line 7 (P-0042)"), never by name or address."""

    file: str                                               # patients.csv, for problems
    sent: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)      # .eml files of a dry run
    already_sent: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # refused, or could not be rendered
    stopped: Problem | None = None                          # the server failed for good
    skipped: tuple[Problem, ...] = ()                       # rows left out by --skip-invalid
    invalid_rows: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not (self.unconfirmed or self.problems or self.stopped)

    @property
    def code(self) -> int:
        """The exit code: 0 when every patient has their message, 2 when some need attention."""
        return 0 if self.complete and not self.invalid_rows else EXIT_USER_ERROR


def outbox_folder(out_dir: Path, clinic: Clinic) -> Path:
    return out_dir / clinic.slug / "outbox"
