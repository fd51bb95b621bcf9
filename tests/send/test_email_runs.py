"""A number or code a staff member typed into a name reaches the email whole and left to right,
in the HTML body and in the plain text a mail reader shows right to left."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import brochure
from brochure.config.patients import Patient
from brochure.send.message import compose, wire_bytes
from tests.conftest import EXAMPLES

LRI, PDI = "\u2066", "\u2069"


def _bodies(name: str, language: str) -> tuple[str, str]:
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    patient = Patient(patient_id="P-0001", name=name, email="layla@example.com", language=language,
                      appointment=dt.datetime(2026, 12, 2, 10, 0), surgeon="", note="", line=2)
    message = message_from_bytes(wire_bytes(compose(clinic, patient, b"%PDF-1.7")), policy=policy.default)
    plain = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    return plain, page


def test_a_code_in_an_arabic_name_is_one_left_to_right_run_in_both_bodies():
    plain, page = _bodies("ليلى حسن MRN-20417", "ar")
    assert f"{LRI}MRN-20417{PDI}" in plain
    assert '<bdi dir="ltr" lang="en" class="kept-whole" style="white-space: nowrap">MRN-20417</bdi>' in page
    assert "ليلى حسن" in plain and "ليلى حسن" in page  # the name itself as typed


def test_a_phone_number_in_a_name_is_kept_whole_in_the_html_body_of_an_english_email():
    plain, page = _bodies("Sara Haddad 050 123 4567", "en")
    assert "Sara Haddad 050 123 4567" in plain  # English plain text needs no marks
    assert 'style="white-space: nowrap">050 123 4567</bdi>' in page
