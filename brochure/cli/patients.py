"""The commands about patients: their personal copies (`build --patients`, called from build),
sending them by email, and the record of what each patient was given."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from brochure.cli.shared import (
    clinics_dir_of,
    clinics_dir_option,
    out_option,
    print_problems,
    progress,
    resumable,
)
from brochure.config.clinic import clinic_folder, load_clinic
from brochure.config.options import PAPERS, TLS_MODES
from brochure.errors import EXIT_USER_ERROR, BrochureError, display_path
from brochure.send.settings import DEFAULT_RATE, PASSWORD_VARIABLE, TRIES, outbox_folder


@click.command()
@click.option("--clinic", "slug", required=True, metavar="SLUG", help="The clinic sending.")
@click.option("--patients", "patients_csv", required=True,
              type=click.Path(path_type=Path, dir_okay=False), help="The patients' CSV.")
@clinics_dir_option
@out_option("For a dry run: the messages go to OUT/SLUG/outbox/.")
@click.option("--dry-run", is_flag=True,
              help="Write each message as an .eml file to OUT/SLUG/outbox/ instead of sending.")
@click.option("--smtp-host", metavar="HOST", help="[default: smtp.host in clinic.toml]")
@click.option("--smtp-port", type=click.IntRange(1, 65535), metavar="PORT",
              help="[default: smtp.port, else 587 for starttls, 465 for implicit]")
@click.option("--smtp-user", metavar="USER",
              help=f"[default: smtp.user] The password is read from ${PASSWORD_VARIABLE} only.")
@click.option("--tls", type=click.Choice(TLS_MODES),
              help="starttls (usually port 587) or implicit (465); none only to localhost. "
                   "[default: smtp.tls, else starttls]")
@click.option("--rate", type=click.FloatRange(0.1, 10000), default=DEFAULT_RATE, show_default=True,
              metavar="N", help="At most N messages per minute.")
@click.option("--retry-wait", type=click.FloatRange(0, 300), default=2.0, show_default=True,
              metavar="SECONDS", help="First wait after a temporary failure; doubled each time, "
                                      f"{TRIES} tries in all.")
@click.option("--skip-invalid", is_flag=True,
              help="Send to the valid rows and list the others (default: send nothing while any "
                   "row is wrong).")
@click.option("--resend", multiple=True, metavar="ID",
              help="Send to this patient even if the journal says sent or unconfirmed. Repeatable.")
@click.option("--mark-sent", multiple=True, metavar="ID",
              help="Record an unconfirmed message as sent, after checking the mail server's "
                   "log. Repeatable.")
@click.option("--paper", type=click.Choice(PAPERS), help="[default: the clinic's, else a4]")
def send(slug, patients_csv, clinics_dir, out_dir, dry_run, smtp_host, smtp_port, smtp_user, tls,
         rate, retry_wait, skip_invalid, resend, mark_sent, paper):
    """Email each patient their personalised leaflet, once.

    Each message is in the patient's language first and the other language second, from the
    clinic's contact address, with the patient's copy attached. The clinic's one journal
    (clinics/SLUG/records/send-journal.sqlite3, or in [records] folder) records what the mail
    server took: after a crash, a network failure or Ctrl-C, run the same command again, from
    anywhere and with any --out, and only what was not sent goes out.
    Exit code 0 when every patient has their message, 2 when some need attention.
    """
    from brochure.send.run import send_patients
    from brochure.send.settings import mail_settings

    clinic = load_clinic(clinic_folder(clinics_dir_of(clinics_dir), slug))
    settings = None if dry_run else mail_settings(clinic, host=smtp_host, port=smtp_port,
                                                  user=smtp_user, tls=tls)
    rest = "write the rest" if dry_run else ("send the rest: the send journal has every message "
                                             "the mail server took, and none goes twice")
    with _nothing_done(), resumable(f"run the same command again to {rest}"), \
            progress(_row_count(patients_csv), "Writing messages" if dry_run else "Sending") as advance:
        report = send_patients(clinic, patients_csv, out_dir, settings=settings, dry_run=dry_run,
                               skip_invalid=skip_invalid, paper=paper, rate=rate,
                               first_wait=retry_wait, resend=resend, mark_sent=mark_sent,
                               on_progress=lambda patient, outcome: advance())
    print_problems(BrochureError(report.problems))
    for label in report.unconfirmed:
        click.echo(f"unconfirmed: {label}: the connection broke just as the mail server was "
                   "answering, so it may or may not have the message; it is not sent again. "
                   "Check the server's log, then run again with --mark-sent ID or --resend ID",
                   err=True)
    if report.stopped:
        click.echo(f"error: {report.stopped}", err=True)
    if dry_run:
        done = (f"{len(report.written)} messages written to "
                f"{display_path(outbox_folder(out_dir, clinic))}/ (nothing sent)")
    else:
        done = f"{len(report.sent)} sent"
    click.echo(f"{done}, {len(report.already_sent)} sent before, {len(report.unconfirmed)} "
               f"unconfirmed, {len(report.problems)} with problems")
    not_sent = dict.fromkeys(problem.field.partition(":")[0] for problem in report.problems
                             if problem.field.startswith("line "))
    _print_rows_left(report.skipped, report.invalid_rows, list(not_sent), "not sent")
    sys.exit(report.code)


@click.command()
@click.option("--clinic", "slug", required=True, metavar="SLUG", help="The clinic.")
@clinics_dir_option
@click.option("--patients", "patients_csv", type=click.Path(path_type=Path, dir_okay=False),
              help="Only the patients of this CSV (by patient ID).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, for a spreadsheet or an EHR.")
def record(slug, clinics_dir, patients_csv, as_csv):
    """Print which copy of the leaflet each patient was given, for the consent form.

    One line per copy built (build --patients) or sent (send): patient ID, appointment, the
    content's version and review date, the SHA-256 of the PDF, when it was built, when the mail
    server took it and the Message-ID. No names or addresses.
    """
    from brochure.config.patients import read_patients
    from brochure.send.record import as_csv as csv_text
    from brochure.send.record import as_table, read_record

    clinic = load_clinic(clinic_folder(clinics_dir_of(clinics_dir), slug))
    ids = None
    if patients_csv is not None:
        ids = [patient.patient_id for patient in read_patients(patients_csv)]
    copies = read_record(clinic, ids)
    click.echo(csv_text(copies) if as_csv else as_table(copies), nl=False)
    if not copies and not as_csv:
        click.echo(f"no copies recorded for {slug} yet", err=True)


def personal_options_only(ctx, slugs, every) -> None:
    """Personalised copies are for one clinic, laid out by each patient's language."""
    if every or len(slugs) != 1:
        raise click.UsageError("--patients builds for one clinic: give one --clinic SLUG")
    for option in ("languages", "layout", "edition"):
        if ctx.get_parameter_source(option) == click.core.ParameterSource.COMMANDLINE:
            name = {"edition": "for"}.get(option, option)
            raise click.UsageError(f"--{name} does not go with --patients: each copy is the "
                                   "screen edition, in the patient's language first")


def build_personal_copies(clinics_dir: Path, slug: str, patients_csv: Path, out_dir: Path,
                           paper: str | None, skip_invalid: bool, jobs: int) -> int:
    from brochure.personal.batch import build_copies, patients_folder

    clinic = load_clinic(clinic_folder(clinics_dir, slug))
    started = time.monotonic()

    def shown(copy) -> None:
        print_problems(BrochureError(list(copy.problems)))
        advance()

    with _nothing_done(), resumable("each copy written so far is complete; run the same command "
                                     "again to build them all"), \
            progress(_row_count(patients_csv), "Building copies") as advance:
        outcome = build_copies(clinic, patients_csv, out_dir, paper=paper, skip_invalid=skip_invalid,
                               jobs=jobs, on_copy=shown)
    seconds = time.monotonic() - started
    built = len(outcome.done)
    click.echo(f"{built} personalised {'copy' if built == 1 else 'copies'} in "
               f"{display_path(patients_folder(out_dir, clinic))}/ ({seconds:.1f} s, "
               f"{built / seconds if seconds else 0:.1f} per second)")
    _print_rows_left(outcome.skipped, outcome.invalid_rows, outcome.failed, "not built")
    return outcome.code


def _row_count(patients_csv: Path) -> int:
    """About how many rows, for the progress bar only (a note may span lines)."""
    try:
        return max(0, patients_csv.read_bytes().count(b"\n") - 1)
    except OSError:
        return 0


@contextmanager
def _nothing_done():
    """A run that must not start: its problems, then one line saying why nothing was done."""
    from brochure.personal.batch import NothingDone

    try:
        yield
    except NothingDone as exc:
        print_problems(exc)
        click.echo(f"nothing done: {exc.reason}", err=True)
        sys.exit(EXIT_USER_ERROR)


def _print_rows_left(skipped, invalid: tuple[str, ...], failed: list[str], verb: str) -> None:
    """The rows --skip-invalid left out, and those that could not be done."""
    for problem in skipped:
        click.echo(f"skipped: {problem}", err=True)
    if invalid:
        click.echo(f"skipped (invalid): {', '.join(invalid)}", err=True)
    if failed:
        click.echo(f"{verb}: {', '.join(failed)}", err=True)
