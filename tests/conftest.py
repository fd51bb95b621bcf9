"""Shared fixtures and helpers, the one place for them (tests/<stage>/ hold only tests; pdftext.py,
mailserver.py, sending.py and mounts.py beside this file): each example leaflet a test looks at
is built once per test session, shared by the xdist workers (`shared_builds`), and every test
looks at a real PDF. The CLI is driven in-process through Click's CliRunner (`run_cli`);
`run_cli_process` and `brochure_command` start the installed entry point, for the few tests where
the process itself is the point (signals, exit codes, crashes)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from brochure.config.patients import Patient

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "clinics"
MM = 72 / 25.4  # PDF points per millimetre

# two patients of al-noor, one reading Arabic first and one English, whose copies several tests read
PATIENT_AR = Patient("P-0042", "فاطمة الزهراء", "f@example.com", "ar", dt.datetime(2026, 12, 8, 10, 30),
                     "Dr. Omar Haddad", "صائمة من منتصف الليل")
PATIENT_EN = Patient("P-0043", "John O'Neil", "j@example.com", "en", dt.datetime(2026, 12, 9, 15, 0),
                     None, "Bring your MRI")


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
    # not records/ (send journal, record of copies), should a run have left one in the example
    shutil.copytree(EXAMPLES / slug, target, ignore=shutil.ignore_patterns("records"))
    return target


def drawn_near_the_edge(pdf_path, mm: float, sides=("left", "right", "top", "bottom")) -> list[str]:
    """Everything drawn (text, rules, bars, figures, QR modules, images) closer than `mm` to the
    given paper edges, nearest first, as "4.1 mm: page 1 char 'C'". 0.5 pt of rounding is allowed."""
    from tests.pdftext import plumbed

    found = []
    with plumbed(pdf_path) as pdf:
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


class SharedBuilds:
    """Leaflets built once per test session (through the CLI or the API), shared by the xdist
    workers: the first worker to ask for a build renders it under a lock, any other reads it back. A worker
    renders only what its tests ask for ("render once, assert many"). Tests read these files and
    never change them: a test that spoils something spoils a copy in its own tmp_path."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def build(self, *args) -> tuple[Path, str]:
        """`brochure build ARGS --out FOLDER` once: (FOLDER, what it printed)."""
        name = "-".join("examples" if arg == EXAMPLES else str(arg).removeprefix("--").replace(",", "_")
                        for arg in args)
        folder, printed = self.root / name, self.root / f"{name}.stdout"
        with open(self.root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not printed.exists():
                result = run_cli("build", *args, "--out", folder)
                assert result.returncode == 0, result.stderr
                printed.write_text(result.stdout, encoding="utf-8")
        return folder, printed.read_text(encoding="utf-8")

    def once(self, name: str, make):
        """`make()`'s value, made by the first worker to ask and read back (pickled) by the others."""
        import pickle

        path = self.root / f"{name}.pickle"
        with open(self.root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not path.exists():
                partial = self.root / f"{name}.part"
                partial.write_bytes(pickle.dumps(make()))
                partial.replace(path)
        return pickle.loads(path.read_bytes())

    def made(self, slug: str, layout: str, edition: str, paper: str, languages: str):
        """The Leaflet `brochure.make_leaflet` returns for these options, made once per session."""
        import brochure

        return self.once(f"api-{slug}-{layout}-{edition}-{paper}-{languages.replace(',', '_')}",
                         lambda: brochure.make_leaflet(brochure.load_clinic(EXAMPLES / slug), paper,
                                                       tuple(languages.split(",")), layout=layout,
                                                       edition=edition))

    def leaflet(self, slug: str, layout: str, edition: str, paper: str, languages: str) -> Path:
        """The one PDF `brochure build --clinic SLUG` writes with these options: the Leaflet `made`
        for them, written by the command's own writer (build.write_leaflet) to the path the command
        gives it. One render serves the tests that read the Leaflet and those that read the file;
        tests/cli/test_build_writes_the_api_leaflet.py holds the command to these same bytes."""
        def write() -> Path:
            from brochure.build import write_leaflet

            return write_leaflet(self.made(slug, layout, edition, paper, languages), self.root / name)

        name = f"file-{slug}-{layout}-{edition}-{paper}-{languages.replace(',', '_')}"
        return self.once(name, write)


class Lazy(dict):
    """`make(key)` for each key a test asks for, once: a module's builds made as its tests need
    them (shared by the workers through SharedBuilds), not all of them before the first test."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = self.make(key)
        return self[key]


@pytest.fixture(scope="session")
def shared_builds(tmp_path_factory, request) -> SharedBuilds:
    """The session's shared builds, in the temporary folder all xdist workers of this run share
    (a worker's own is popen-gwN inside it)."""
    base = tmp_path_factory.getbasetemp()
    in_a_worker = hasattr(request.config, "workerinput")
    return SharedBuilds((base.parent if in_a_worker else base) / "shared-builds")


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    """A folder of this worker's for one copy of al-noor that its tests share, each with records of
    its own (tests.sending.clinics_with_records): one clinic folder for the whole session, so the
    template of its personal copies is rendered once per worker, not once per test or module."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture(scope="session", autouse=True)
def measurement_cache(tmp_path_factory, request):
    """One cache of measurements and compiled templates for this test run, shared by its xdist
    workers and the processes tests start (never the user's ~/.cache: tests stay hermetic)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if hasattr(request.config, "workerinput") else base) / "brochure-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BROCHURE_CACHE_DIR", str(folder))
        patch.delenv("BROCHURE_NO_CACHE", raising=False)
        yield folder


class Built:
    """`brochure build --all` of the example clinics (keys: slug), plus variants (keys:
    "slug:paper:langs"), each built when a test first asks for it."""

    def __init__(self, builds: SharedBuilds):
        self.builds = builds

    @property
    def stdout(self) -> str:
        """What `brochure build --all` printed."""
        return self.builds.build("--all", "--clinics-dir", EXAMPLES)[1]

    def __getitem__(self, key: str) -> Path:
        if ":" in key:
            slug, paper, languages = key.split(":")
            return self.builds.leaflet(slug, "sheet", "office", paper, languages)
        [path] = (self.builds.build("--all", "--clinics-dir", EXAMPLES)[0] / key).glob("*.pdf")
        return path


@pytest.fixture(scope="session")
def built(shared_builds) -> Built:
    """Every example clinic built through the CLI (`--all`), and variants of paper and languages."""
    return Built(shared_builds)


@pytest.fixture(scope="session")
def personal(shared_builds) -> dict[str, bytes]:
    """PATIENT_AR's and PATIENT_EN's copies (keys: their language), made once per session."""
    def make():
        from brochure.config.clinic import load_clinic
        from brochure.personal.leaflet import make_personal_leaflet

        clinic = load_clinic(EXAMPLES / "al-noor")
        return {p.language: make_personal_leaflet(clinic, p).pdf for p in (PATIENT_AR, PATIENT_EN)}

    return shared_builds.once("personal-copies", make)
