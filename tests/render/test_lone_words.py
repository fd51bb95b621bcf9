"""No word left alone on a line where the renders showed one, read back line by line from real
leaflets: the last word of a clinic's name ("والأعصاب" under dar-al-shifa's long Arabic name),
of a figure's bar label ("أو أكثر" beside its bar), and a word broken after a short prefix and its
hyphen ("X-" at a line's end, "ray)" on the next)."""

from __future__ import annotations

import re

import pytest

import brochure
from brochure.config.content import interface_words
from tests.conftest import EXAMPLES, Lazy
from tests.pdftext import example_lines, letters_of

BUILDS = [
    ("dar-al-shifa", "sheet", "office", "a4", "ar,en"),
    ("dar-al-shifa", "trifold", "office", "letter", "ar,en"),
    ("al-noor", "sheet", "office", "letter", "en,ar"),  # also test_list_apart.py
    ("al-noor", "sheet", "screen", "letter", "en"),
]


@pytest.fixture(scope="module")
def lines(shared_builds):
    return Lazy(lambda build: [line.strip() for line in example_lines(shared_builds, *build)])


def _ids(build) -> str:
    return "-".join(build)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_clinic_name_and_bar_labels_never_end_on_one_word(lines, build):
    clinic = brochure.load_clinic(EXAMPLES / build[0])
    last_words = {clinic.name.ar.split()[-1], clinic.name.en.split()[-1], "أكثر"}
    alone = {letters_of(word) for word in last_words} & {letters_of(line) for line in lines[build]}
    assert not alone


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_no_line_ends_on_a_short_prefix_and_its_hyphen(lines, build):
    assert not [line for line in lines[build] if re.search(r"(?<![\w-])\w{1,2}-$", line)]


# the size range of the seed text, never broken inside ("٢ إلى" / "٥ مم" on harbor-spine's flap);
# an Arabic-Indic number reads "#" (tests/pdftext.py)
RANGE_HALVES = {"en": ("2to", "5mm"), "ar": ("#إلى", "#مم")}
RANGE_BUILDS = [*BUILDS, ("harbor-spine", "trifold", "office", "letter", "en,ar")]


@pytest.mark.parametrize("build", RANGE_BUILDS, ids=_ids)
def test_a_range_of_sizes_is_never_split_across_lines(lines, build):
    for lang in build[4].split(","):
        first, second = RANGE_HALVES[lang]
        split = [line for line in lines[build]
                 if letters_of(line).endswith(first) or letters_of(line).startswith(second)]
        assert not split, lang


@pytest.mark.parametrize("build", RANGE_BUILDS, ids=_ids)
def test_the_disclaimer_never_ends_on_one_word_alone(lines, build):
    """"condition." stood alone under harbor-spine's English disclaimer on the Letter tri-fold."""
    words = interface_words()["disclaimer"]
    last_words = {letters_of(getattr(words, lang).split()[-1]) for lang in ("en", "ar")}
    assert not last_words & {letters_of(line) for line in lines[build]}


def test_the_website_label_never_stands_alone_on_its_line(lines):
    """"الموقع الإلكتروني:" stood alone above harbor-spine's address on every Arabic page of
    bilingual-pages: where the full label and the address do not fit one line, the short label
    ("الموقع:") goes beside it."""
    build = ("harbor-spine", "bilingual-pages", "office", "letter", "en,ar")
    words = interface_words()
    labels = {letters_of(getattr(words[key], lang)) for key in ("website", "website_short")
              for lang in ("en", "ar")}
    assert not labels & {letters_of(line) for line in lines[build]}
    assert any(letters_of(words["website_short"].ar) in letters_of(line) for line in lines[build])


def test_a_long_clinic_name_on_a_trifold_panel_breaks_in_balanced_lines(lines):
    """dar-al-shifa's Arabic name filled its first line on the back panel and split "العمود
    الفقري" (the spine) over two; centred on a panel, a name now breaks in balanced lines."""
    build = ("dar-al-shifa", "trifold", "office", "letter", "ar,en")
    read = {letters_of(line) for line in lines[build]}
    assert letters_of("مستشفى دار الشفاء التخصصي") in read
    assert letters_of("لجراحة العمود الفقري والمخ والأعصاب") in read


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_no_paragraph_ends_on_one_word_alone(lines, build):
    """"invasion.", "hospital.", "شديد." and "الحالة." stood alone under the sections'
    paragraphs on about 60 pages of the visual review."""
    from brochure.config.content import load_topic

    last_words = {letters_of(paragraph.split()[-1]) for section in load_topic("miss").sections
                  for lang in ("en", "ar")
                  for paragraph in (*section[lang].paragraphs, *section[lang].closing)}
    assert not last_words & {letters_of(line) for line in lines[build]}


BACK_DISCLAIMER_BUILDS = [BUILDS[1], ("harbor-spine", "trifold", "office", "letter", "en,ar")]


@pytest.mark.parametrize("build", BACK_DISCLAIMER_BUILDS, ids=_ids)
def test_the_disclaimer_beside_the_qr_code_sets_in_even_lines(lines, build):
    """On a Letter tri-fold's back, filled to the full measure the English disclaimer ended
    "advice: ask your surgeon" / "about your" / "own condition."; balanced, no line is much
    shorter than the longest (characters stand for width: one font, one size)."""
    disclaimer = interface_words()["disclaimer"]
    for lang, first_word in (("en", "This"), ("ar", disclaimer.ar.split()[0])):
        text = lines[build]
        start = next(i for i, line in enumerate(text) if line.startswith(first_word))
        end = next(i for i in range(start, len(text)) if text[i].rstrip(".").endswith(
            disclaimer[lang].rstrip(".").split()[-1]))
        lengths = [len(line) for line in text[start:end + 1]]
        assert len(lengths) >= 3 and min(lengths) >= 0.6 * max(lengths), (lang, text[start:end + 1])
