"""Commands only: parse options, call the API, print, and map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import click

# Only light modules at the top: `--version`, `--help`, `list`, `new-clinic` and `check` without
# --render never load WeasyPrint, pypdfium2 or pikepdf; each command imports what it renders with.
from brochure import __version__
from brochure.checks import ERROR, check_clinic, report
from brochure.config.clinic import SLUG, clinic_folder, find_clinics, load_clinic, parse_languages
from brochure.config.options import EDITIONS, LANGUAGE_ORDERS, LAYOUTS, PAPERS, TLS_MODES
from brochure.errors import EXIT_BUG, EXIT_USER_ERROR, BrochureError, display_path
from brochure.send.settings import DEFAULT_RATE, PASSWORD_VARIABLE, TRIES, outbox_folder

EXIT_INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C, as shells report it; 1 is for bugs

CLINICS_DIR_HELP = "Folder holding one folder per clinic. [default: $BROCHURE_CLINICS_DIR or ./clinics]"


clinics_dir_option = click.option("--clinics-dir", type=click.Path(path_type=Path, file_okay=False),
                                  help=CLINICS_DIR_HELP)


def out_option(help: str):
    return click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                        default=Path("output"), show_default=True, help=help)


def clinics_chosen(verb: str):
    """--clinic (repeatable) or --all, and where the clinics are: the same for build and check."""
    def decorate(command):
        for option in reversed((
                click.option("--clinic", "slugs", multiple=True, metavar="SLUG",
                             help=f"Clinic to {verb} (its folder name). Repeat for several."),
                click.option("--all", "every", is_flag=True,
                             help=f"{verb.capitalize()} every clinic in the clinics folder."),
                clinics_dir_option)):
            command = option(command)
        return command
    return decorate


def _clinics_dir(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get("BROCHURE_CLINICS_DIR") or "clinics")


def _languages(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_languages(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Brochure(click.Group):
    """The command group, with brochure's exit codes wherever it runs: user mistakes exit 2 with
    one line each, Ctrl-C 130, bugs 1 with a traceback. In `main`, so that Click's CliRunner
    (the tests, in-process) sees exactly what a terminal does."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except BrochureError as exc:
            _print_problems(exc)
            sys.exit(EXIT_USER_ERROR)
        except _Interrupted as exc:
            # Ctrl-C is no bug: 128 + SIGINT, as shells report it
            click.echo(f"interrupted: {exc}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.exceptions.Abort:
            click.echo("interrupted: run the same command again to carry on", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except Exception:
            traceback.print_exc()
            click.echo("error: this is a bug in brochure, not something you did. Please report it "
                       "with the output above.", err=True)
            sys.exit(EXIT_BUG)
        sys.exit(0)


@click.group(cls=_Brochure,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="brochure")
def cli():
    """Bilingual Arabic/English patient leaflets about Minimally Invasive Spine Surgery,
    branded for each clinic and rendered to print-ready PDF.

    Start with `brochure list`, then `brochure build --clinic SLUG`.
    """


@cli.command()
@clinics_chosen("build")
@out_option("Where the PDFs go.")
@click.option("--paper", type=click.Choice(PAPERS), help="Paper size. [default: the clinic's, else a4]")
@click.option("--languages", callback=_languages, metavar="|".join(LANGUAGE_ORDERS),
              help="Languages in reading order; the first leads. [default: the clinic's, else ar,en]")
@click.option("--layout", type=click.Choice(LAYOUTS), default="sheet", show_default=True,
              help="sheet: one sheet, languages side by side; trifold: a letter-fold leaflet; "
                   "bilingual-pages: one language per side.")
@click.option("--for", "edition", type=click.Choice(EDITIONS), default="office", show_default=True,
              help="office: the front-desk printer; press: PDF/X-4 for a print shop (bleed, crop "
                   "marks, CMYK output intent).")
@click.option("--patients", "patients_csv", type=click.Path(path_type=Path, dir_okay=False),
              help="Build one personalised copy per row of this CSV (see README, Sending to "
                   "patients) into OUT/SLUG/patients/.")
@click.option("--skip-invalid", is_flag=True,
              help="With --patients: build the valid rows and list the others (default: build "
                   "nothing while any row is wrong).")
@click.option("--jobs", type=click.IntRange(1, 64),
              help="Processes to build with. Several clinics: one per clinic up to one per CPU core "
                   "[default]. With --patients: 1 [default]; each process first renders the leaflet "
                   "(about 1.5 s), worth it for thousands of copies.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also say how full each side of the sheet (or tri-fold panel) came out, in %.")
@click.pass_context
def build(ctx, slugs, every, clinics_dir, out_dir, paper, languages, layout, edition,
          patients_csv, skip_invalid, jobs, verbose):
    """Build the MISS leaflet for one or more clinics.

    Writes OUT/SLUG/SLUG-miss-LAYOUT-PAPER-LANGS-EDITION.pdf (for example
    output/al-noor/al-noor-miss-sheet-a4-ar-en-office.pdf), replacing it only once the new one
    is complete. A clinic with a problem is reported and skipped; the others are still built.
    """
    from brochure.build import build_clinics

    if patients_csv is not None:
        _personal_options_only(ctx, slugs, every)
        sys.exit(_build_personal_copies(_clinics_dir(clinics_dir), slugs[0], patients_csv,
                                        out_dir, paper, skip_invalid, jobs or 1))
    folders = _chosen_folders(slugs, every, _clinics_dir(clinics_dir))
    failed = []
    for built in build_clinics(folders, out_dir, paper=paper, languages=languages, layout=layout,
                               edition=edition, jobs=jobs):
        if built.problems:
            _print_problems(BrochureError(list(built.problems)))
            failed.append(built.slug)
            continue
        note = "" if built.density == "normal" else f"  (spacing tightened to fit: {built.density})"
        pages = "page" if built.page_count == 1 else "pages"
        click.echo(f"{display_path(built.path)}  {built.page_count} {pages}  "
                   f"{built.size / 1024:.0f} KB{note}")
        if verbose:
            click.echo("  fill: " + ", ".join(f"{where} {share:.0%}" for where, share in built.fill.items()))
        for warning in built.warnings:
            click.echo(f"warning: {warning}", err=True)
    if failed:
        click.echo(f"not built: {', '.join(failed)}", err=True)
        sys.exit(EXIT_USER_ERROR)


@cli.command()
@click.option("--clinic", "slug", required=True, metavar="SLUG", help="Clinic to preview.")
@clinics_dir_option
@out_option("Previews go to OUT/SLUG/preview/.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="sheet", show_default=True)
@click.option("--for", "edition", type=click.Choice(EDITIONS), default="office", show_default=True)
@click.option("--paper", type=click.Choice(PAPERS), help="[default: the clinic's]")
@click.option("--languages", callback=_languages, metavar="|".join(LANGUAGE_ORDERS),
              help="[default: the clinic's]")
def preview(slug, clinics_dir, out_dir, layout, edition, paper, languages):
    """Write PNGs of every page and a contact sheet (pages side by side, panels outlined, folds
    dashed) to check a leaflet before printing. No PDF is written."""
    from brochure.build import make_leaflet
    from brochure.pdf.preview import write_preview

    clinic = load_clinic(clinic_folder(_clinics_dir(clinics_dir), slug))
    written = write_preview(make_leaflet(clinic, paper, languages, layout=layout, edition=edition),
                            out_dir)
    for path in [*written.pages, written.contact_sheet]:
        click.echo(display_path(path))


@cli.command(name="list")
@clinics_dir_option
def list_clinics(clinics_dir):
    """Show the clinics found, with both names and their leaflet defaults."""
    from rich.console import Console
    from rich.table import Table

    from brochure.bidi import terminal_text

    clinics_dir = _clinics_dir(clinics_dir)
    folders = find_clinics(clinics_dir)
    if not folders:
        click.echo(f"No clinics in {display_path(clinics_dir)}. Create one with `brochure new-clinic SLUG`.")
        return
    console = Console(highlight=False, soft_wrap=False)
    # Terminals neither join Arabic letters nor lay them out right to left: shape for a terminal,
    # but keep the logical order (what the file says) when the output goes to a file or a pipe.
    shaped = console.is_terminal
    table = Table()
    for heading in ("slug", "name (en)", "name (ar)", "leaflet", "status"):
        table.add_column(heading, no_wrap=heading != "name (en)")
    # Wrapping or cutting text already reordered for display would put its lines in the wrong
    # order or cut off the start of the name: a long name is shortened in logical order, then
    # shaped, to what the other columns leave (about 70 characters with an English name).
    arabic_room = max(14, console.width - 70)
    for folder in folders:
        try:
            clinic = load_clinic(folder)
        except BrochureError as exc:
            count = len(exc.problems)
            table.add_row(folder.name, "", "", "",
                          f"[red]{count} problem{'s' if count > 1 else ''}: "
                          f"brochure check --clinic {folder.name}[/red]")
            continue
        arabic = clinic.name.ar
        if len(arabic) > arabic_room:
            arabic = arabic[:arabic_room - 1].rstrip() + "…"
        arabic = terminal_text(arabic) if shaped else arabic
        table.add_row(clinic.slug, clinic.name.en, arabic,
                      f"{','.join(clinic.languages)} {clinic.paper}", "ok")
    console.print(table)


@cli.command(name="new-clinic")
@click.argument("slug")
@clinics_dir_option
def new_clinic(slug, clinics_dir):
    """Create clinics/SLUG/clinic.toml, a commented template to fill in.

    SLUG is the clinic's short name in lowercase letters, digits and hyphens (it names the
    folder and the PDFs), for example: al-noor.
    """
    if not SLUG.fullmatch(slug):
        raise click.BadParameter("use lowercase letters, digits and hyphens, e.g. al-noor",
                                 param_hint="SLUG")
    from brochure.config.scaffold import write_new_clinic

    path = write_new_clinic(_clinics_dir(clinics_dir), slug)
    click.echo(f"Created {display_path(path)}")
    click.echo("Replace every value marked CHANGE ME, add logo.svg or logo.png beside it, then run:")
    click.echo(f"  brochure build --clinic {slug}")


@cli.command()
@clinics_chosen("check")
@out_option("Where built PDFs are: those of the clinics checked are checked too.")
@click.option("--for", "edition", type=click.Choice(EDITIONS), default="office", show_default=True,
              help="What the leaflets are for: office drafts, a print shop (press) or PDF (screen). "
                   "For press and screen a missing or expired review is an error.")
@click.option("--render", is_flag=True, help="Also render each leaflet, in memory, and check the PDF.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON document.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Judge review dates on this day, e.g. the day the leaflets go out. [default: today]")
def check(slugs, every, clinics_dir, out_dir, edition, render, as_json, as_of):
    """Check clinics' leaflets before anything is printed or sent, writing nothing.

    Reports every finding on one line, with a hint: the configuration, both languages saying the
    same (parity), glyph coverage, colour contrast, plain language, review dates, the logo, and
    the clinic's PDFs in --out (with --render, a freshly rendered one). Exit code 2 if any
    finding is an error; `build` refuses those too.
    """
    folders = _chosen_folders(slugs, every, _clinics_dir(clinics_dir))
    today = as_of.date() if as_of else dt.date.today()
    results = {folder.name: check_clinic(folder, edition, render, out_dir=out_dir, today=today)
               for folder in folders}
    if as_json:
        click.echo(json.dumps(report.document(results, edition, today), ensure_ascii=False, indent=2))
    else:
        for line in report.lines(results, edition):
            click.echo(line)
    if any(f.severity == ERROR for findings in results.values() for f in findings):
        sys.exit(EXIT_USER_ERROR)


@cli.command()
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

    clinic = load_clinic(clinic_folder(_clinics_dir(clinics_dir), slug))
    settings = None if dry_run else mail_settings(clinic, host=smtp_host, port=smtp_port,
                                                  user=smtp_user, tls=tls)
    rest = "write the rest" if dry_run else ("send the rest: the send journal has every message "
                                             "the mail server took, and none goes twice")
    with _nothing_done(), _resumable(f"run the same command again to {rest}"), \
            _progress(_row_count(patients_csv), "Writing messages" if dry_run else "Sending") as advance:
        report = send_patients(clinic, patients_csv, out_dir, settings=settings, dry_run=dry_run,
                               skip_invalid=skip_invalid, paper=paper, rate=rate,
                               first_wait=retry_wait, resend=resend, mark_sent=mark_sent,
                               on_progress=lambda patient, outcome: advance())
    _print_problems(BrochureError(report.problems))
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


@cli.command()
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

    clinic = load_clinic(clinic_folder(_clinics_dir(clinics_dir), slug))
    ids = None
    if patients_csv is not None:
        ids = [patient.patient_id for patient in read_patients(patients_csv)]
    copies = read_record(clinic, ids)
    click.echo(csv_text(copies) if as_csv else as_table(copies), nl=False)
    if not copies and not as_csv:
        click.echo(f"no copies recorded for {slug} yet", err=True)


def _personal_options_only(ctx, slugs, every) -> None:
    """Personalised copies are for one clinic, laid out by each patient's language."""
    if every or len(slugs) != 1:
        raise click.UsageError("--patients builds for one clinic: give one --clinic SLUG")
    for option in ("languages", "layout", "edition"):
        if ctx.get_parameter_source(option) == click.core.ParameterSource.COMMANDLINE:
            name = {"edition": "for"}.get(option, option)
            raise click.UsageError(f"--{name} does not go with --patients: each copy is the "
                                   "screen edition, in the patient's language first")


def _build_personal_copies(clinics_dir: Path, slug: str, patients_csv: Path, out_dir: Path,
                           paper: str | None, skip_invalid: bool, jobs: int) -> int:
    from brochure.personal.batch import build_copies, patients_folder

    clinic = load_clinic(clinic_folder(clinics_dir, slug))
    started = time.monotonic()

    def shown(copy) -> None:
        _print_problems(BrochureError(list(copy.problems)))
        advance()

    with _nothing_done(), _resumable("each copy written so far is complete; run the same command "
                                     "again to build them all"), \
            _progress(_row_count(patients_csv), "Building copies") as advance:
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
        _print_problems(exc)
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


@contextmanager
def _progress(total: int, description: str):
    """A progress bar on a terminal (stderr); nothing when output goes to a file or a pipe."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal or total < 2:
        yield lambda: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


def _chosen_folders(slugs: tuple[str, ...], every: bool, clinics_dir: Path) -> list[Path]:
    """The clinic folders named with --clinic (repeatable) or --all: one of them, not both."""
    if every and slugs:
        raise click.UsageError("use --clinic or --all, not both")
    if every:
        folders = find_clinics(clinics_dir)
        if not folders:
            raise BrochureError.single(clinics_dir, "", "no clinic folders with a clinic.toml here "
                                       "(create one with `brochure new-clinic SLUG`)")
        return folders
    if slugs:
        return [clinic_folder(clinics_dir, slug) for slug in dict.fromkeys(slugs)]
    raise click.UsageError("say which clinic: --clinic SLUG (repeatable) or --all")


class _Interrupted(Exception):
    """Ctrl-C during a command that a re-run continues: what to tell staff."""


@contextmanager
def _resumable(hint: str):
    try:
        yield
    except KeyboardInterrupt:
        raise _Interrupted(hint) from None


def _print_problems(error: BrochureError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)


@cli.command()
@click.option("--clinic", "slug", required=True, metavar="SLUG", help="Clinic to preview.")
@clinics_dir_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", metavar="ADDRESS",
              help="Listen on this address instead of 127.0.0.1 (this computer only): anyone who "
                   "can reach it can see the leaflet.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
def serve(slug, clinics_dir, port, host, open_browser):
    """Preview a clinic's leaflet in the browser while you edit it.

    The page shows the pages as they print, with controls for layout, edition, paper and
    languages, the PDF to download and the `check` findings. Saving clinic.toml, a section file,
    content/ or templates/ updates it within about a second; problems are listed one per line and
    the last good pages stay, marked out of date. Writes nothing. Ctrl-C stops it.
    """
    from brochure.serve import DEFAULT_HOST, address, bind
    from brochure.serve import serve as run_server

    folder = clinic_folder(_clinics_dir(clinics_dir), slug)
    sock = bind(host or DEFAULT_HOST, port)
    if host:
        click.echo(f"warning: listening on {host}: anyone on the network who can reach it can see "
                   "this clinic's leaflet and findings", err=True)
    click.echo(f"Previewing {slug} at {address(sock)}  (Ctrl-C to stop)")
    try:
        run_server(folder, sock, public=bool(host), open_browser=open_browser)
    except KeyboardInterrupt:
        raise _Interrupted("preview stopped") from None


def main() -> None:
    """Entry point of the `brochure` command."""
    cli.main()
