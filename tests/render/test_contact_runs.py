"""Contact blocks read back line by line from real leaflets: a time range never breaks at its dash
or its "to" (al-noor's Arabic hours left "٢٠:٠٠" alone on a line), no time stands alone on a line
(it keeps the word before it), and phone numbers, email and web addresses are never split."""

from __future__ import annotations

import pytest

import brochure
from tests.conftest import EXAMPLES, Lazy
from tests.pdftext import example_lines, letters_of

# each layout's contact block (the tri-fold's is on its back panel), both orders, one language
BUILDS = [
    ("al-noor", "sheet", "office", "a4", "ar,en"),
    ("al-noor", "sheet", "press", "letter", "en,ar"),
    ("al-noor", "sheet", "office", "a4", "ar"),
    ("al-noor", "sheet", "screen", "a4", "en,ar"),
    ("al-noor", "trifold", "office", "a4", "ar,en"),
    ("harbor-spine", "bilingual-pages", "office", "letter", "en,ar"),
    ("harbor-spine", "trifold", "press", "letter", "en"),
]
# the time range of each clinic's opening hours with the word before it, as typed
HOURS = {"al-noor": {"en": "Thursday, 8:00 to 20:00", "ar": "الخميس، ٨:٠٠ حتى ٢٠:٠٠"},
         "harbor-spine": {"en": "Friday, 8 am to 5 pm", "ar": "من ٨ صباحًا حتى ٥ مساءً"}}


@pytest.fixture(scope="module")
def lines(shared_builds):
    return Lazy(lambda build: [letters_of(line) for line in example_lines(shared_builds, *build)])


def _ids(build) -> str:
    return "-".join(build)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_opening_hours_keep_their_time_range_whole_with_the_word_before_it(lines, build):
    for lang in build[4].split(","):
        phrase = letters_of(HOURS[build[0]][lang])
        assert any(phrase in line for line in lines[build]), (lang, HOURS[build[0]][lang])


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_phone_email_and_website_are_each_on_one_line(lines, build):
    contact = brochure.load_clinic(EXAMPLES / build[0]).contact
    website = contact.website.removeprefix("https://").removeprefix("www.")
    for run in (contact.phone, contact.email, website):
        # pdfium gives the space-separated parts of a left-to-right run in a right-to-left line
        # last first ("4567 123 4 +971"): their order on the page is test_layout's
        parts = [letters_of(part) for part in run.split()]
        assert any(all(part in line for part in parts) for line in lines[build]), run


# a postcode with the place name before it, as typed (they were split: "Riyadh" / "12211")
POSTCODES = {"harbor-spine": {"en": ("MI", "48124"), "ar": ("ميشيغان", "٤٨١٢٤")},
             "dar-al-shifa": {"en": ("Riyadh", "12211"), "ar": ("الرياض", "١٢٢١١")}}
POSTCODE_BUILDS = [
    ("harbor-spine", "bilingual-pages", "office", "letter", "en,ar"),
    ("harbor-spine", "trifold", "press", "letter", "en"),
    ("harbor-spine", "sheet", "office", "letter", "en,ar"),
    ("dar-al-shifa", "sheet", "office", "a4", "ar,en"),
    ("dar-al-shifa", "trifold", "office", "a4", "ar,en"),
    ("dar-al-shifa", "sheet", "screen", "a4", "ar"),
]


@pytest.mark.parametrize("build", POSTCODE_BUILDS, ids=_ids)
def test_a_postcode_stays_on_the_line_of_the_place_before_it(lines, build):
    for lang in build[4].split(","):
        place, code = POSTCODES[build[0]][lang]
        kept = letters_of(f"{place} {code}")  # an Arabic-Indic run reads "#" (tests/pdftext.py)
        beside = {kept, letters_of(f"{code} {place}")}  # pdfium's order in a right-to-left line
        assert any(together in line for line in lines[build] for together in beside), (lang, place, code)
