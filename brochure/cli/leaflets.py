"""The commands about a clinic's leaflet: build, preview, list, new-clinic, check and serve.
Only light modules at the top: each command imports what it renders with."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from brochure.cli.shared import (
    Interrupted,
    chosen_folders,
    clinics_chosen,
    clinics_dir_of,
    clinics_dir_option,
    languages_option_value,
    out_option,
    print_problems,
)
from brochure.config.clinic import SLUG, clinic_folder, find_clinics, load_clinic
from brochure.config.options import EDITIONS, LANGUAGE_ORDERS, LAYOUTS, PAPERS
from brochure.errors import EXIT_USER_ERROR, BrochureError, display_path


@click.command()
@clinics_chosen("build")
@out_option("Where the PDFs go.")
@click.option("--paper", type=click.Choice(PAPERS), help="Paper size. [default: the clinic's, else a4]")
@click.option("--languages", callback=languages_option_value, metavar="|".join(LANGUAGE_ORDERS),
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
        from brochure.cli.patients import build_personal_copies, personal_options_only

        personal_options_only(ctx, slugs, every)
        sys.exit(build_personal_copies(clinics_dir_of(clinics_dir), slugs[0], patients_csv,
                                       out_dir, paper, skip_invalid, jobs or 1))
    folders = chosen_folders(slugs, every, clinics_dir_of(clinics_dir))
    failed = []
    for built in build_clinics(folders, out_dir, paper=paper, languages=languages, layout=layout,
                               edition=edition, jobs=jobs):
        if built.problems:
            print_problems(BrochureError(list(built.problems)))
            failed.append(built.slug)
            continue
        note = {"normal": "", "large": "  (large print: the sections fit in larger type)"}.get(
            built.density, f"  (spacing tightened to fit: {built.density})")
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


@click.command()
@click.option("--clinic", "slug", required=True, metavar="SLUG", help="Clinic to preview.")
@clinics_dir_option
@out_option("Previews go to OUT/SLUG/preview/.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="sheet", show_default=True)
@click.option("--for", "edition", type=click.Choice(EDITIONS), default="office", show_default=True)
@click.option("--paper", type=click.Choice(PAPERS), help="[default: the clinic's]")
@click.option("--languages", callback=languages_option_value, metavar="|".join(LANGUAGE_ORDERS),
              help="[default: the clinic's]")
def preview(slug, clinics_dir, out_dir, layout, edition, paper, languages):
    """Write PNGs of every page and a contact sheet (pages side by side, panels outlined, folds
    dashed) to check a leaflet before printing. No PDF is written."""
    from brochure.build import make_leaflet
    from brochure.pdf.preview import write_preview

    clinic = load_clinic(clinic_folder(clinics_dir_of(clinics_dir), slug))
    written = write_preview(make_leaflet(clinic, paper, languages, layout=layout, edition=edition),
                            out_dir)
    for path in [*written.pages, written.contact_sheet]:
        click.echo(display_path(path))


@click.command(name="list")
@clinics_dir_option
def list_clinics(clinics_dir):
    """Show the clinics found, with both names and their leaflet defaults."""
    from rich.console import Console
    from rich.table import Table

    from brochure.bidi import terminal_text

    clinics_dir = clinics_dir_of(clinics_dir)
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


@click.command(name="new-clinic")
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

    path = write_new_clinic(clinics_dir_of(clinics_dir), slug)
    click.echo(f"Created {display_path(path)}")
    click.echo("Replace every value marked CHANGE ME, add logo.svg or logo.png beside it, then run:")
    click.echo(f"  brochure build --clinic {slug}")


@click.command()
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
    folders = chosen_folders(slugs, every, clinics_dir_of(clinics_dir))
    today = as_of.date() if as_of else dt.date.today()
    from brochure.checks import ERROR, check_clinic, report  # only `check` runs the whole gate

    results = {folder.name: check_clinic(folder, edition, render, out_dir=out_dir, today=today)
               for folder in folders}
    if as_json:
        click.echo(json.dumps(report.document(results, edition, today), ensure_ascii=False, indent=2))
    else:
        for line in report.lines(results, edition):
            click.echo(line)
    if any(f.severity == ERROR for findings in results.values() for f in findings):
        sys.exit(EXIT_USER_ERROR)


@click.command()
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

    folder = clinic_folder(clinics_dir_of(clinics_dir), slug)
    sock = bind(host or DEFAULT_HOST, port)
    if host:
        click.echo(f"warning: listening on {host}: anyone on the network who can reach it can see "
                   "this clinic's leaflet and findings", err=True)
    click.echo(f"Previewing {slug} at {address(sock)}  (Ctrl-C to stop)")
    try:
        run_server(folder, sock, public=bool(host), open_browser=open_browser)
    except KeyboardInterrupt:
        raise Interrupted("preview stopped") from None
