"""The screen edition and a patient's own copy, read from the written PDF: tags, languages,
reading order, alternative text, bookmarks, links, size, and byte-for-byte reproducibility."""

from __future__ import annotations

import io

import pikepdf
import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.pdftext import structure


@pytest.fixture(scope="module")
def screen(shared_builds):
    out, printed = shared_builds.build("--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--for", "screen")
    path = out / "al-noor" / "al-noor-miss-sheet-a4-ar-en-screen.pdf"
    assert f"{path.stat().st_size / 1024:.0f} KB" in printed  # the size is in the summary
    return path


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
    # a patient's copy has no cover page of its own: its personal blocks head the first page,
    # under its one masthead; the leaflet is read language by language
    for source, first, cover in ((screen, "ar", []), (io.BytesIO(personal["en"]), "en", [])):
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


def test_screen_edition_has_one_layout(tmp_path):
    result = run_cli("build", "--clinic", "al-noor", "--clinics-dir", EXAMPLES, "--out", tmp_path,
                     "--for", "screen", "--layout", "trifold")
    assert result.returncode == 2 and "one layout" in result.stderr
