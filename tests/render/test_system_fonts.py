"""The same leaflet on any machine: WeasyPrint sees only fonts/ (brochure.weasy's font
configuration), so fonts a machine has installed can neither change a copy nor stop it.

The machine's fonts are put in front of brochure through Fontconfig's own variable, in a process
of its own (Fontconfig reads it once, at start): Debian's Noto fonts when installed (fonts-noto-
core has Noto Sans Arabic, which WeasyPrint used to draw an Arabic letter mark from), else every
font the machine has."""

from __future__ import annotations

from pathlib import Path

from brochure.pdf import inspect as pdfcheck
from tests.conftest import run_cli, run_cli_process
from tests.sending import clinics_with_records

NOTO = Path("/usr/share/fonts/truetype/noto")
ROWS = [  # an Arabic letter mark (set cover) and a note too long for its block (WeasyPrint's)
    ("P-0047", "محمد Jr.", "m@example.com", "ar", "2026-12-14 07:30", "د. سامي الحسن (MD)",
     "هاتف: +971 4 123 4567 / 050-123-4567، الجرعة \u061c١٠ ملغ"),
    ("P-0046", "Mary-Jane Watson", "m@example.com", "en", "2026-12-11 09:00", "",
     " ".join(["Bring your MRI scans, your medicines and someone to drive you home \u061c."] * 5)),
]


def test_installed_system_fonts_change_no_copy(shared, tmp_path):
    import csv

    patients = tmp_path / "patients.csv"
    with patients.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_id", "name", "email", "language", "appointment", "surgeon", "note"])
        writer.writerows(ROWS)
    system = NOTO if NOTO.is_dir() else Path("/usr/share/fonts")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{system}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n', encoding="utf-8")
    # the worker's copy of the clinic, its records here: build --patients records its copies
    clinics = clinics_with_records(shared, tmp_path / "records")
    command = ("build", "--clinic", "al-noor", "--clinics-dir", clinics, "--patients", patients)
    # no measurement cache: the layout step measures with the machine's fonts in view too
    with_system = run_cli_process(*command, "--out", tmp_path / "system",
                                  env={"FONTCONFIG_FILE": str(config), "BROCHURE_NO_CACHE": "1"})
    assert with_system.returncode == 0, with_system.stderr
    alone = run_cli(*command, "--out", tmp_path / "alone")
    assert alone.returncode == 0, alone.stderr
    for patient_id, *_ in ROWS:
        name = f"al-noor/patients/{patient_id}-al-noor-miss.pdf"
        copy = (tmp_path / "system" / name).read_bytes()
        assert pdfcheck.font_problems(pdfcheck.inspect_pdf(copy).fonts) == []
        assert copy == (tmp_path / "alone" / name).read_bytes(), patient_id
