"""The screen edition and a patient's own copy, read from the written PDF: tags, languages,
reading order, alternative text, bookmarks, links, size, and byte-for-byte reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import pytest

import brochure
import brochure.personal.leaflet
from brochure.config.patients import Patient
from brochure.personal.leaflet import make_personal_leaflet
from tests.conftest import EXAMPLES, run_cli
from tests.pdftext import arabic_letters, pdfium_text, same_places, tagged_reading, words_on_page

PATIENT_AR = Patient("P-0042", "فاطمة الزهراء", "f@example.com", "ar", dt.datetime(2026, 12, 8, 10, 30),
                     "Dr. Omar Haddad", "صائمة من منتصف الليل")
PATIENT_EN = Patient("P-0043", "John O'Neil", "j@example.com", "en", dt.datetime(2026, 12, 9, 15, 0),
                     None, "Bring your MRI")


@pytest.fixture(scope="module")
def screen(shared_builds):
    out, printed = shared_builds.build("--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--for", "screen")
    path = out / "al-noor" / "al-noor-miss-sheet-a4-ar-en-screen.pdf"
    assert f"{path.stat().st_size / 1024:.0f} KB" in printed  # the size is in the summary
    return path


@pytest.fixture(scope="module")
def personal():
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    return {p.language: make_personal_leaflet(clinic, p).pdf for p in (PATIENT_AR, PATIENT_EN)}


def structure(path_or_bytes):
    """(tag, language in force, alternative text) for every structure element, in tree order."""
    found = []
    with pikepdf.open(path_or_bytes) as pdf:
        def walk(element, language):
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                return
            language = str(element.get("/Lang", language) or "") or language
            found.append((str(element.S), language, str(element.get("/Alt", ""))))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid, language)
        walk(pdf.Root.StructTreeRoot.K[0], str(pdf.Root.get("/Lang", "")))
    return found


def test_screen_edition_is_tagged_pdf_ua(screen):
    with pikepdf.open(screen) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.Lang) == "ar"  # the leading language
        title = str(pdf.docinfo.Title)
        assert "جراحة العمود الفقري طفيفة التوغل" in title and "Minimally Invasive Spine Surgery" in title


def test_each_language_is_tagged_with_its_own_language(screen):
    elements = structure(screen)
    headings = [(tag, lang) for tag, lang, _ in elements if tag in ("/H1", "/H2")]
    assert ("/H1", "ar") in headings and ("/H1", "en") in headings
    assert {lang for tag, lang in headings if tag == "/H2"} == {"ar", "en"}


def test_reading_order_is_leading_language_then_the_other(screen, personal):
    # a patient's copy opens with a bilingual cover page (one masthead heading per language,
    # leading language first); the leaflet after it is read language by language
    for source, first, cover in ((screen, "ar", []), (io.BytesIO(personal["en"]), "en", ["en", "ar"])):
        languages = [lang for tag, lang, _ in structure(source) if tag in ("/H1", "/H2")]
        assert languages[:len(cover)] == cover
        languages = languages[len(cover):]
        switch = languages.index("en" if first == "ar" else "ar")
        assert set(languages[:switch]) == {first} and first not in languages[switch:]


def test_every_figure_has_alternative_text_in_its_language(screen):
    figures = [(lang, alt) for tag, lang, alt in structure(screen) if tag == "/Figure"]
    assert len(figures) >= 8
    for lang, alt in figures:
        assert alt, "a figure without alternative text"
        assert any("\u0621" <= c <= "\u064a" for c in alt) == (lang == "ar"), (lang, alt)


def test_bookmarks_for_every_section_in_both_languages(screen):
    with pikepdf.open(screen) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack.extend(item.children)
    for heading in ("What is MISS?", "Conditions it can treat", "Contact us",
                    "ما هي جراحة العمود الفقري طفيفة التوغل؟", "تواصل معنا"):
        assert heading in titles


def test_contact_links_are_clickable(screen):
    with pikepdf.open(screen) as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a}
    assert {"tel:+97141234567", "mailto:care@alnoor-spine.example",
            "https://alnoor-spine.example/miss"} <= uris


def test_screen_edition_is_small_and_reproducible(screen, tmp_path):
    assert screen.stat().st_size <= 150 * 1024
    again = run_cli("build", "--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                    "--for", "screen")
    assert again.returncode == 0
    assert (tmp_path / "al-noor" / screen.name).read_bytes() == screen.read_bytes()


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


def test_screen_edition_has_one_layout(tmp_path):
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--for", "screen", "--layout", "trifold")
    assert result.returncode == 2 and "one layout" in result.stderr


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
    # the cover's text is drawn after the page's other content, so only pdfium's stream-ordered
    # text of the cover differs; the leaflet's pages read alike
    assert pdfium_text(personal["ar"]).endswith(pdfium_text(plain).split("إصدار", 1)[1])
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


def test_a_note_too_long_for_the_block_gets_a_cover_laid_out_by_weasyprint():
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
    def arabic_masthead_top(pdf):  # the first Arabic on an English-first cover
        return min(top for text, _, top in words_on_page(pdf, 0) if re.search("[\u0600-\u06ff]", text))

    usual = make_personal_leaflet(clinic, PATIENT_EN).pdf
    assert arabic_masthead_top(copy) > arabic_masthead_top(usual) + 10  # pushed down by the note


def test_soft_hyphens_get_a_cover_laid_out_by_weasyprint():
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
    from brochure.personal.leaflet import _cover_template, _personal_rows, _typesetter
    from brochure.render.html import _font_config

    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    make_personal_leaflet(clinic, PATIENT_AR)  # fonts and the cover, as a batch has them
    template = _cover_template(clinic, clinic.paper, PATIENT_AR.languages)
    typesetter, rows = _typesetter(_font_config()), _personal_rows(PATIENT_AR)
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
