"""Shared fixtures and helpers, the one place for them: each example leaflet is rendered once per
test session (per xdist worker), and every test looks at a real PDF. The CLI is driven in-process
through Click's CliRunner (`run_cli`); `run_cli_process` and `brochure_command` start the installed
entry point, for the few tests where the process itself is the point (signals, exit codes, crashes)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import brochure

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "clinics"
MM = 72 / 25.4  # PDF points per millimetre


def brochure_command() -> list[str]:
    """The `brochure` console script installed beside this Python (what users run)."""
    script = Path(sys.executable).parent / "brochure"
    if script.exists():
        return [str(script)]
    found = shutil.which("brochure")
    if found is None:
        pytest.fail("the `brochure` entry point is not installed; run `make test`")
    return [found]


def as_at_a_terminal() -> None:
    """For a Popen preexec_fn: SIGINT as a command started at a terminal has it. A test runner's
    worker may ignore SIGINT, and a child inherits that, so Ctrl-C tests would see nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Ran:
    """What a command did, shaped like subprocess.CompletedProcess so tests read either the same."""

    returncode: int
    stdout: str
    stderr: str
    exception: BaseException | None = None


def run_cli(*args, cwd: Path | None = None, env: dict | None = None) -> Ran:
    """Run a brochure command in this process, as a terminal-less user would (CliRunner), with the
    same exit codes and output as the installed command. The working directory is the repository
    unless `cwd`; BROCHURE_CLINICS_DIR is unset unless `env` sets it."""
    from click.testing import CliRunner

    from brochure.cli import cli

    environment = {"BROCHURE_CLINICS_DIR": None, "NO_COLOR": "1", "COLUMNS": "160", **(env or {})}
    before = Path.cwd()
    os.chdir(cwd or REPO)
    try:
        result = CliRunner().invoke(cli, [str(arg) for arg in args], env=environment, prog_name="brochure")
    finally:
        os.chdir(before)
    unexpected = result.exception if not isinstance(result.exception, SystemExit) else None
    return Ran(result.exit_code, result.stdout, result.stderr, unexpected)


def run_cli_process(*args, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed `brochure` command as a new process and return it finished (text output)."""
    environment = {k: v for k, v in os.environ.items() if k != "BROCHURE_CLINICS_DIR"}
    environment.update({"NO_COLOR": "1", "COLUMNS": "160", **(env or {})})
    return subprocess.run([*brochure_command(), *map(str, args)], cwd=cwd or REPO, env=environment,
                          capture_output=True, text=True, timeout=180)


def copy_clinic(tmp_path: Path, slug: str = "al-noor", name: str | None = None) -> Path:
    """A private copy of an example clinic, at tmp_path/clinics/NAME, for a test to spoil."""
    target = tmp_path / "clinics" / (name or slug)
    shutil.copytree(EXAMPLES / slug, target)
    return target


def drawn_near_the_edge(pdf_path, mm: float, sides=("left", "right", "top", "bottom")) -> list[str]:
    """Everything drawn (text, rules, bars, figures, QR modules, images) closer than `mm` to the
    given paper edges, nearest first, as "4.1 mm: page 1 char 'C'". 0.5 pt of rounding is allowed."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            width, height = float(page.width), float(page.height)
            for kind in ("chars", "rects", "lines", "curves", "images"):
                for item in getattr(page, kind):
                    gaps = {"left": item["x0"], "right": width - item["x1"],
                            "top": item["top"], "bottom": height - item["bottom"]}
                    gap = min(gaps[side] for side in sides)
                    if gap < mm * MM - 0.5:
                        found.append((gap / MM, number, kind[:-1], item.get("text", "")))
    return [f"{gap:.1f} mm: page {number} {kind} {text!r}" for gap, number, kind, text in sorted(found)]


@dataclass
class Built:
    paths: dict[str, Path]  # slug (clinic defaults) or "slug:paper:langs" -> PDF
    stdout: str             # what `brochure build --all` printed

    def __getitem__(self, key: str) -> Path:
        return self.paths[key]


VARIANTS = [("al-noor", "letter", "ar,en"), ("harbor-spine", "a4", "en,ar"),
            ("al-noor", "a4", "ar"), ("harbor-spine", "letter", "en")]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Every example clinic built once through the CLI (`--all`), plus variants through the API."""
    out = tmp_path_factory.mktemp("output")
    result = run_cli("build", "--all", "--clinics-dir", EXAMPLES, "--out", out)
    assert result.returncode == 0, result.stderr
    paths = {path.parent.name: path for path in out.glob("*/*.pdf")}
    for slug, paper, langs in VARIANTS:
        clinic = brochure.load_clinic(EXAMPLES / slug)
        pdf = brochure.build_leaflet(clinic, paper=paper, languages=tuple(langs.split(",")))
        path = out / f"{slug}-{paper}-{langs.replace(',', '-')}.pdf"
        path.write_bytes(pdf)
        paths[f"{slug}:{paper}:{langs}"] = path
    return Built(paths, result.stdout)
