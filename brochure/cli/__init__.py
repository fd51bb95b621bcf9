"""Commands only: parse options, call the API, print, and map errors to exit codes.

Only light modules are imported here: `--version`, `--help`, `list`, `new-clinic` and `check`
without --render never load WeasyPrint, pypdfium2 or pikepdf."""

from __future__ import annotations

import sys
import traceback

import click

from brochure import __version__
from brochure.cli import leaflets, patients
from brochure.cli.shared import EXIT_INTERRUPTED, Interrupted, print_problems
from brochure.errors import EXIT_BUG, EXIT_USER_ERROR, BrochureError


class _Brochure(click.Group):
    """The command group, with brochure's exit codes wherever it runs: user mistakes exit 2 with
    one line each, Ctrl-C 130, bugs 1 with a traceback. In `main`, so that Click's CliRunner
    (the tests, in-process) sees exactly what a terminal does."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except BrochureError as exc:
            print_problems(exc)
            sys.exit(EXIT_USER_ERROR)
        except Interrupted as exc:
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


for command in (leaflets.build, leaflets.preview, leaflets.list_clinics, leaflets.new_clinic,
                leaflets.check, patients.send, patients.record, leaflets.serve):
    cli.add_command(command)


def main() -> None:
    """Entry point of the `brochure` command."""
    cli.main()
