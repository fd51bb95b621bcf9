"""Parity: both languages of every section say the same thing, as far as a machine can tell: both
are there, they give the same numbers (Arabic-Indic digits read as digits), and neither is much
shorter than the other."""

from __future__ import annotations

import re

from brochure.bidi import arabic_digits, western_digits
from brochure.checks.findings import ERROR, WARNING, Finding, sections_in_files, topic_file
from brochure.config.clinic import Clinic
from brochure.config.content import Bilingual, Text, Topic
from brochure.errors import display_path

# re's \d matches Arabic-Indic digits too; the separators join a number's parts ("12,211", "2.5",
# "٢٫٥"), while "5-6" and "8:00" are two numbers each, as they are in both languages.
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")  # tanween and harakat: "واحدةً" is "واحدة"
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")

# A number spelled out ("about one inch") may stand against digits in the other language ("١
# بوصة"). Spelled numbers only excuse digits; they never demand any, because "one" and "أحد" are
# also ordinary words.
ENGLISH_NUMBERS = dict(zip(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve"], map(str, range(13)), strict=True)) | {"twenty": "20", "thirty": "30", "hundred": "100"}
ARABIC_NUMBERS = {word: str(value) for value, words in enumerate([
    ("صفر",), ("واحد", "واحدة"), ("اثنان", "اثنين", "اثنتان", "اثنتين"), ("ثلاث", "ثلاثة"),
    ("أربع", "أربعة"), ("خمس", "خمسة"), ("ست", "ستة"), ("سبع", "سبعة"), ("ثمان", "ثماني", "ثمانية"),
    ("تسع", "تسعة"), ("عشر", "عشرة")]) for word in words} | {
    "عشرون": "20", "عشرين": "20", "ثلاثون": "30", "ثلاثين": "30", "مائة": "100", "مئة": "100"}

# Arabic and English run to about the same number of letters here (0.9 to 1.06 in the reviewed
# content); below this share of the other language, something was probably left out.
SHORTER_THAN = 0.6
LONG_ENOUGH_TO_COMPARE = 60  # letters; a heading and a phone number say little about omissions


def findings(clinic: Clinic, topic: Topic) -> list[Finding]:
    found = []
    for placed in sections_in_files(clinic, topic):
        en, ar = placed.section.en, placed.section.ar
        where = (placed.file, placed.key)
        found += _both_there(where, placed.name, en, ar)
        found += _numbers(where, placed.name + ": ", _words(en), _words(ar))
        found += _lengths(where, placed.name, _words(en), _words(ar))
    # Text outside sections that carries numbers a patient acts on: the incision lengths of the
    # figure, the clinic's opening hours and address. An address may fairly leave out a postal code
    # in one language, so there it is a warning. (Names are left alone: a number in one language
    # of a name is usually part of the brand.)
    for index, bar in enumerate(topic.incision_bars):
        found += _numbers((topic_file(), f"figure.incisions.bars[{index}]"), "", bar.label.en, bar.label.ar)
    found += _numbers((topic_file(), "figure.incisions.caption"), "", topic.incision_caption.en,
                      topic.incision_caption.ar)
    contact: dict[str, tuple[Bilingual | None, str]] = {
        "contact.address": (clinic.contact.address, WARNING), "contact.hours": (clinic.contact.hours, ERROR)}
    for key, (text, severity) in contact.items():
        if text is not None:
            found += _numbers((display_path(clinic.config_file), key), "", text.en, text.ar, severity)
    return found


def _words(side: Text) -> str:
    return "\n".join((side.heading, *side.paragraphs, *side.items, *side.closing))


def _both_there(where, name: str, en: Text, ar: Text) -> list[Finding]:
    body = {"English": [*en.paragraphs, *en.items, *en.closing],
            "Arabic": [*ar.paragraphs, *ar.items, *ar.closing]}
    empty = [language for language, texts in body.items() if not texts]
    if len(empty) == 1:
        missing = empty[0]
        present = "Arabic" if missing == "English" else "English"
        return [Finding(ERROR, "parity", *where, f"{name}: has text in {present} but only a heading "
                        f"in {missing}", f"translate the section into {missing}, or shorten both")]
    if len(en.items) != len(ar.items):
        return [Finding(WARNING, "parity", *where, f"{name}: {len(en.items)} bullet points in English, "
                        f"{len(ar.items)} in Arabic", "give every bullet point its translation")]
    return []


def numbers(text: str) -> set[str]:
    """The numbers written in digits, as plain Western-digit values: "٥-٦" -> {"5", "6"}."""
    values = set()
    for token in _NUMBER.findall(text):
        token = western_digits(token).replace("٫", ".").replace("٬", "").replace(",", "")
        # one point is a decimal; more (25.12.2026, Suite 1.2.3) is a date or a code: each part counts
        parts = [token] if token.count(".") <= 1 else token.split(".")
        for part in parts:
            whole, _, fraction = part.partition(".")
            whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
            values.add(f"{whole}.{fraction}" if fraction else whole)
    return values


def spelled_numbers(text: str, language: str) -> set[str]:
    if language == "en":
        return {ENGLISH_NUMBERS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in ENGLISH_NUMBERS}
    found = set()
    for word in _ARABIC_WORD.findall(_ARABIC_MARKS.sub("", text)):
        stems = [word] + [word[len(p):] for p in _ARABIC_PREFIXES if word.startswith(p)]
        found.update(ARABIC_NUMBERS[stem] for stem in stems if stem in ARABIC_NUMBERS)
    return found


def _numbers(where, name: str, en: str, ar: str, severity: str = ERROR) -> list[Finding]:
    in_en, in_ar = numbers(en), numbers(ar)
    only_en = sorted(in_en - in_ar - spelled_numbers(ar, "ar"), key=float)
    only_ar = sorted(in_ar - in_en - spelled_numbers(en, "en"), key=float)
    if not only_en and not only_ar:
        return []
    differences = []
    if only_en:
        differences.append(f"{', '.join(only_en)} only in English")
    if only_ar:
        differences.append(f"{', '.join(f'{arabic_digits(n)} ({n})' for n in only_ar)} only in Arabic")
    return [Finding(severity, "parity", *where, f"{name}the languages give different numbers: "
                    + "; ".join(differences),
                    "make both say the same (Arabic-Indic digits count as digits: ٥ is 5)")]


def _letters(text: str) -> int:
    return sum(char.isalnum() for char in text)


def _lengths(where, name: str, en: str, ar: str) -> list[Finding]:
    counts = {"English": _letters(en), "Arabic": _letters(ar)}
    (short, fewer), (long, more) = sorted(counts.items(), key=lambda item: item[1])
    if more < LONG_ENOUGH_TO_COMPARE or fewer >= SHORTER_THAN * more:
        return []
    return [Finding(WARNING, "parity", *where, f"{name}: the {short} is much shorter than the {long} "
                    f"({fewer} letters to {more})", "check that nothing was left out of the translation")]
