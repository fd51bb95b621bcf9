"""The lines of a patient's personal block, as templates/partials/macros.html.j2 writes them:
rows of styled runs (`Segment`) that covers.py sets with Pango and WeasyPrint lays out from the
template. No WeasyPrint here: the rows are plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brochure.bidi import direction_of
from brochure.config.content import interface_words

LINE_HEIGHT = 1.4  # .personal
SIZE_PT = {"ar": 14.0, "en": 12.0}  # .personal, .personal[dir="rtl"]
NAME_SCALE = 1.1  # .patient-name
TEXT_RGB = (0x1C, 0x1C, 0x1C)  # html
LABEL_RGB = (0x55, 0x55, 0x55)  # .personal .label
FAMILIES = {  # [lang="ar"] and [lang="en"]
    "ar": "Brochure Naskh,Brochure Brackets,Brochure Sans",
    "en": "Brochure Sans,Brochure Naskh",
}


class NeedsFullLayout(Exception):
    """The patient's lines cannot be set into the blank cover: more lines than its personal block
    holds, a word wider than the block, or a character only a system font has. personal.py then
    has WeasyPrint lay out this patient's cover, which grows the block or reports the problem."""



@dataclass(frozen=True)
class Segment:
    """A run of text in one style: the parts of a row, in reading order."""

    text: str
    language: str            # of the text itself: /Lang and the font stack
    bold: bool = False
    scale: float = 1.0
    rgb: tuple[int, int, int] = TEXT_RGB
    # an element with its own lang and dir in the template: /Lang on its Span, and its text
    # isolated in its own direction, as WeasyPrint sets such a span (a note's closing full stop
    # stays with its English in an Arabic block)
    own_element: bool = False
    span: bool = False  # in a <span> of its own (a label, or an own_element): it counts in line height

    @property
    def inline_box(self) -> bool:
        return self.span or self.own_element

    @property
    def laid_out(self) -> str:
        if not self.own_element:
            return self.text
        return ("\u2067" if self.language == "ar" else "\u2066") + self.text + "\u2069"



def rows(patient, language: str, appointment: str) -> list[list[Segment]]:
    """The personal block's rows, as templates/partials/macros.html.j2 writes them, with white
    space collapsed as in HTML (a note from a CSV can hold line breaks)."""
    words = interface_words()
    name = _collapsed(patient.name)
    name_language = "ar" if direction_of(name) == "rtl" else "en"
    found = [[Segment(words["prepared_for"][language] + " ", language, bold=True),
              Segment(name, name_language, bold=True, scale=NAME_SCALE, own_element=True)],
             [_label(words["appointment"][language], language),
              Segment(" " + appointment, language)]]
    for field_name in ("surgeon", "note"):
        value = _collapsed(getattr(patient, field_name) or "")
        if value:
            value_language = "ar" if direction_of(value) == "rtl" else "en"
            found.append([_label(words[field_name][language], language), Segment(" ", language),
                          Segment(value, value_language, own_element=True)])
    return found


def _collapsed(text: str) -> str:
    """CSS `white-space: normal`: runs of ASCII white space are one space, none at the ends
    (a no-break space stays)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip(" ")


def _label(text: str, language: str) -> Segment:
    return Segment(text, language, bold=True, rgb=LABEL_RGB, span=True)

