"""A patient's own copy, read from the written PDF: the personal blocks set into the shared copy
must read exactly like the copy WeasyPrint lays out for that patient (words at the same places,
the same tagged reading in the same languages), and stay a tagged PDF/UA of bundled fonts."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

import brochure
import brochure.personal.leaflet
from brochure.config.patients import Patient
from brochure.personal.leaflet import make_personal_leaflet
from tests.conftest import EXAMPLES, PATIENT_AR, PATIENT_EN
from tests.pdftext import arabic_letters, pdfium_text, same_places, structure, tagged_reading, words_on_page


def test_personal_copy_names_the_patient_in_their_language_first(personal):
    arabic_copy = pdfium_text(personal["ar"])
    assert arabic_letters("فاطمة الزهراء") in arabic_letters(arabic_copy)
    assert "Dr. Omar Haddad" in arabic_copy
    assert "ديسمبر" in arabic_copy and "December" in arabic_copy  # the appointment in each language
    assert arabic_copy.index("ديسمبر") < arabic_copy.index("December")
    english_copy = pdfium_text(personal["en"])
    assert "John O'Neil" in english_copy and "Bring your MRI" in english_copy
    assert english_copy.index("December") < english_copy.index("ديسمبر")
    assert all(len(pdf) <= 150 * 1024 for pdf in personal.values())


def test_personal_details_are_inside_the_structure_tree(personal):
    with pikepdf.open(io.BytesIO(personal["en"])) as pdf:
        sections = [e for e in pdf.Root.StructTreeRoot.K[0].K if isinstance(e, pikepdf.Dictionary)]
        assert sections
    tags = structure(io.BytesIO(personal["en"]))
    assert ("/P", "en", "") in tags and any(lang == "ar" for _, lang, _ in tags)
    # the English copy's Arabic cover block is tagged Arabic; every font stays bundled
    from brochure.pdf import inspect as pdfcheck
    assert pdfcheck.font_problems(pdfcheck.inspect_pdf(personal["en"]).fonts) == []


def test_fast_personal_copy_matches_the_one_render_copy(personal):
    """The shared leaflet is rendered once and each patient's lines are set into its blank cover:
    the result must read exactly like the same document rendered in one go (the same words at
    the same places, the same text in the same tagged reading order) and stay a tagged PDF/UA."""
    from brochure.personal.leaflet import make_personal_leaflet_in_one_render

    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    plain = make_personal_leaflet_in_one_render(clinic, PATIENT_AR).pdf
    assert personal["ar"].count(b"%%EOF") == 2  # the cover's lines are an update of the shared copy
    assert same_places(words_on_page(personal["ar"], 0), words_on_page(plain, 0))
    assert tagged_reading(personal["ar"]) == tagged_reading(plain)
    # the personal lines are drawn after the first page's other content: only pdfium's
    # stream-ordered text of that page differs; the other pages read alike
    assert _pages_text(personal["ar"])[1:] == _pages_text(plain)[1:]
    with pikepdf.open(io.BytesIO(personal["ar"])) as joined, pikepdf.open(io.BytesIO(plain)) as one:
        assert len(joined.pages) == len(one.pages)
        assert joined.open_metadata().get("pdfuaid:part") == "1"
        nums = joined.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert len(keys) == len(set(keys))  # marked-content keys renumbered, not clashing
        parents = {int(page.obj.StructParents) for page in joined.pages}
        assert parents <= set(keys) and len(parents) == len(joined.pages)
        with joined.open_outline() as outline:
            assert [item.title for item in outline.root] == [
                "جراحة العمود الفقري طفيفة التوغل", "Minimally Invasive Spine Surgery (MISS)"]
        uris = {str(a.A.URI) for page in joined.pages for a in page.get("/Annots", []) if "/A" in a}
        assert "tel:+97141234567" in uris
    again = brochure.personal.make_personal_leaflet(clinic, PATIENT_AR).pdf
    assert again == personal["ar"]  # reproducible


@pytest.mark.parametrize("patient", [
    PATIENT_EN,
    # a Latin name and an English note in an Arabic-first copy, an Arabic surgeon in its English
    # block, a note over three lines there, digits and brackets
    Patient("P-0044", "Zoë Adeyemi-Khan", "z@example.com", "ar", dt.datetime(2026, 12, 10, 8, 5),
            "د. سامي الحسن", "Please arrive 30 minutes early, fasting from midnight, with your MRI "
            "scans and a list of your medicines (with doses)."),
    Patient("P-0045", "عبد الرحمن بن خالد", "a@example.com", "en", dt.datetime(2027, 1, 4, 16, 45),
            None, "اتصل على 0501234567 (الاستقبال) قبل يوم من الموعد."),
    # Latin glyphs in Arabic text leave its line height alone; Arabic digits in an English-tagged
    # name (no letters: left to right) make theirs taller, as in WeasyPrint; an Arabic letter mark
    Patient("P-0047", "محمد Jr.", "m@example.com", "ar", dt.datetime(2026, 12, 14, 7, 30),
            "د. سامي الحسن (MD)", "هاتف: +971 4 123 4567 / 050-123-4567، الجرعة \u061c١٠ ملغ"),
    Patient("P-0048", "١٢٣٤٥", "n@example.com", "en", dt.datetime(2026, 12, 15, 12, 0),
            None, "٠٥٠١٢٣٤٥٦٧"),
    # a right-to-left mark makes an English note Arabic-tagged, and it sizes the line
    Patient("P-0050", "John O'Neil", "j@example.com", "ar", dt.datetime(2026, 12, 9, 15, 0),
            None, "\u200fBring your scans"),
], ids=["english-first", "latin-name-arabic-first", "arabic-note-english-first",
        "latin-punctuation-in-arabic", "digits-only-name", "leading-rtl-mark"])
def test_set_cover_reads_like_the_weasyprint_cover(patient):
    """Whatever the mix of scripts and directions, the lines set into the shared cover are the
    words WeasyPrint would place, at the same places, read in the same tagged order and language."""
    from brochure.personal.leaflet import make_personal_leaflet_in_one_render

    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    fast = make_personal_leaflet(clinic, patient).pdf
    plain = make_personal_leaflet_in_one_render(clinic, patient).pdf
    assert fast.count(b"%%EOF") == 2
    with pikepdf.open(io.BytesIO(fast)) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf parses every object and content stream
    assert same_places(words_on_page(fast, 0), words_on_page(plain, 0))
    assert tagged_reading(fast) == tagged_reading(plain)
    from brochure.pdf import inspect as pdfcheck
    assert pdfcheck.font_problems(pdfcheck.inspect_pdf(fast).fonts) == []
    assert pdfcheck.presentation_form_count(pdfcheck.raw_text(fast)) == 0


def test_a_note_too_long_for_the_block_gets_a_copy_laid_out_by_weasyprint(personal):
    """The personal block holds three lines of note; a longer one grows the block, as in the
    one-render copy does, instead of running out of it."""
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    note = " ".join(["Bring your MRI scans, your medicines and someone to drive you home."] * 6)
    patient = Patient("P-0046", "Mary-Jane Watson", "m@example.com", "en",
                      dt.datetime(2026, 12, 11, 9, 0), None, note)
    copy = make_personal_leaflet(clinic, patient).pdf
    assert copy.count(b"%%EOF") == 1  # not an update of the shared copy
    read = "".join(text for _, text in tagged_reading(copy))
    assert note.replace(" ", "") in read.replace(" ", "")
    def leaflet_top(pdf):  # the leaflet's first heading, under the personal blocks
        return next(top for text, _, top in words_on_page(pdf, 0) if text == "What")

    usual = personal["en"]  # PATIENT_EN's copy of the same clinic
    assert leaflet_top(copy) > leaflet_top(usual) + 10  # pushed down by the note


def test_soft_hyphens_get_a_copy_laid_out_by_weasyprint():
    """WeasyPrint hyphenates at a soft hyphen and puts the hyphen in the text layer; the set
    cover leaves such a note to it."""
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    note = " ".join(["Physio\u00adtherapy after the operation"] * 3)
    patient = Patient("P-0049", "Sara Haddad", "s@example.com", "en", dt.datetime(2026, 12, 11, 9, 0),
                      None, note)
    assert make_personal_leaflet(clinic, patient).pdf.count(b"%%EOF") == 1


def test_lines_a_hair_taller_than_the_block_are_left_to_weasyprint():
    """WeasyPrint grows the personal block for any overflow, however small; the set cover must
    not draw past it instead."""
    import dataclasses

    from brochure.personal import covers
    from brochure.personal.leaflet import _copy_template, _personal_rows, _typesetter
    from brochure.render.html import _font_config

    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    make_personal_leaflet(clinic, PATIENT_AR)  # fonts and the blank copy, as a batch has them
    template = _copy_template(clinic, clinic.paper, PATIENT_AR.languages).cover
    typesetter, rows = _typesetter(_font_config()), _personal_rows(PATIENT_AR, "AE")
    needed = {slot.language: sum(line.ascent + line.descent for row in rows[slot.language]
                                 for line in typesetter.lines(row, slot.language, slot.width, {}))
              for slot in template.slots}

    def with_block_heights(extra_pt):
        slots = tuple(dataclasses.replace(slot, height=needed[slot.language] + extra_pt)
                      for slot in template.slots)
        return dataclasses.replace(template, slots=slots)

    assert covers.write_cover(with_block_heights(0), typesetter, rows).count(b"%%EOF") == 2
    with pytest.raises(covers.NeedsFullLayout):
        covers.write_cover(with_block_heights(-0.05), typesetter, rows)


def _pages_text(pdf: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
