"""Personalised copies per second, side by side with Typst, and the memory a batch takes.

1. **Marginal copies/s**: a batch of 520 minus a batch of 20 (so the per-clinic start, the shared
   copy rendered once, does not count), each copy a full tagged PDF/UA-1 written to disk through
   `brochure.personal.batch.write_copies` in one process. Typst (the `typst` package, the `[bench]`
   extra) with one reused Compiler makes a comparable one-page personalised bilingual leaflet in
   the same bundled fonts, tagged (PDF/UA-1), for the same patients (every one with a name of
   their own), written to disk the same way (`written_behind`: atomic, fsynced, by the same
   writing threads), in the same run. The machine is shared, so the two take turns for three
   rounds (after one of each not counted) and the median round of each counts; the rate is
   given by the wall clock and by the process's CPU time (every thread), which other work on
   the machine disturbs far less.
   Every 50th brochure copy is then checked: the patient's name and English appointment are text
   of structure elements tagged with their language. The largest copy must stay <= 150 KB.
2. **Memory** (`--memory`): peak RSS of `brochure build --patients` for 1,000 and 10,000 rows
   (`--rows` to change), each in its own process. Target: 10,000 within 10 % of 1,000.
   `--memory --rows 1000 10000 100000` shows that 100,000 rows run too: it takes about 11 GB of
   temporary disk for the copies and, on a busy 2-core machine, about half an hour. Every row is
   read and checked before the first copy is built, and the outcome lists each copy built, so
   100,000 rows take about 1 KB a row more (one run: 207, 207 and 308 MB).

`make bench` runs this after bench_build.py (speed only; add --memory for the second part).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import pdfplumber
import pikepdf

import brochure
from brochure.assets import fonts_dir
from brochure.bidi import direction_of
from brochure.config.patients import Patient
from brochure.personal.batch import write_copies, written_behind
from brochure.render.html import format_appointment

REPO = Path(__file__).resolve().parent.parent
# Every patient of a bench batch has a name of their own (a cache of font subsets by glyph set
# must not see the same few names again and again): given, father's and family names combined,
# Arabic and Latin names for Arabic-first and English-first patients alike
GIVEN_AR = ["فاطمة", "عبد الرحمن", "ليلى", "مُحَمَّد", "نور", "يوسف", "خديجة", "سعيد"]
FAMILY_AR = ["الزهراء", "خالد", "حسن", "القحطاني", "الشمري", "العتيبي", "زايد", "المطيري"]
GIVEN_EN = ["John", "Mary-Jane", "Priya", "Wojciech", "Aoife", "Kwame", "Zoë", "Hugo"]
FAMILY_EN = ["O'Neil", "Watson", "Raghunathan", "Kowalczyk", "Byrne", "Mensah", "Quigley", "Díaz"]


def name_of(number: int) -> str:
    given, father, family = number % 8, (number // 8) % 8, (number // 64) % 8
    if (number // 2) % 2 == 0:
        return f"{GIVEN_AR[given]} بن {GIVEN_AR[father]} {FAMILY_AR[family]}"
    return f"{GIVEN_EN[given]} {GIVEN_EN[father][0]}. {FAMILY_EN[family]}"


NOTES = ["Bring your scans", "اتصل على 050-123-4567 قبل يوم\nصائم من منتصف الليل",
         "Email care@alnoor-spine.example, file MRN-004521", None]
SMALL, LARGE = 20, 520


def patients(count: int, offset: int = 0):
    start = dt.datetime(2026, 12, 7, 8, 0)
    for number in range(offset, offset + count):
        yield Patient(f"P-{number:06d}", name_of(number), f"p{number}@example.com",
                      "ar" if number % 2 == 0 else "en", start + dt.timedelta(minutes=20 * number),
                      "Dr. Omar Haddad" if number % 3 else None, NOTES[number % len(NOTES)])


def is_tagged_with_details(pdf: bytes, patient: Patient) -> bool:
    """A tagged PDF/UA-1 whose personal blocks' structure elements hold the patient's name
    (tagged with its language) and English appointment, as text a reader extracts."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        by_mark: dict[int, str] = {}
        for char in document.pages[0].chars:
            if char.get("mcid") is not None:
                by_mark[char["mcid"]] = by_mark.get(char["mcid"], "") + char["text"]
    name_language = "ar" if direction_of(patient.name) == "rtl" else "en"
    tagged: set[tuple[str, str]] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if not document.Root.MarkInfo.Marked or document.open_metadata().get("pdfuaid:part") != "1":
            return False

        def walk(element, language):
            language = str(element.get("/Lang", language))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    tagged.add((language, by_mark.get(kid, "")))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, language)

        walk(document.Root.StructTreeRoot.K[0], "")
    # pdfplumber gives right-to-left text in drawing order
    name = patient.name[::-1] if name_language == "ar" else patient.name
    appointment = format_appointment(patient.appointment, "en")
    texts = {text.strip() for _, text in tagged}
    return (name_language, name) in tagged and appointment in texts


def brochure_batch(clinic, count: int, offset: int, out: Path) -> tuple[float, int]:
    """A batch as `build --patients` makes it, from cold: the shared copies rendered first."""
    from brochure.personal import leaflet

    leaflet._copy_template.cache_clear()
    start = _clocks()
    largest = 0
    for copy in write_copies(clinic, patients(count, offset), out):
        assert copy.path is not None, copy.problems
        largest = max(largest, copy.size)
    return _since(start), largest


TYPST = """
#let p = sys.inputs
#set document(title: "Minimally Invasive Spine Surgery (MISS)")
#set page(paper: p.paper, margin: 12mm)
#set text(font: ("Noto Sans", "Noto Naskh Arabic"), size: 12pt, lang: p.lang)
#let ar(body) = text(font: ("Noto Naskh Arabic", "Noto Sans"), size: 14pt, lang: "ar",
  dir: rtl, body)
#block(fill: rgb("#0b5563"), inset: 5mm, width: 100%, radius: 2mm)[
  #text(fill: white, weight: "bold", size: 16pt)[Al Noor Spine Centre \\
    Minimally Invasive Spine Surgery (MISS)]
]
#block(stroke: 0.4mm + rgb("#bbb"), inset: 3mm, width: 100%, radius: 2mm)[
  *Patient:* #p.name \\ *Your appointment:* #p.appointment_en \\ *Surgeon:* #p.surgeon \\ *Note:* #p.note
]
#block(stroke: 0.4mm + rgb("#bbb"), inset: 3mm, width: 100%, radius: 2mm)[
  #set align(right)
  #ar[*اسم المريض:* #p.name \\ *موعدك:* #p.appointment_ar \\ *ملاحظة:* #p.note]
]
#heading[What is MISS?]
Minimally invasive spine surgery, also known as MISS, has no specific meaning or definition. It
implies a lack of severe surgical invasion. The older style of open-spine surgery for a relatively
small disc problem used to require a 5-6 inch incision and a month in the hospital.
#align(right)[#ar[جراحة العمود الفقري طفيفة التوغل المعروفة أيضًا باسم (MISS)، ليس لها معنى
  أو تعريف محدد ولكنها تعني عدم وجود توغل جراحي شديد.]]
"""


def typst_batch(source: Path, count: int, offset: int, out: Path, paper: str) -> tuple[float, int]:
    """A batch from cold too: one Compiler (fonts loaded once), reused for every copy."""
    import typst

    start = _clocks()
    compiler = typst.Compiler(str(source), font_paths=[str(fonts_dir())], ignore_system_fonts=True)

    def compiled():
        for patient in patients(count, offset):
            pdf = compiler.compile(format="pdf", pdf_standards=["ua-1"], sys_inputs={
                "paper": paper, "lang": patient.language, "name": patient.name,
                "appointment_en": format_appointment(patient.appointment, "en"),
                "appointment_ar": format_appointment(patient.appointment, "ar"),
                "surgeon": patient.surgeon or "", "note": patient.note or ""})
            yield len(pdf), out / f"{patient.patient_id}.pdf", pdf

    # written as brochure writes its copies: atomically and durably, by the same writing threads
    largest = max(written_behind(compiled(), mode=0o600))
    return _since(start), largest


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """Seconds of wall clock and of CPU (this process's, every thread: Typst's and the writing
    threads' too) since `start`."""
    now = _clocks()
    return now[0] - start[0], now[1] - start[1]


def marginal(batch) -> tuple[float, float, int]:
    """Copies per second between a batch of SMALL and one of LARGE, by the wall clock and by
    CPU time, and the largest copy."""
    small, _ = batch(SMALL, 0)
    large, largest = batch(LARGE, SMALL)
    return ((LARGE - SMALL) / (large[0] - small[0]), (LARGE - SMALL) / (large[1] - small[1]),
            largest)


ROUNDS = 3  # brochure and Typst in turn, after a round of each not counted (fonts loaded, code
# warm): the median round of each counts, the machine being shared


def speed() -> None:
    clinic = brochure.load_clinic(REPO / "clinics" / "al-noor")
    try:
        import typst
    except ImportError:
        typst = None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / "typst.typ").write_text(TYPST, encoding="utf-8")
        (out / "t").mkdir()
        ours, theirs = [], []
        for _ in range(ROUNDS + 1):
            ours.append(marginal(lambda n, o: brochure_batch(clinic, n, o, out / "b")))
            if typst is not None:
                theirs.append(marginal(
                    lambda n, o: typst_batch(out / "typst.typ", n, o, out / "t", clinic.paper)))
        samples = [(pdf_path.read_bytes(), patient) for patient in patients(LARGE, SMALL)
                   if int(patient.patient_id[2:]) % 50 == 0
                   for pdf_path in [out / "b" / clinic.slug / "patients" /
                                    f"{patient.patient_id}-{clinic.slug}-miss.pdf"]]
        for pdf, patient in samples:
            assert is_tagged_with_details(pdf, patient), patient.patient_id
    ours, theirs = ours[1:], theirs[1:]
    wall, cpu = median(rate for rate, _, _ in ours), median(rate for _, rate, _ in ours)
    print(f"personalised copies, clinics/al-noor (A4, ar,en and en,ar), marginal rate "
          f"(batch of {LARGE} minus batch of {SMALL}), median of {ROUNDS} rounds taken in turn, "
          f"{len(samples)} checked tagged:")
    print(f"  brochure, full tagged copies written: {wall:6.1f} copies/s by the clock, "
          f"{cpu:6.1f} by CPU time ({1000 / cpu:.2f} ms a copy; largest "
          f"{max(size for _, _, size in ours) / 1024:.0f} KB, target <= 150 KB)")
    if typst is None:
        print("  Typst: not installed (pip install '.[bench]')")
        return
    typst_wall, typst_cpu = median(rate for rate, _, _ in theirs), median(rate for _, rate, _ in theirs)
    print(f"  Typst {typst.__version__}, one reused Compiler, a one-page tagged leaflet: "
          f"{typst_wall:6.1f} copies/s by the clock, {typst_cpu:6.1f} by CPU time "
          f"({1000 / typst_cpu:.2f} ms a copy; largest "
          f"{max(size for _, _, size in theirs) / 1024:.0f} KB)")
    print(f"  brochure / Typst: {wall / typst_wall:.2f}x by the clock, {cpu / typst_cpu:.2f}x by "
          "CPU time (target > 1)")


def peak_rss(rows: int, folder: Path) -> float:
    """MB of peak RSS of `brochure build --patients` over `rows` generated rows."""
    csv_path = folder / f"patients-{rows}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_id", "name", "email", "language", "appointment", "surgeon", "note"])
        for patient in patients(rows):
            writer.writerow([patient.patient_id, patient.name, patient.email, patient.language,
                             patient.appointment.strftime("%Y-%m-%d %H:%M"), patient.surgeon or "",
                             patient.note or ""])
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "brochure"), "build", "--clinic", "al-noor", "--clinics-dir",
         str(REPO / "clinics"), "--out", str(folder / f"out-{rows}"), "--patients", str(csv_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{rows} rows: exit {process.returncode}: {process.stderr.read().decode()}")
    return usage.ru_maxrss / 1024


def memory(rows: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        found = {count: peak_rss(count, Path(folder)) for count in rows}
    print("peak RSS of `brochure build --patients` (one process):")
    for count, megabytes in found.items():
        print(f"  {count:7d} rows: {megabytes:6.1f} MB")
    first, last = found[rows[0]], found[rows[-1]]
    print(f"  {rows[-1]} rows / {rows[0]} rows: {last / first:.2f} (target <= 1.10)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", action="store_true", help="also measure peak RSS by rows")
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    speed()
    if args.memory:
        memory(args.rows)


if __name__ == "__main__":
    main()
