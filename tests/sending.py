"""Shared by the send tests: a clinic whose records go where a test says, patients, a real SMTP
server on 127.0.0.1, and the `send` command run in-process."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.conftest import copy_clinic, run_cli

HEADER = "patient_id,name,email,language,appointment,surgeon,note"
LAYLA = "P-0001,ليلى حسن,layla@example.com,ar,2026-12-02 10:00,د. عمر خليل,"
SARA = "P-0002,Sara Haddad,sara.haddad@example.com,en,2026-12-01 09:30,Dr Omar Khalil,Bring your scans"
DANIEL = "P-0003,Daniel Brooks,dbrooks@example.org,en,2026-12-03 14:15,,"
PERSONAL = ("ليلى", "Layla", "layla@", "Sara", "Haddad", "sara.haddad", "Daniel", "Brooks", "dbrooks")
FAST = "6000"  # messages a minute: no pacing


def patients_csv(folder: Path, *rows: str, name: str = "patients.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def clinics_with_records(shared: Path, records: Path | None) -> Path:
    """`shared`/clinics holding al-noor, its records in `records` (None: the default,
    clinics/al-noor/records/). One clinic folder for many tests keeps its rendered leaflets cached."""
    folder = shared / "clinics" / "al-noor"
    if not folder.exists():
        copy_clinic(shared)
    toml = folder / "clinic.toml"
    text = re.sub(r"\n\[records\]\nfolder = .*\n", "\n", toml.read_text(encoding="utf-8"))
    if records is not None:
        text += f'\n[records]\nfolder = "{records}"\n'
    toml.write_text(text, encoding="utf-8")
    return shared / "clinics"


def send(clinics: Path, cwd: Path, port: int, *extra, out="out", patients="patients.csv"):
    return run_cli("send", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients", patients,
                   "--out", out, "--smtp-host", "127.0.0.1", "--smtp-port", port, "--tls", "none",
                   "--rate", FAST, "--retry-wait", "0", *extra, cwd=cwd)


def counts(mailbox) -> list[tuple[str, int]]:
    return sorted(Counter(d.recipients[0] for d in mailbox.delivered).items())


def one_error_line(result) -> str:
    """The run's only line on stderr, which must be an error: no traceback, nothing else."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]
