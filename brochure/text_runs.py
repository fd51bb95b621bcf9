"""Runs of staff-typed text that must reach a patient exactly as typed: phone numbers, email and
web addresses, times, dates and codes such as an MRN. Each is one unit, set left to right (never
reordered by the Arabic around it) and never broken across lines.

`runs` finds them with libraries made for it (phone numbers with `phonenumbers`, email and web
addresses with `linkify-it-py`, which knows the real top-level domains, so "alnoor.ae/miss" is an
address and "Dr.Omar" is not); times, dates and codes by pattern. The
patient's cover (templates and personal/cover_text.py) and the email bodies use the same runs:
`kept_whole_html` for an HTML body, `kept_whole_plain` for a plain-text one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

# Unicode's own way of isolating a left-to-right run in plain text (UAX #9): LRI ... PDI
LRI, PDI = "\u2066", "\u2069"

_TIME = r"(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?:\s?(?:[aApP]\.?[mM]\.?))?(?![\w:])"
_DATE = r"(?<![\w/.-])\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![\w/-])"
# a code mixes letters and digits, with its own separators: MRN-004521, P/0042, AB12-34
_CODE = r"(?<![\w-])(?=[\w/#-]*\d)(?=[\w/#-]*[A-Za-z])[A-Za-z0-9]+(?:[-/#][A-Za-z0-9]+)+(?![\w-])"
_PATTERN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in (
    ("time", _TIME), ("date", _DATE), ("code", _CODE))))


# a time range, in either script: "8:00 to 20:00", "9-5 pm", "٨:٠٠ حتى ٢٠:٠٠", "من ٨ صباحًا حتى ٥ مساءً";
# each end a time of day (with minutes or a word for the half of the day) or a bare hour
_HOUR = r"\d{1,2}(?::\d{2})?"
_DAY_HALF = r"(?:[aApP]\.?[mM]\.?|صباحًا|صباحا|مساءً|مساء|ظهرًا|ظهرا|ص|م)(?!\w)"
_TIME_OF_DAY = rf"(?:\d{{1,2}}:\d{{2}}(?:[\s\u00a0]?{_DAY_HALF})?|\d{{1,2}}[\s\u00a0]?{_DAY_HALF})"
_TIME_RANGE = re.compile(
    rf"(?<![\w:])(?:{_TIME_OF_DAY}|{_HOUR})[\s\u00a0]*(?:-|\u2013|\u2014|to|until|till|حتى|إلى|الى)"
    rf"[\s\u00a0]*{_TIME_OF_DAY}")


def time_ranges(text: str) -> list[tuple[int, int]]:
    """Where `text` gives a time range ("8:00 to 20:00", "٨ صباحًا حتى ٥ مساءً"): start and end
    offsets. A range broken at its dash or its "to" reads as two times; it is kept whole, in the
    direction of the text around it (its joining word is in that text's language)."""
    return [match.span() for match in _TIME_RANGE.finditer(text)]


@dataclass(frozen=True)
class Run:
    """A piece of typed text: `kind` is "" for ordinary text, else what is kept whole."""

    text: str
    kind: str = ""

    @property
    def whole(self) -> bool:
        return bool(self.kind)

    @property
    def language(self) -> str:
        """The language it is tagged with: an address is English; digits take their script."""
        return "ar" if re.search("[\u0660-\u0669\u06f0-\u06f9]", self.text) else "en"


def runs(text: str, region: str | None = None) -> list[Run]:
    """`text` cut into runs, in order; joining their texts gives `text` back. `region` (two
    letters, "AE") is where a phone number without a country code is dialled."""
    return list(_runs(text, region))


@lru_cache(maxsize=4096)
def _runs(text: str, region: str | None) -> tuple[Run, ...]:
    found = sorted(_phones(text, region) + _others(text))
    pieces, at = [], 0
    for start, end, kind in found:
        if start < at:  # inside one found earlier (a date in a URL)
            continue
        if start > at:
            pieces.append(Run(text[at:start]))
        pieces.append(Run(text[start:end], kind))
        at = end
    if at < len(text):
        pieces.append(Run(text[at:]))
    return tuple(pieces)


def _phones(text: str, region: str | None) -> list[tuple[int, int, str]]:
    if not any(c.isdigit() for c in text):
        return []
    import phonenumbers

    return [(match.start, match.end, "phone") for match in phonenumbers.PhoneNumberMatcher(
        text, region or "ZZ", leniency=phonenumbers.Leniency.POSSIBLE)]


def _others(text: str) -> list[tuple[int, int, str]]:
    found = [(match.start(), match.end(), match.lastgroup or "") for match in _PATTERN.finditer(text)]
    if "." in text:
        found += [(link.index, link.last_index, "email" if link.schema == "mailto:" else "url")
                  for link in _links().match(text) or ()]
    return found


@lru_cache(maxsize=1)
def _links():
    from linkify_it import LinkifyIt

    # .example is reserved for documentation (RFC 2606): the example clinics' addresses use it
    return LinkifyIt().tlds(["example"], True)


def region_of(phone: str) -> str | None:
    """The region of a clinic's own phone number ("+971 4 123 4567" -> "AE"): local numbers a
    patient's note gives are read as dialled there."""
    import phonenumbers

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) or None
    except phonenumbers.NumberParseException:
        return None


def kept_whole_html(text: str, region: str | None = None, element: str = "bdi") -> Markup:
    """`text` escaped, each kept-whole run in `<bdi dir="ltr" lang=..>` that does not wrap, for
    an HTML email body. The cover's template asks for a <span> (tagged /Span in the PDF, where
    WeasyPrint would tag a <bdi> /NonStruct); WeasyPrint isolates either, as `dir` asks."""
    tag = Markup(element)
    return Markup("").join(
        Markup('<{0} dir="ltr" lang="{1}" class="kept-whole" style="white-space: nowrap">{2}</{0}>')
        .format(tag, run.language, run.text) if run.whole else escape(run.text)
        for run in runs(text, region))


def kept_whole_plain(text: str, region: str | None = None) -> str:
    """`text` with each kept-whole run isolated left to right (LRI ... PDI), for a plain-text
    email body: a mail reader that shows Arabic right to left keeps "+971 4 123 4567" in order."""
    return "".join(f"{LRI}{run.text}{PDI}" if run.whole else run.text
                   for run in runs(text, region))
