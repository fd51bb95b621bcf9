"""Reading a leaflet back the way a reader's software does, with each extractor's known quirks."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

ARABIC_DIGIT_RUN = re.compile("[٠-٩]+(?:[-.,:٫][٠-٩]+)*")


@contextmanager
def plumbed(source: Path | bytes) -> Iterator:
    """The PDF opened by pdfplumber, as `pdfplumber.open` gives it, but once per process for the
    same bytes: pdfplumber keeps each page's parsed objects, and parsing them is most of the time
    of a test that reads a leaflet's glyphs, rules or words. The tests that look at one leaflet
    (a tri-fold's folds, then its text, then its panels) parse it once. Read it, never change it;
    it stays open for the next test (leaving the `with` does not close it)."""
    yield _plumbed(source if isinstance(source, bytes) else Path(source).read_bytes())


@lru_cache(maxsize=24)  # more than the builds one module reads in turn (test_design has 19)
def _plumbed(data: bytes):
    import pdfplumber

    return pdfplumber.open(io.BytesIO(data))


def pdfium_text(source: Path | bytes) -> str:
    """All pages' text as pdfium extracts it, whitespace folded to single spaces."""
    document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return re.sub(r"\s+", " ", text)


def as_pdfium_reads_rtl(phrase: str) -> str:
    """pdfium gives right-to-left lines in logical order but reverses each run of digits (with
    its separators) inside them: ٥-٦ comes out as ٦-٥. The phrase is compared in that form; the
    letters themselves must still be in logical order."""
    return ARABIC_DIGIT_RUN.sub(lambda m: m.group()[::-1], phrase)


_DIGIT_RUN = re.compile("[-\u0660-\u0669]*[\u0660-\u0669][-\u0660-\u0669]*")


def arabic_letters(text: str) -> str:
    """pdfium emits Arabic tanween and harakat as separate characters wrapped in spaces, often a
    word away from their letter ("نسبي ً ا" for "نسبيًا"), and reorders a digit run that starts a
    right-to-left line ("٥-٦" as "-٥٦"). Arabic phrases are therefore compared as their letters in
    order, each digit run standing as "#": letter order is still checked character by character,
    and digit order is checked on the page by glyph position (test_layout)."""
    return _DIGIT_RUN.sub("#", re.sub(r"[\s\u064b-\u0652]", "", text))


def marked_text(pdf: bytes) -> dict[tuple[int, int], str]:
    """(page index, marked-content id) -> the raw text of the glyphs drawn in it, in drawing
    order: pdfplumber's chars, read by pdfplumber's own device, but without building the pages'
    paths (a copy's QR code alone is hundreds), which were most of the reading's time."""
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class TextOnly(PDFPageAggregatorWithMarkedContent):
        def paint_path(self, *args, **kwargs) -> None:
            pass

    def chars(objects):  # as pdfplumber's Page.iter_layout_objects walks them
        for obj in objects:
            if isinstance(obj, LTContainer):
                yield from chars(obj._objs)
            elif isinstance(obj, LTChar):
                yield obj

    by_mark: dict[tuple[int, int], str] = {}
    with plumbed(pdf) as document:
        for index, page in enumerate(document.pages):
            device = TextOnly(document.rsrcmgr, pageno=page.page_number, laparams=document.laparams)
            PDFPageInterpreter(document.rsrcmgr, device).process_page(page.page_obj)
            for char in chars(device.get_result()._objs):
                if getattr(char, "mcid", None) is not None:
                    key = (index, char.mcid)
                    by_mark[key] = by_mark.get(key, "") + char.get_text()
    return by_mark


def tagged_reading(pdf: bytes) -> list[tuple[str, str]]:
    """What a screen reader reads, in order: (language in force, text) for each structure
    element that holds marked content, walking the structure tree. Each element's text is its
    glyphs' raw text layer (pdfplumber), in the order they are drawn. The order on the page and
    in the content streams does not matter here; the tree's order does."""
    by_mark = marked_text(pdf)
    found: list[tuple[str, str]] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}

        def walk(element, language: str, page):
            language = str(element.get("/Lang", language))
            page = pages.get(element.Pg.objgen, page) if "/Pg" in element else page
            kids = element.get("/K")
            text = ""
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    text += by_mark.get((page, kid), "")
                elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
                    kid_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    text += by_mark.get((kid_page, int(kid.MCID)), "")
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, language, page)
            if text.strip():
                found.append((language, text))

        root = document.Root.StructTreeRoot
        for kid in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
            walk(kid, str(document.Root.get("/Lang", "")), None)
    return found


def words_on_page(pdf: bytes, index: int) -> list[tuple[str, float, float]]:
    """The page's words as pdfplumber groups its glyphs, each with its left and top edge (pt),
    sorted: compare two pages with `same_places`, whatever order they were drawn in."""
    with plumbed(pdf) as document:
        return sorted((word["text"], word["x0"], word["top"])
                      for word in document.pages[index].extract_words())


def same_places(words: list[tuple[str, float, float]], others: list[tuple[str, float, float]],
                tolerance_pt: float = 0.6) -> bool:
    return len(words) == len(others) and all(
        a[0] == b[0] and abs(a[1] - b[1]) <= tolerance_pt and abs(a[2] - b[2]) <= tolerance_pt
        for a, b in zip(words, others, strict=True))


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


def pdfium_lines(pdf: bytes) -> list[str]:
    """Every page's text lines as pdfium extracts them: each line of a wrapped paragraph, list
    item or contact line on its own, side-by-side columns on lines of their own or together."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document).splitlines()
    finally:
        document.close()


def letters_of(text: str) -> str:
    """Letters and digits only, an Arabic-Indic digit run as "#" (arabic_letters): what is left
    when pdfium has moved spaces, punctuation and vowel marks about."""
    return "".join(c for c in arabic_letters(text) if c.isalnum() or c == "#")


def example_lines(shared_builds, slug: str, layout: str, edition: str, paper: str,
                  languages: str) -> list[str]:
    """An example clinic's leaflet, built through the API once a session, read back as text lines."""
    return pdfium_lines(shared_builds.made(slug, layout, edition, paper, languages).pdf)
