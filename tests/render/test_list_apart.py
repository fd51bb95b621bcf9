"""A list the layout step can only set apart from the sentence introducing it is reported: the
build still makes the leaflet (it prints), and says which list, so staff can shorten their own
sections. al-noor's English-first Letter sheet is the one example clinic build where nothing else
fits."""

from __future__ import annotations

import pypdfium2 as pdfium

from tests.pdftext import letters_of


def test_a_list_set_apart_from_its_introduction_is_named_in_a_warning(shared_builds):
    apart = shared_builds.made("al-noor", "sheet", "office", "letter", "en,ar")
    document = pdfium.PdfDocument(apart.pdf)
    front, back = (letters_of(page.get_textpage().get_text_range()) for page in document)
    document.close()
    assert letters_of("equipment to reduce:") in front and letters_of("tissue trauma") in back
    assert [w for w in apart.warnings if '"Benefits" apart from the sentence introducing it' in w]


def test_no_warning_where_each_list_stays_with_its_introduction(shared_builds):
    together = shared_builds.made("al-noor", "sheet", "office", "a4", "ar,en")
    assert not [w for w in together.warnings if "apart" in w]
