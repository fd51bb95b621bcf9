"""Personalised copies per second: brochure's way (the shared leaflet and a blank cover rendered
once, then per patient only its lines set into that cover) against the plain way (the same
document's HTML given to bare WeasyPrint, one render per patient), on this machine, in one process.

Every copy is a tagged PDF/UA-1 with the patient's details in its structure tree; every 50th
fast copy is checked for that after the timing: the name and the English appointment must be the
text of structure elements tagged with their language. `make bench` runs this after bench_build.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time
from pathlib import Path

import pdfplumber
import pikepdf
import weasyprint

import brochure
from brochure.assets import templates_dir
from brochure.bidi import direction_of
from brochure.config.content import load_topic
from brochure.config.patients import Patient
from brochure.personal.leaflet import SCREEN, make_personal_leaflet
from brochure.render.html import format_appointment, leaflet_html

REPO = Path(__file__).resolve().parent.parent
NAMES = ["فاطمة الزهراء", "John O'Neil", "عبد الرحمن بن خالد", "Mary-Jane Watson", "ليلى حسن"]


def patients(count: int):
    start = dt.datetime(2026, 12, 7, 8, 0)
    for number in range(count):
        yield Patient(f"P-{number:04d}", NAMES[number % len(NAMES)], f"p{number}@example.com",
                      "ar" if number % 2 == 0 else "en", start + dt.timedelta(minutes=20 * number),
                      "Dr. Omar Haddad" if number % 3 else None, "Bring your scans" if number % 4 else None)


def is_tagged_with_details(pdf: bytes, patient: Patient) -> bool:
    """A tagged PDF/UA-1 whose cover's structure elements hold the patient's name (tagged with
    its language) and English appointment, as text a reader extracts."""
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

        def walk(element):
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    tagged.add((str(element.get("/Lang", "")), by_mark.get(kid, "")))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(document.Root.StructTreeRoot.K[0].K[0])  # the cover
    # pdfplumber gives right-to-left text in drawing order
    name = patient.name[::-1] if name_language == "ar" else patient.name
    appointment = format_appointment(patient.appointment, "en")
    texts = {text.strip() for _, text in tagged}
    return (name_language, name) in tagged and appointment in texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=500, help="personalised copies, brochure's way")
    parser.add_argument("--naive", type=int, default=12, help="copies made the plain way (slow)")
    args = parser.parse_args()
    clinic = brochure.load_clinic(REPO / "clinics" / "al-noor")
    make_personal_leaflet(clinic, next(patients(1)))  # warm: shared leaflets, fonts, stylesheets

    start = time.perf_counter()
    samples = []
    for number, patient in enumerate(patients(args.copies)):
        pdf = make_personal_leaflet(clinic, patient).pdf
        if number % 50 == 0:
            samples.append((pdf, patient))
    fast = args.copies / (time.perf_counter() - start)
    for pdf, patient in samples:
        assert is_tagged_with_details(pdf, patient), patient.patient_id

    # the plain way: the whole personal document's HTML (made beforehand, not timed) to WeasyPrint
    pages = [leaflet_html(clinic, load_topic("miss"), patient.languages, clinic.paper,
                          edition="screen", patient=patient) for patient in patients(args.naive)]
    stylesheet = str(templates_dir() / "css" / "leaflet.css")
    start = time.perf_counter()
    for page in pages:
        weasyprint.HTML(string=page, base_url=clinic.folder.as_uri() + "/").write_pdf(
            stylesheets=[weasyprint.CSS(filename=stylesheet)], **SCREEN)
    naive = args.naive / (time.perf_counter() - start)

    print(f"personalised copies, clinics/al-noor (A4, ar,en and en,ar), {len(samples)} checked tagged:")
    print(f"  brochure (shared leaflet and cover once, lines set per patient): "
          f"{fast:6.1f} copies/s ({args.copies} copies)")
    print(f"  bare WeasyPrint, one render per patient:                        "
          f"{naive:6.1f} copies/s ({args.naive} copies)")
    print(f"  speed-up: {fast / naive:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
