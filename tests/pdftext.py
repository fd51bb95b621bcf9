"""Reading a leaflet back the way a reader's software does, with each extractor's known quirks."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

ARABIC_DIGIT_RUN = re.compile("[٠-٩]+(?:[-.,:٫][٠-٩]+)*")


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
