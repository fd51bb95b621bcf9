"""The PDF's text layer: the reviewed wording in both languages, in logical order, unshaped, so
copy/paste, search and screen readers work."""

from __future__ import annotations

import io
from functools import lru_cache

import arabic_reshaper
import pytest
from bidi import get_display
from pypdf import PdfReader

import brochure
from brochure.pdf import inspect as pdfcheck
from brochure.render.html import render_pdf
from tests.conftest import EXAMPLES
from tests.pdftext import arabic_letters, as_pdfium_reads_rtl, pdfium_text

SEED_ARABIC = [
    "ليس لها معنى أو تعريف محدد ولكنها تعني عدم وجود توغل جراحي شديد",
    "يتطلب شقا بحجم ٥-٦ بوصات والمكوث شهرا في المستشفى",
    "من خلال فتحة جلدية تبلغ ٢ إلى ٥ مم",
    "تتطلب الإجراءات التي يتم إجراؤها بالمجهر فتحات جلدية بحجم بوصة واحدة تقريبا أو أكثر",
    "أحدث التقنيات وتقنيات التصوير المتقدمة والمعدات الطبية الخاصة",
    "مرض القرص التنكسي",
    "فتق القرص",
    "عدم الاستقرار",
    "للمرضى الذين كانوا يعتبرون سابقا معرضين لخطر كبير جدا جراء الجراحة التقليدية",
]
SEED_ENGLISH = [
    "has no specific meaning or definition",
    "used to require a 5-6 inch incision and a month in the hospital",
    "can be done through a 2 to 5 mm skin opening",
    "procedures done with a microscope require skin openings of approximately one inch, or more",
    "degenerative disc disease",
    "previously considered too high-risk for traditional surgery",
]
CONDITIONS_EN = ["degenerative disc disease", "disc herniation", "fractures", "tumors", "infections",
                 "instability", "deformity"]
CONDITIONS_AR = ["مرض القرص التنكسي", "فتق القرص", "الكسور", "الأورام", "الالتهابات", "عدم الاستقرار",
                 "التشوه"]
BENEFITS_AR = ["إصابات الأنسجة", "النزيف", "التعرض للإشعاع", "خطر العدوى", "فترات الإقامة في المستشفى"]


@pytest.mark.parametrize("key", ["al-noor", "dar-al-shifa", "harbor-spine", "al-noor:letter:ar,en"])
def test_seed_wording_is_in_the_text_layer_in_logical_order(built, key):
    text = pdfium_text(built[key])
    letters = arabic_letters(text)
    for phrase in SEED_ARABIC + CONDITIONS_AR + BENEFITS_AR:
        assert arabic_letters(as_pdfium_reads_rtl(phrase)) in letters, phrase
    for phrase in SEED_ENGLISH + CONDITIONS_EN:
        assert phrase in text, phrase


def test_single_language_leaflet_holds_only_that_language(built):
    arabic_only = pdfium_text(built["al-noor:a4:ar"])
    assert "degenerative disc disease" not in arabic_only
    assert arabic_letters(as_pdfium_reads_rtl("مرض القرص التنكسي")) in arabic_letters(arabic_only)
    english_only = pdfium_text(built["harbor-spine:letter:en"])
    assert "degenerative disc disease" in english_only
    assert "مرض" not in english_only


def test_arabic_keeps_arabic_indic_digits_from_the_source(built):
    text = pdfium_text(built["al-noor"])
    for digit in "٥٦٢":
        assert digit in text
    assert "بحجم 5" not in text and "بحجم\xa05" not in text


@lru_cache(maxsize=8)
def _pypdf_text(pdf: bytes) -> str:
    """Every page's text as pypdf extracts it, once per process for the same PDF (two tests read
    al-noor's and harbor-spine's)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("key", ["al-noor", "dar-al-shifa", "harbor-spine", "al-noor:a4:ar"])
def test_no_presentation_forms_in_the_raw_glyph_text(built, key):
    data = built[key].read_bytes()
    raw = _pypdf_text(data)
    assert "جراحة" in raw  # the extractor does read the Arabic...
    assert pdfcheck.presentation_form_count(raw) == 0  # ...as base letters
    assert pdfcheck.presentation_form_count(pdfcheck.inspect_pdf(data).mapped_text) == 0


def test_presentation_form_checks_fail_on_pre_shaped_arabic():
    """Proof that the checks above can fail: the classic mistake of reshaping Arabic before
    WeasyPrint puts presentation forms into the PDF, and both the pypdf reading and the build's
    ToUnicode check see them (pdfium would have normalised them away)."""
    clinic = brochure.load_clinic(EXAMPLES / "harbor-spine")
    shaped = get_display(arabic_reshaper.reshape("جراحة العمود الفقري طفيفة التوغل"))
    html = (f'<html><head><style>@page {{ size: A4 }} body {{ font-family: "Brochure Naskh" }}'
            f'</style></head><body><p lang="ar" dir="rtl">{shaped}</p></body></html>')
    pdf = render_pdf(html, clinic).pdf
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert pdfcheck.presentation_form_count(raw) > 10
    assert pdfcheck.presentation_form_count(pdfcheck.inspect_pdf(pdf).mapped_text) > 10


def test_document_title_and_language_are_set(built):
    reader = PdfReader(built["al-noor"])
    assert "جراحة العمود الفقري طفيفة التوغل" in reader.metadata.title
    assert "Minimally Invasive Spine Surgery" in reader.metadata.title
    assert reader.trailer["/Root"].get("/Lang") == "ar"
    assert PdfReader(built["harbor-spine"]).trailer["/Root"].get("/Lang") == "en"


@pytest.mark.parametrize("text, kept", [
    ("a 5-6 inch incision", "5-6\u00a0inch"), ("بحجم ٥-٦ بوصات", "٥-٦\u00a0بوصات"),
    ("تبلغ ٢ إلى ٥ مم", "٥\u00a0مم"), ("Sunday, 8 am to 5 pm", "8\u00a0am"),
    # a postcode or building number ending a clause keeps the word before it
    ("Al Olaya, Riyadh 12211, Saudi Arabia", "Riyadh\u00a012211,"),
    ("Dearborn, MI 48124, USA", "MI\u00a048124,"), ("الرياض ١٢٢١١، المملكة", "الرياض\u00a0١٢٢١١،"),
    ("ديربورن، ميشيغان ٤٨١٢٤، الولايات", "ميشيغان\u00a0٤٨١٢٤،"),
    ("Building 4, Dubai", "Building\u00a04,"),
    # a range of two numbers is one run
    ("through a 2 to 5 mm skin opening", "2\u00a0to\u00a05\u00a0mm"),
    ("تبلغ ٢ إلى ٥ مم", "٢\u00a0إلى\u00a0٥\u00a0مم"),
])
def test_numbers_stay_on_the_line_of_their_unit(text, kept):
    from brochure.bidi import keep_numbers_with_words

    assert kept in keep_numbers_with_words(text)
    assert keep_numbers_with_words("2100 Michigan Avenue, 4 Al Olaya") == \
        "2100\u00a0Michigan Avenue, 4\u00a0Al Olaya"  # a number with the word after it only


@pytest.mark.parametrize("key, phrases", [
    ("harbor-spine", ["+1 (313) 555-0142", "(print at 100%)"]),
    ("al-noor", ["(print at 100%)", "(MRI, CT"]),
])
def test_english_brackets_copy_out_the_right_way_round(built, key, phrases):
    """Mirrored brackets in Arabic text come from their own font: if they shared glyphs with the
    English brackets, a glyph would map to "(" in one place and ")" in another, and copy/paste,
    search and screen readers would get the English reversed."""
    raw = _pypdf_text(built[key].read_bytes())
    for phrase in phrases:
        assert phrase in raw
