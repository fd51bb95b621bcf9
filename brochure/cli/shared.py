"""What the commands share: the options that mean the same everywhere, the clinics they name,
how problems and progress are printed, and Ctrl-C during a command a re-run continues."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import click

from brochure.config.clinic import clinic_folder, find_clinics, parse_languages
from brochure.errors import BrochureError

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


def clinics_dir_of(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get("BROCHURE_CLINICS_DIR") or "clinics")


def languages_option_value(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_languages(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@contextmanager
def progress(total: int, description: str):
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


def chosen_folders(slugs: tuple[str, ...], every: bool, clinics_dir: Path) -> list[Path]:
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


class Interrupted(Exception):
    """Ctrl-C during a command that a re-run continues: what to tell staff."""


@contextmanager
def resumable(hint: str):
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(hint) from None


def print_problems(error: BrochureError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)


