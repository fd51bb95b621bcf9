"""A Latin run inside Arabic text is set at the English text's size, an Arabic run inside English
at the Arabic text's, measured on real copies (pdfplumber's characters): in the personal cards,
set by the fast path and by WeasyPrint alike, and in the leaflet's own text ("(MISS)" in an
Arabic paragraph, the clinic's address in the Arabic contact)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest

import brochure
from brochure.config.patients import Patient
from brochure.personal import leaflet as personal
from tests.conftest import EXAMPLES
from tests.pdftext import plumbed
from tests.personal.copies import set_copy_and_its_weasyprint_layout

NOTES = {"ar": "اتصل على 050-123-4567 واسأل عن Dr. Sami\nأرسل الأشعة إلى care@alnoor-spine.example",
         "en": "Call 050-123-4567 and ask for د. سامي\nEmail scans to care@alnoor-spine.example"}
NAMES = {"ar": "فاطمة الزهراء", "en": "Zoë Díaz"}


def _arabic(char: dict) -> bool:
    return "\u0600" <= char["text"] <= "\u06ff" and not "\u0660" <= char["text"] <= "\u0669"


def _latin(char: dict) -> bool:
    return (char["text"].isascii() and char["text"].isalnum()) or "\u00c0" <= char["text"] <= "\u024f"


@pytest.fixture(scope="module", params=["ar", "en"], ids=["arabic-first", "english-first"])
def copies(request, shared_builds):
    """The set copy (the first of its batch: compared with WeasyPrint's, which must agree) and
    WeasyPrint's layout of the same patient, with the cards' boxes on page 1 (pt from the top);
    made once a session."""
    def make():
        clinic = brochure.load_clinic(EXAMPLES / "al-noor")
        language = request.param
        patient = Patient("P-0320", NAMES[language], "p@example.com", language,
                          dt.datetime(2026, 12, 8, 10, 30), "Dr. Omar Haddad", NOTES[language])
        set_copy, weasyprint = set_copy_and_its_weasyprint_layout(clinic, patient)
        assert set_copy.count(b"%%EOF") == 2  # set into the shared copy: the drift check passed
        template = personal._copy_template(clinic, clinic.paper, patient.languages)
        cards = {slot.language: (slot.top, slot.top + slot.height) for slot in template.cover.slots}
        return {"set": set_copy, "weasyprint": weasyprint}, cards

    return shared_builds.once(f"run-sizes-{request.param}", make)


def _sizes(chars, script) -> dict[str, set[float]]:
    found: dict[str, set[float]] = {}
    for char in chars:
        if script(char):
            found.setdefault(char["text"], set()).add(round(char["size"], 1))
    return found


@pytest.mark.parametrize("path", ["set", "weasyprint"])
def test_runs_in_the_other_script_match_that_languages_card(copies, path, caplog):
    made, cards = copies
    with caplog.at_level(logging.WARNING, logger="brochure.personal"), \
            plumbed(made[path]) as document:
        chars = document.pages[0].chars
    assert not caplog.records, caplog.text

    def in_card(language):
        top, bottom = cards[language]
        return [char for char in chars if top - 2 <= char["top"] and char["bottom"] <= bottom + 2]

    arabic_card, english_card = in_card("ar"), in_card("en")
    english_sizes, arabic_sizes = _sizes(english_card, _latin), _sizes(arabic_card, _arabic)
    latin_in_arabic = _sizes(arabic_card, _latin)
    arabic_in_english = _sizes(english_card, _arabic)
    assert latin_in_arabic and arabic_in_english
    for char, sizes in latin_in_arabic.items():  # the same text, the same size in both cards
        assert sizes <= english_sizes[char], (char, sizes, english_sizes[char])
    for char, sizes in arabic_in_english.items():
        assert sizes <= arabic_sizes[char], (char, sizes, arabic_sizes[char])


def test_latin_in_the_leaflets_arabic_text_matches_its_english_text(copies):
    made, _ = copies
    with plumbed(made["set"]) as document:
        pages = [page.chars for page in document.pages]
        width = document.pages[0].width
    english_text = Counter(round(char["size"], 1) for chars in pages for char in chars if _latin(char))
    body_size = english_text.most_common(1)[0][0]  # the English paragraphs' size
    checked = 0
    for number, chars in enumerate(pages):
        lines: dict[tuple, list] = {}
        for char in chars:  # a line of one column: its baseline and half of the page
            lines.setdefault((round(char["matrix"][5]), char["x0"] > width / 2), []).append(char)
        for line in lines.values():
            top = min(char["top"] for char in line)
            if number == 0 and any(low - 2 <= top <= high + 2 for low, high in copies[1].values()):
                continue  # the cards: the test above
            if any(_arabic(char) for char in line):
                latin = [char for char in line if _latin(char)]
                checked += len(latin)
                assert {round(char["size"], 1) for char in latin} <= {body_size}, \
                    "".join(char["text"] for char in latin)
    assert checked  # "(MISS)", the clinic's phone, email and web address
