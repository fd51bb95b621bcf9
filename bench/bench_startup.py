"""Start-up and whole-command speed, as a user meets it (issue 10's targets).

Each figure is the median wall time of whole processes, the two sides of a comparison run in turn
(A B A B ...) so that a machine's drift hits both:

1. `brochure --version` and `--help` (target: 0.3 s), `list` and `check` without --render
   (target: 0.5 s), beside a bare `python -c pass`;
2. a cold `brochure build --clinic X` against a cold process of bare WeasyPrint rendering the same
   final HTML with the same stylesheet (target: at most 1.3 times), three times: the first build
   after installing (the cache empty), the first build of new content (no measurements, the
   templates compiled by an earlier build) and a repeated build (the cache warm);
3. `build --all` with 2 jobs against 1 job: the three example clinics (target: faster), and a
   generated folder of 30 clinics, ten copies of each example (target: at least 1.7 times faster).

brochure's modules are compiled to bytecode first, as an installed package has them (see
compile_bytecode). Run from the repository root: `make bench`, or
`python bench/bench_startup.py --runs 5`.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

BIN = Path(sys.executable).parent
BROCHURE = str(BIN / "brochure")
CLINICS = Path("clinics")
TARGETS = {"--version": 0.3, "--help": 0.3, "list": 0.5, "check": 0.5}

BARE_WEASYPRINT = """
import sys, weasyprint
html, base_url, stylesheet, out = sys.argv[1:]
weasyprint.HTML(filename=html, base_url=base_url).write_pdf(
    out, stylesheets=[weasyprint.CSS(filename=stylesheet)])
"""


def wall(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def alternate(first: list[str], second: list[str], runs: int, before=None, env=None) -> tuple[list, list]:
    """Wall times of `first` and `second`, run in turn after one warm-up of each; `env()`, if
    given, adds to the environment of each run."""
    times: tuple[list, list] = ([], [])
    for attempt in range(runs + 1):
        for command, into in ((first, times[0]), (second, times[1])):
            if before:
                before()
            seconds = wall(command, env() if env else None)
            if attempt:
                into.append(seconds)
    return times


def bench_start_up(runs: int) -> None:
    print("Start-up (median wall time of whole processes):")
    bare = [wall([sys.executable, "-c", "pass"]) for _ in range(runs)]
    print(f"  {'python -c pass':34} {statistics.median(bare):6.3f} s")
    commands = {"--version": ["--version"], "--help": ["--help"], "list": ["list"],
                "check": ["check", "--clinic", "al-noor"]}
    for name, arguments in commands.items():
        wall([BROCHURE, *arguments])  # warm the file cache
        seconds = statistics.median(wall([BROCHURE, *arguments]) for _ in range(runs))
        verdict = "met" if seconds <= TARGETS[name] else "NOT met"
        print(f"  {'brochure ' + ' '.join(arguments):34} {seconds:6.3f} s  "
              f"(target {TARGETS[name]} s: {verdict})")


def bench_cold_build(runs: int, slug: str, scratch: Path) -> None:
    """The same final HTML and stylesheet as the build, rendered by a bare WeasyPrint process."""
    import brochure
    from brochure.assets import templates_dir
    from brochure.config.content import load_topic
    from brochure.render.leaflet import planned_html

    clinic = brochure.load_clinic(CLINICS / slug)
    leaflet = brochure.make_leaflet(clinic)
    html = scratch / f"{slug}.html"
    html.write_text(planned_html(clinic, load_topic("miss"), clinic.languages, clinic.paper,
                                 leaflet.density), encoding="utf-8")
    bare = [sys.executable, "-c", BARE_WEASYPRINT, str(html), clinic.folder.resolve().as_uri() + "/",
            str(templates_dir() / "css" / "leaflet.css"), str(scratch / "bare.pdf")]
    build = [BROCHURE, "build", "--clinic", slug, "--out", str(scratch / "out")]
    # the layout step's measurements are kept on disk (brochure/render/measure_cache.py), beside
    # Jinja's compiled templates: the first build after installing compiles and measures (an empty
    # cache each run); the first build of new content measures, its templates compiled by any
    # earlier build; a repeated build does neither
    primed = scratch / f"primed-{slug}"
    subprocess.run(build, check=True, stdout=subprocess.DEVNULL,
                   env=os.environ | {"BROCHURE_CACHE_DIR": str(primed)})
    cases = {"first build after install": partial(empty_cache, scratch),
             "first build of new content": partial(new_content, scratch, primed / "templates"),
             "repeated build (cache warm)": lambda: {"BROCHURE_CACHE_DIR": str(scratch / "warm")}}
    for case, env in cases.items():
        built, plain = alternate(build, bare, runs, env=env)
        ratio = statistics.median(b / p for b, p in zip(built, plain, strict=True))
        print(f"  {slug:14} {case:29} brochure {statistics.median(built):5.2f} s, bare WeasyPrint "
              f"{statistics.median(plain):5.2f} s: {ratio:.2f}x (target <= 1.3: "
              f"{'met' if ratio <= 1.3 else 'NOT met'}; density {leaflet.density})")


def empty_cache(scratch: Path) -> dict:
    """A new, empty cache: what the first build after installing meets."""
    return {"BROCHURE_CACHE_DIR": tempfile.mkdtemp(dir=scratch, prefix="cache-")}


def new_content(scratch: Path, compiled_templates: Path) -> dict:
    """No measurements, the templates compiled: what a build of content never built before meets."""
    cache = tempfile.mkdtemp(dir=scratch, prefix="cache-")
    shutil.copytree(compiled_templates, Path(cache) / "templates")
    return {"BROCHURE_CACHE_DIR": cache}


def bench_jobs(runs: int, clinics: Path, label: str, target: float | None, scratch: Path) -> None:
    out = scratch / "jobs"

    def clean():
        shutil.rmtree(out, ignore_errors=True)

    one, two = alternate(
        [BROCHURE, "build", "--all", "--clinics-dir", str(clinics), "--out", str(out), "--jobs", "1"],
        [BROCHURE, "build", "--all", "--clinics-dir", str(clinics), "--out", str(out), "--jobs", "2"],
        runs, before=clean, env=partial(empty_cache, scratch))
    speed_up = statistics.median(a / b for a, b in zip(one, two, strict=True))
    wanted = f"at least {target}x" if target else "faster"
    met = speed_up >= target if target else speed_up > 1
    print(f"  {label:34} 1 job {statistics.median(one):6.2f} s, 2 jobs {statistics.median(two):6.2f} s:"
          f" {speed_up:.2f}x faster (target {wanted}: {'met' if met else 'NOT met'})")


def thirty_clinics(scratch: Path) -> Path:
    folder = scratch / "thirty"
    for example in sorted(p for p in CLINICS.iterdir() if (p / "clinic.toml").is_file()):
        for copy in range(10):
            shutil.copytree(example, folder / f"{example.name}-{copy}")
    return folder


def compile_bytecode() -> None:
    """brochure's modules compiled to bytecode, as `pip install` leaves an installed package and
    as WeasyPrint's already are: a checkout run with PYTHONDONTWRITEBYTECODE=1 (or one changed
    since its last run) would otherwise compile some seventy modules in every timed process, a
    cost no installed brochure has and the bare side never pays."""
    import brochure

    compileall.compile_dir(Path(brochure.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="timed runs of each (default 5)")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        os.environ["BROCHURE_CACHE_DIR"] = str(scratch / "cache")  # never the user's own
        bench_start_up(max(args.runs, 5))
        print("\nCold build against bare WeasyPrint on the same HTML, median of runs in turn:")
        for slug in ("al-noor", "harbor-spine"):
            bench_cold_build(args.runs, slug, scratch)
        print("\nbuild --all, 2 jobs against 1 (2 cores):")
        bench_jobs(max(args.runs // 2, 2), CLINICS, "the 3 example clinics", None, scratch)
        bench_jobs(1, thirty_clinics(scratch), "30 clinics (10 copies of each)", 1.7, scratch)


if __name__ == "__main__":
    main()
