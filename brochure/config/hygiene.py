"""What typed text may hold, for every file staff edit (clinic.toml, section files, patients.csv):
one definition of an email address, of the characters that hide what text says, and of text that
shows nothing at all."""

from __future__ import annotations

import re
import unicodedata

from brochure.bidi import BIDI_CONTROLS, PRESENTATION_FORMS

# Deliberately plain ASCII (every mail server takes it): no spaces, quotes, commas or angle
# brackets, which could smuggle a second address into a header; one @; a dotted domain.
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&*+/=?^_`{|}~'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
LINE_SEPARATORS = "\u2028\u2029"  # Unicode's: text, not control characters; no font draws them
LINE_BREAKS = "\n\r" + LINE_SEPARATORS
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and newlines are text


def hidden_trouble(value: str, *, line_breaks: bool = True) -> str | None:
    """Why `value` would not print what it seems to say, or None: a control character, a
    direction control, pre-shaped Arabic, a line break in one-line text, or nothing visible."""
    if found := _CONTROLS.search(value):
        return (f"contains the control character U+{ord(found.group()):04X}, which prints as "
                "nothing or as a box; remove it")
    if found := BIDI_CONTROLS.search(value):
        return (f"contains the invisible direction control U+{ord(found.group()):04X}, which "
                "can make text display differently from what it says; remove it")
    if PRESENTATION_FORMS.search(value):
        return ("contains pre-shaped Arabic (presentation forms, e.g. from arabic_reshaper); "
                "type or paste the plain Arabic text instead")
    if not line_breaks and any(c in LINE_BREAKS for c in value):
        return ("contains a line break; this is one line (on the leaflet and in the email's "
                "headers): remove it")
    if value and not visible(value):
        return ("contains only invisible characters (such as zero-width joiners or spaces), "
                "which print as nothing; type the text itself")
    return None


def visible(value: str) -> bool:
    """True when `value` shows something: a character that is not a space, a control or a format
    character (zero-width joiners, direction marks)."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf") for c in value)
