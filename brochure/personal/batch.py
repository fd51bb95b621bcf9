"""Personalised copies in bulk, as `brochure build --patients` makes them: `build_copies` is the
whole command for a Python caller (an EHR integration): the same checks (the clinic's leaflet
first, then every row), the same skipping rules and the same exit code, with no printing.

`choose_patients` is the policy `send` shares; `write_copies` renders one PDF per patient with
`personal.make_personal_leaflet` (in worker processes with `jobs` > 1) and writes it owner-only.
Memory stays flat however many rows: each worker writes its own file and hands back only the path,
and no more than two copies per worker are queued at a time.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from brochure.config.clinic import Clinic
from brochure.config.patients import Patient, PatientList, read_patients
from brochure.errors import EXIT_USER_ERROR, BrochureError, Problem
from brochure.files import not_written, write_atomically
from brochure.send.journal import now
from brochure.send.record import fingerprint

OWNER_ONLY = 0o600  # a copy names the patient, their appointment and their surgeon
PRIVATE_FOLDER = 0o700


@dataclass(frozen=True)
class Copy:
    """What became of one patient's copy: written to `path`, or the problems that stopped it."""

    patient_id: str
    label: str                  # "line 7 (P-0042)", for messages
    path: Path | None
    size: int = 0
    problems: tuple[Problem, ...] = ()
    sha256: str = ""            # of the PDF, for the record (send/record.py)
    built: str = ""             # when, UTC ISO 8601


class NothingDone(BrochureError):
    """The run must not start: `problems` say why (the clinic's leaflet, or rows to fix without
    --skip-invalid), and `reason` sums it up in one line."""

    def __init__(self, problems: list[Problem], reason: str):
        super().__init__(problems)
        self.reason = reason

    def __reduce__(self):
        return self.__class__, (self.problems, self.reason)


@dataclass
class Outcome:
    """What a batch did, by row label, never by name or address: the CLI's exit code in `code`."""

    file: str
    skipped: tuple[Problem, ...] = ()          # rows left out by --skip-invalid, and why
    invalid_rows: tuple[str, ...] = ()
    done: list[Copy] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def code(self) -> int:
        """0 when every row was done; 2 when any row needs staff to fix something."""
        return EXIT_USER_ERROR if self.invalid_rows or self.failed else 0


def patients_folder(out_dir: Path, clinic: Clinic) -> Path:
    return out_dir / clinic.slug / "patients"


def private_folder(path: Path) -> Path:
    """`path` created readable by the owner only (a listing shows which patients have copies).
    Never a symbolic link: the copies would go wherever it points, and its mode change there."""
    try:
        if path.is_symlink():
            raise BrochureError.single(path, "", "is a symbolic link; a folder of patients' data must "
                                       "be a real folder: remove the link (or choose another --out)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        path.chmod(PRIVATE_FOLDER)  # also when it was already there, made by hand or an older run
    except OSError as exc:
        raise not_written(path, exc) from None
    return path


@contextmanager
def claimed_folder(path: Path) -> Iterator[Path]:
    """The private folder `path`, held (shared) for the run. The half-written files (`.part`) a
    killed run left behind are removed first, unless another run is at work in the folder."""
    folder = private_folder(path)
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for leftover in folder.glob(".*.part"):  # write_atomically's temporary names
                leftover.unlink(missing_ok=True)
        except BlockingIOError:
            pass  # another run is writing here: its .part files are not leftovers
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield folder
    finally:
        os.close(handle)


def choose_patients(clinic: Clinic, patients_csv: Path, *, skip_invalid: bool = False,
                    paper: str | None = None) -> PatientList:
    """The CSV's valid rows, once the clinic's own leaflet is known to build. Any invalid row
    stops everything unless `skip_invalid` (the rows left out are then in `.problems`, by line
    and ID: messages never carry a patient's name or address). A problem of the clinic's stops
    everything, reported once: it is no patient's. Raises NothingDone when the run must not go on."""
    from brochure.personal.leaflet import check_shared_leaflets

    patients = read_patients(patients_csv)
    try:
        check_shared_leaflets(clinic, paper, sorted({p.languages for p in patients}) or [("ar", "en")])
        clinic_problems: list[Problem] = []
    except BrochureError as exc:
        clinic_problems = exc.problems
    if patients.problems and not skip_invalid:
        raise NothingDone([*clinic_problems, *patients.problems],
                          f"{len(patients.invalid_rows)} of {len(patients.invalid_rows) + len(patients)} "
                          "rows need fixing (or use --skip-invalid to go ahead with the others)")
    if clinic_problems:
        raise NothingDone(clinic_problems, f"the clinic's leaflet needs fixing first ({clinic.slug}, "
                          "not the patients)")
    return patients


def build_copies(clinic: Clinic, patients_csv: Path, out_dir: Path, *, paper: str | None = None,
                 skip_invalid: bool = False, jobs: int = 1,
                 on_copy: Callable[[Copy], None] = lambda copy: None) -> Outcome:
    """`brochure build --patients`: every valid row's copy in OUT/SLUG/patients/, each recorded
    for the consent form (send/record.py). Raises NothingDone (a BrochureError) when nothing may
    be built; `on_copy` sees each copy as it is done (or not: its `.problems`)."""
    from brochure.send.record import CopyRecord

    patients = choose_patients(clinic, patients_csv, skip_invalid=skip_invalid, paper=paper)
    outcome = Outcome(patients.file, patients.problems, patients.invalid_rows)
    by_id = {patient.patient_id: patient for patient in patients}
    with CopyRecord(clinic) as record:
        for copy in write_copies(clinic, patients, out_dir, paper=paper, jobs=jobs):
            if copy.problems:
                outcome.failed.append(copy.label)
            else:
                record.built(by_id[copy.patient_id], copy.sha256, copy.built)
                outcome.done.append(copy)
            on_copy(copy)
    return outcome


def personal_pdf(clinic: Clinic, patient: Patient, paper: str | None = None) -> bytes:
    """One patient's copy as PDF bytes. A problem rendering it is reported by row and ID: the
    renderer's own message may quote text from the page, so the patient's details are cut out."""
    from brochure.personal.leaflet import check_shared_leaflets, make_personal_leaflet  # WeasyPrint: only now

    # the leaflet behind the cover is the clinic's: its problems are not this patient's
    check_shared_leaflets(clinic, paper, [patient.languages])
    try:
        return make_personal_leaflet(clinic, patient, paper=paper).pdf
    except BrochureError as exc:
        raise BrochureError([Problem(p.file, _join(patient.label, redact(p.field, patient)),
                                     redact(p.message, patient)) for p in exc.problems]) from None


def _join(label: str, field: str) -> str:
    return f"{label}: {field}" if field else label


def redact(text: str, patient: Patient) -> str:
    """`text` with every word of the patient's name, address, surgeon and note replaced: for
    messages and logs, which get copied into tickets and chats."""
    words = set()
    for value in (patient.name, patient.email, patient.surgeon or "", patient.note or ""):
        words.add(value)
        words.update(re.findall(r"[^\W_]{3,}", value))
    for word in sorted(filter(None, words), key=len, reverse=True):
        text = re.sub(re.escape(word), "[patient details]", text, flags=re.IGNORECASE)
    return text


class _CopyWriter:
    """Renders and writes copies for one clinic; one per process."""

    def __init__(self, clinic: Clinic, folder: Path, paper: str | None):
        self.clinic, self.folder, self.paper = clinic, folder, paper

    def __call__(self, patient: Patient) -> Copy:
        from brochure.personal.leaflet import personal_filename

        try:
            pdf = personal_pdf(self.clinic, patient, self.paper)
        except BrochureError as exc:
            return Copy(patient.patient_id, patient.label, None, problems=tuple(exc.problems))
        built = now()
        path = self.folder / personal_filename(self.clinic, patient)
        write_atomically(path, pdf, mode=OWNER_ONLY)
        return Copy(patient.patient_id, patient.label, path, len(pdf),
                    sha256=fingerprint(pdf), built=built)


_writer: _CopyWriter | None = None  # the worker process's own, set by _start_worker


def _start_worker(clinic: Clinic, folder: Path, paper: str | None) -> None:
    global _writer
    # Ctrl-C reaches every process of the terminal's group: the main process stops the batch
    # (finishing the copies in hand), so a worker must not die mid-file with its own traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _writer = _CopyWriter(clinic, folder, paper)


def _write_in_worker(patient: Patient) -> Copy:
    assert _writer is not None, "worker started without _start_worker"
    return _writer(patient)


def write_copies(clinic: Clinic, patients: Iterable[Patient], out_dir: Path, *,
                 paper: str | None = None, jobs: int = 1) -> Iterator[Copy]:
    """Write each patient's copy to OUT/SLUG/patients/ID-SLUG-miss.pdf, yielding each `Copy` as it
    is done (in completion order with several jobs). Closing the iterator stops the batch."""
    with claimed_folder(patients_folder(out_dir, clinic)) as folder:
        yield from _copies(clinic, patients, folder, paper, jobs)


def _copies(clinic: Clinic, patients: Iterable[Patient], folder: Path, paper: str | None,
            jobs: int) -> Iterator[Copy]:
    if jobs <= 1:
        writer = _CopyWriter(clinic, folder, paper)
        yield from map(writer, patients)
        return
    # spawn, not fork: the CLI's progress bar runs a thread, and forking a threaded process can
    # leave a lock held forever in the child
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(clinic, folder, paper))
    pending: set[Future] = set()
    try:
        for patient in patients:
            if len(pending) >= 2 * jobs:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
            pending.add(pool.submit(_write_in_worker, patient))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
