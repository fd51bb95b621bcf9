"""The set copy against WeasyPrint's on a generated corpus: every example clinic, A4 and Letter,
both language orders, notes the way front-desk staff write them (phone numbers, emails, web
addresses, times, codes, mixed scripts, line breaks). Each copy is the first of its batch, so
the drift check compares it with WeasyPrint's own layout of the same patient (positions within
0.6 pt, text, what a screen reader meets): a copy that comes out of the fast path passed it."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

import brochure
from brochure.config.patients import Patient
from brochure.personal import leaflet as personal
from brochure.text_runs import runs
from tests.conftest import EXAMPLES
from tests.pdftext import tagged_reading
from tests.personal.copies import check_pdf_standards, first_of_its_batch

NOTES = {
    "ar": "اتصل بالاستقبال على +971 4 123 4567 أو 050-123-4567 قبل يوم\n"
          "أرسل الأشعة إلى care-team@alnoor-spine.example أو https://alnoor-spine.example/prep\n"
          "الموعد 08:30 ورقم الملف MRN-004521 (صائم)",
    "en": "Call reception on 050-123-4567 or +971 4 123 4567 the day before\n\n"
          "Email scans to care-team@alnoor-spine.example, see https://alnoor-spine.example/prep\n"
          "Arrive 08:30, file MRN-004521, ask for د. سامي",
}
SURGEON = {"ar": "د. سامي الحسن", "en": "Dr. Omar Haddad"}
CASES = [(clinic, paper, language) for clinic in ("al-noor", "dar-al-shifa", "harbor-spine")
         for paper in ("a4", "letter") for language in ("ar", "en")]


def _patient(language: str) -> Patient:
    name = "فاطمة الزهراء" if language == "ar" else "John O'Neil"
    return Patient("P-0201", name, "p@example.com", language, dt.datetime(2026, 12, 8, 10, 30),
                   SURGEON[language], NOTES[language])


@pytest.mark.parametrize(("clinic_name", "paper", "language"), CASES,
                         ids=[f"{c}-{p}-{lang}-first" for c, p, lang in CASES])
def test_set_copy_is_the_copy_weasyprint_lays_out(clinic_name, paper, language, caplog):
    clinic = brochure.load_clinic(EXAMPLES / clinic_name)
    patient = _patient(language)
    first_of_its_batch(clinic, patient, paper)
    with caplog.at_level(logging.WARNING, logger="brochure.personal"):
        copy = personal.make_personal_leaflet(clinic, patient, paper=paper).pdf
    assert not caplog.records, caplog.text
    assert copy.count(b"%%EOF") == 2  # set into the shared copy, after the drift check passed
    reading = tagged_reading(copy)
    read = "".join(text for _, text in reading)
    # an address inside Arabic is tagged with its own language, in both blocks
    assert sum((language, text.strip()) == ("en", "care-team@alnoor-spine.example")
               for language, text in reading) == 2
    for value in NOTES[language].split("\n"):
        for run in runs(value, "AE"):
            if run.whole:  # copy and paste gives each back exactly as typed
                assert run.text in read, run.text
    check_pdf_standards(copy)


def test_a_drifting_fast_path_hands_the_batch_to_weasyprint(monkeypatch, caplog):
    """Lines set 0.1 of a line taller than the template's CSS (and let run past the block): the
    first copy shows it, and every copy of the batch is then laid out by WeasyPrint, said in one
    warning line."""
    from brochure.personal import covers, typeset

    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    first_of_its_batch(clinic, _patient("ar"), clinic.paper)
    monkeypatch.setattr(typeset, "LINE_HEIGHT", typeset.LINE_HEIGHT + 0.1)
    monkeypatch.setattr(covers, "HEIGHT_TOLERANCE_PT", 100.0)
    personal._typesetter.cache_clear()  # rows laid out before, at the real line height
    with caplog.at_level(logging.WARNING, logger="brochure.personal"):
        copies = [personal.make_personal_leaflet(clinic, _patient(language)).pdf
                  for language in ("ar", "ar")]
    first_of_its_batch(clinic, _patient("ar"), clinic.paper)  # the next test's batch is new
    personal._typesetter.cache_clear()  # and its rows are laid out at the real line height
    assert [copy.count(b"%%EOF") for copy in copies] == [1, 1]
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "laid out by WeasyPrint" in message and "فاطمة" not in message and "P-0201" not in message
