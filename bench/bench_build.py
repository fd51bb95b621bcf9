"""How much time brochure adds on top of WeasyPrint.

Nearly all of a leaflet build is WeasyPrint laying out and writing the PDF; brochure adds the Jinja
template, a local-only URL fetcher, the overflow walk over the page boxes and the PDF checks
(embedded fonts, presentation forms). This script measures that overhead, so a change that makes
the tool itself slow shows up as a number rather than as a vague feeling:

1. in one process, for the demo clinic: `brochure.make_leaflet` (the full build) against bare
   `weasyprint.HTML(...).write_pdf(stylesheets=[same CSS parsed once], font_config=one kept)` on the
   same final HTML, interleaved so noise
   hits both equally; the ratio of the medians is the overhead (target: at most 15%). Each timing
   starts from a clean heap and includes collecting its own cyclic garbage (see `timed`);
2. the wall time of `brochure build --all` in a subprocess, as a user runs it (Python start-up
   and imports included).

Run from the repository root: `make bench`, or `python bench/bench_build.py --repeat 8`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import weasyprint
from timing import repeat_from_arguments, timed  # bench/timing.py, beside this script
from weasyprint.text.fonts import FontConfiguration

import brochure
from brochure.assets import templates_dir
from brochure.config.content import load_topic
from brochure.render.leaflet import planned_html

STYLESHEET = templates_dir() / "css" / "leaflet.css"

DEMO_CLINIC = Path("clinics/al-noor")
CLINICS_DIR = Path("clinics")
TARGET_OVERHEAD = 0.15
CLI_RUNS = 3


def bench_overhead(repeat: int) -> None:
    clinic = brochure.load_clinic(DEMO_CLINIC)
    leaflet = brochure.make_leaflet(clinic)  # also the warm-up of the full build
    html = planned_html(clinic, load_topic("miss"), clinic.languages, clinic.paper, leaflet.density)
    base_url = clinic.folder.as_uri() + "/"

    def full():
        brochure.make_leaflet(clinic)

    # WeasyPrint used well: the stylesheet parsed once and one font configuration kept, as
    # brochure does (without them bare WeasyPrint is slower than the full build, hiding overhead)
    stylesheet = weasyprint.CSS(filename=str(STYLESHEET))
    fonts = FontConfiguration()

    def bare():
        weasyprint.HTML(string=html, base_url=base_url).write_pdf(
            stylesheets=[stylesheet], font_config=fonts)

    bare()  # warm-up
    times: dict[str, list[float]] = {"brochure": [], "weasyprint": []}
    for _ in range(repeat):  # interleaved: drift and noise hit both
        times["brochure"].append(timed(full))
        times["weasyprint"].append(timed(bare))

    print(f"{DEMO_CLINIC} ({clinic.paper.upper()}, {','.join(clinic.languages)}, "
          f"density {leaflet.density}), {repeat} runs each, seconds per leaflet:")
    print(f"  {'':28} {'median':>8} {'min':>8}")
    labels = {"brochure": "brochure make_leaflet", "weasyprint": "bare WeasyPrint, same HTML"}
    for key, label in labels.items():
        print(f"  {label:28} {statistics.median(times[key]):8.3f} {min(times[key]):8.3f}")
    ratio = statistics.median(times["brochure"]) / statistics.median(times["weasyprint"])
    print(f"  overhead: {ratio - 1:+.1%} (target <= {TARGET_OVERHEAD:.0%})")


def bench_cli() -> None:
    walls = []
    for _ in range(CLI_RUNS):
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "brochure", "build", "--all",
                       "--clinics-dir", str(CLINICS_DIR), "--out", out]
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
            pdfs = len(list(Path(out).rglob("*.pdf")))
    print(f"\nbrochure build --all ({CLI_RUNS} runs, wall time including Python start-up):")
    print(f"  {'median':28} {statistics.median(walls):8.3f} s for {pdfs} PDFs")


def main() -> None:
    repeat = repeat_from_arguments(__doc__.splitlines()[0], "renderer")
    bench_overhead(repeat)
    bench_cli()


if __name__ == "__main__":
    main()
