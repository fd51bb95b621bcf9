"""What staff type that must reach a patient intact: found as whole runs, given back unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from brochure.config.patients import Patient
from brochure.personal.cover_text import fields, rows
from brochure.text_runs import LRI, PDI, kept_whole_html, kept_whole_plain, region_of, runs


@pytest.mark.parametrize(("text", "kept"), [
    ("اتصل على +971 4 123 4567 قبل يوم", [("+971 4 123 4567", "phone")]),
    ("Call 050-123-4567, or 04 123 4567.", [("050-123-4567", "phone"), ("04 123 4567", "phone")]),
    ("رقم ٠٥٠١٢٣٤٥٦٧ هنا", [("٠٥٠١٢٣٤٥٦٧", "phone")]),
    ("أرسل إلى care-team@alnoor-spine.example.", [("care-team@alnoor-spine.example", "email")]),
    ("See https://alnoor-spine.example/prep, then", [("https://alnoor-spine.example/prep", "url")]),
    ("arrive 7:30am on 3.12.2026", [("7:30am", "time"), ("3.12.2026", "date")]),
    ("الموعد 08:30 ورقم الملف MRN-004521", [("08:30", "time"), ("MRN-004521", "code")]),
    ("Bring your MRI and someone to drive you home", []),
])
def test_numbers_and_addresses_are_found_whole(text, kept):
    found = runs(text, "AE")
    assert "".join(run.text for run in found) == text  # nothing added, nothing lost
    assert [(run.text, run.kind) for run in found if run.whole] == kept


def test_email_bodies_keep_runs_left_to_right():
    text = "اتصل على +971 4 123 4567 <غدًا>"
    assert kept_whole_plain(text, "AE") == f"اتصل على {LRI}+971 4 123 4567{PDI} <غدًا>"
    html = kept_whole_html(text, "AE")
    assert ('<bdi dir="ltr" lang="en" class="kept-whole" style="white-space: nowrap">'
            '+971 4 123 4567</bdi>') in html
    assert "&lt;غدًا&gt;" in html  # the rest escaped


def test_a_local_number_is_read_where_the_clinic_is():
    assert region_of("+971 4 123 4567") == "AE" and region_of("+1 (313) 555-0142") == "US"
    # without a region only international numbers are recognised: no guessing at the country
    assert [run.kind for run in runs("call 0501234567 or +971 50 123 4567", None)] == ["", "phone"]


def test_note_line_breaks_are_kept_and_blank_lines_collapse():
    patient = Patient("P-1", "Sara", "s@example.com", "en", dt.datetime(2026, 12, 1, 9, 0), None,
                      "First line\r\n\r\n  second   line \nthird")
    values = [(field.label, field.value) for field in fields(patient, "en", "Monday")][2:]
    assert values == [("Note:", "First line"), (None, "second line"), (None, "third")]


def test_latin_in_arabic_is_set_at_the_english_size():
    patient = Patient("P-1", "فاطمة", "f@example.com", "ar", dt.datetime(2026, 12, 1, 9, 0), None,
                      "اتصل على 050-123-4567")
    note = rows(patient, "ar", "الاثنين", "AE")[-1]
    phone = next(segment for segment in note if segment.whole)
    assert phone.text == "050-123-4567" and phone.language == "en"
    assert phone.scale == pytest.approx(12 / 14)  # 12 pt, as the English block's text


def test_a_web_address_without_a_scheme_is_kept_whole_and_a_dotted_name_is_not():
    from brochure.text_runs import runs

    assert [(run.text, run.kind) for run in runs("التفاصيل: alnoor-spine.ae/miss.", "AE")] == [
        ("التفاصيل: ", ""), ("alnoor-spine.ae/miss", "url"), (".", "")]
    assert all(not run.whole for run in runs("Dr.Omar said e.g. take it easy", "AE"))
