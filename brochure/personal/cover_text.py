"""The lines of a patient's personal block, one source for both ways of setting them: `fields`
gives the rows (a label and a value) that templates/partials/macros.html.j2 writes for WeasyPrint,
and `rows` the same rows as styled runs (`Segment`) that covers.py sets with Pango.

A value keeps what staff typed: a note's line breaks (each line its own row; blank lines
collapse), and phone numbers, addresses, times, dates and codes as single left-to-right units
(brochure.text_runs). A run in the other language is set at that language's size, so Latin in
the Arabic block matches the English block's text and Arabic in the English block the Arabic's.
No WeasyPrint here: the rows are plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markupsafe import Markup

from brochure.bidi import direction_of
from brochure.config.content import interface_words
from brochure.text_runs import kept_whole_html, runs

LINE_HEIGHT = 1.4  # .personal
SIZE_PT = {"ar": 14.0, "en": 12.0}  # .personal [lang="ar"], .personal [lang="en"]
NAME_SCALE = 1.1  # .patient-name
TEXT_RGB = (0x1C, 0x1C, 0x1C)  # html
LABEL_RGB = (0x55, 0x55, 0x55)  # .personal .label
FAMILIES = {  # [lang="ar"] and [lang="en"]
    "ar": "Brochure Naskh,Brochure Brackets,Brochure Sans",
    "en": "Brochure Sans,Brochure Naskh",
}
# Unicode isolates: how WeasyPrint sets an element with its own dir (and how the set cover must)
ISOLATE = {"rtl": "\u2067", "ltr": "\u2066"}
POP_ISOLATE = "\u2069"


class NeedsFullLayout(Exception):
    """The patient's lines cannot be set into the blank blocks: more lines than a block holds, a
    word wider than the block, or a character no bundled font has. WeasyPrint then lays out this
    patient's copy, which grows the block or reports the problem."""


@dataclass(frozen=True)
class Field:
    """A row of a personal block: `label` (None on a note's further lines) and a typed value."""

    label: str | None
    value: str
    css: str = "value"
    region: str | None = None  # where a local phone number in the value is dialled
    kept: bool = True          # look for runs to keep whole (typed text; not the appointment)

    @property
    def dir(self) -> str:
        return direction_of(self.value)

    @property
    def lang(self) -> str:
        return "ar" if self.dir == "rtl" else "en"

    @property
    def html(self) -> Markup:
        if not self.kept:
            return Markup.escape(self.value)
        return kept_whole_html(self.value, self.region, element="span")


def fields(patient, language: str, appointment: str, region: str | None = None) -> list[Field]:
    words = interface_words()
    found = [Field(words["patient_name"][language], _collapsed(patient.name), "patient-name", region),
             Field(words["appointment"][language], appointment, kept=False)]
    if patient.surgeon and _collapsed(patient.surgeon):
        found.append(Field(words["surgeon"][language], _collapsed(patient.surgeon), region=region))
    lines = [_collapsed(line) for line in re.split(r"\r\n|[\r\n]", patient.note or "")]
    for index, line in enumerate(line for line in lines if line):
        found.append(Field(words["note"][language] if index == 0 else None, line, region=region))
    return found


def _collapsed(text: str) -> str:
    """CSS `white-space: normal` on one line: runs of ASCII white space are one space, none at
    the ends (a no-break space stays)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip(" ")


@dataclass(frozen=True)
class Segment:
    """A run of text in one style: the parts of a row, in reading order."""

    text: str
    language: str            # of the text itself: the font stack (and /Lang when own_element)
    bold: bool = False
    scale: float = 1.0       # of the block's size
    rgb: tuple[int, int, int] = TEXT_RGB
    # in an element with its own lang and dir in the template: /Lang on its Span; `opens` and
    # `closes` are the isolates WeasyPrint's bidi gives that element (a value opens one, a run
    # kept whole inside it opens and closes its own, the value's last part closes it)
    own_element: bool = False
    span: bool = False       # in a <span> of its own (a label): it counts in the line's height
    opens: str = ""
    closes: str = ""
    whole: bool = False      # no line break inside (white-space: nowrap)
    # a run kept whole sits in the value's element, whose strut (language, size in pt) also
    # counts in the height of its lines
    outer: tuple[str, float] | None = None

    @property
    def inline_box(self) -> bool:
        return self.span or self.own_element

    @property
    def laid_out(self) -> str:
        return self.opens + self.text + self.closes


def rows(patient, language: str, appointment: str, region: str | None = None) -> list[list[Segment]]:
    """The personal block's rows as segments, as the template writes `fields`."""
    return [_row(field, language) for field in fields(patient, language, appointment, region)]


def _row(field: Field, block: str) -> list[Segment]:
    row = []
    if field.label is not None:
        row += [Segment(field.label, block, bold=True, rgb=LABEL_RGB, span=True),
                Segment(" ", block)]
    name = field.css == "patient-name"
    scale = NAME_SCALE if name else 1.0
    pieces = runs(field.value, field.region) if field.kept else []
    if not any(piece.whole for piece in pieces):
        return [*row, Segment(field.value, field.lang, bold=name,
                              scale=SIZE_PT[field.lang] * scale / SIZE_PT[block], own_element=True,
                              opens=ISOLATE[field.dir], closes=POP_ISOLATE)]
    parts = []
    for piece in pieces:
        language = piece.language if piece.whole else field.lang
        parts.append(Segment(piece.text, language, bold=name,
                             scale=SIZE_PT[language] * scale / SIZE_PT[block], own_element=True,
                             opens=ISOLATE["ltr"] if piece.whole else "",
                             closes=POP_ISOLATE if piece.whole else "", whole=piece.whole,
                             outer=(field.lang, SIZE_PT[field.lang] * scale) if piece.whole else None))
    first, last = parts[0], parts[-1]
    parts[0] = replace(first, opens=ISOLATE[field.dir] + first.opens)
    parts[-1] = replace(parts[-1], closes=last.closes + POP_ISOLATE)
    return [*row, *parts]
