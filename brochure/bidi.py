"""Text direction: which way free text runs, Arabic-Indic digits, and Arabic for terminals.

WeasyPrint shapes and reorders Arabic itself, so PDF text goes in untouched, in logical order.
Only surfaces that cannot shape (a terminal) get `terminal_text`.
"""

from __future__ import annotations

import re

from bidi import get_base_level, get_display

ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Embedding, override and isolate controls: in clinic text they can flip what a reader sees
# (a phone number shown reversed) without changing what the file says.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Arabic presentation forms: letters already shaped (and usually reversed) by a tool such as
# arabic_reshaper. WeasyPrint shapes Arabic itself; pre-shaped text breaks search and copy/paste.
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def direction_of(text: str) -> str:
    """`rtl` or `ltr` for free text (names, addresses), from its first strong character."""
    if not text.strip():
        return "ltr"
    return "rtl" if get_base_level(text) == 1 else "ltr"


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))


def arabic_digits(text: str) -> str:
    """Western digits as Arabic-Indic, the way the reviewed Arabic content writes numbers."""
    return text.translate(ARABIC_INDIC_DIGITS)


def western_digits(text: str) -> str:
    return text.translate(WESTERN_DIGITS)


def terminal_text(text: str) -> str:
    """Arabic shaped and in visual order, for terminals that do neither (most do neither)."""
    if not has_arabic(text):
        return text
    import arabic_reshaper  # loads fontTools: only for Arabic on a terminal

    return get_display(arabic_reshaper.reshape(text))


_NUMBER_THEN_WORD = re.compile(r"(?<=[0-9\u0660-\u0669]) (?=[^\W\d_])")
# a number that ends a clause (a postcode, a building number) after a word
_WORD_THEN_LAST_NUMBER = re.compile(
    r"(?<=[^\W\d_]) (?=[0-9\u0660-\u0669][0-9\u0660-\u0669-]*(?:[,.;\u060c\u061b]|$))")


# a range of two numbers in words ("2 to 5", "٢ إلى ٥", "٨ حتى ٥")
_NUMBER_RANGE = re.compile(r"(?<=[0-9\u0660-\u0669])[ \u00a0](to|إلى|حتى) (?=[0-9\u0660-\u0669])")


def keep_numbers_with_words(text: str) -> str:
    """A no-break space after a number, so "5-6 inch", "٥-٦ بوصات" and "8 am" never split across
    lines: a reader meeting "٥-٦" at a line end and "بوصات" on the next may misread the size; in
    a range ("2 to 5 mm", "٢ إلى ٥ مم"), which read as two sizes when split; and before a number
    that ends a clause, so "Riyadh 12211," and "ميشيغان ٤٨١٢٤،" stay together."""
    text = _NUMBER_RANGE.sub("\u00a0\\1\u00a0", _NUMBER_THEN_WORD.sub("\u00a0", text))
    return _WORD_THEN_LAST_NUMBER.sub("\u00a0", text)
