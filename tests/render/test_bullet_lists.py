"""Bullet lists as a reader sees them, read back line by line from real leaflets: a short item
never wraps (two columns only when every item fits its column, else one column), and an item
that does wrap (a clinic's long item) never leaves its last word alone on a line."""

from __future__ import annotations

import pytest

import brochure
from brochure.config.content import load_topic
from tests.conftest import EXAMPLES
from tests.pdftext import example_lines, letters_of

# every layout, both papers and reading orders, the narrow tri-fold panels and the harbor-spine
# Letter bilingual-pages sheet where "فترات الإقامة في / المستشفى" wrapped beside empty space
BUILDS = [
    ("harbor-spine", "bilingual-pages", "office", "letter", "en,ar"),
    ("harbor-spine", "sheet", "office", "letter", "en,ar"),
    ("harbor-spine", "trifold", "press", "a4", "ar,en"),
    ("dar-al-shifa", "bilingual-pages", "press", "a4", "ar,en"),
    ("dar-al-shifa", "sheet", "office", "a4", "ar"),
    ("dar-al-shifa", "sheet", "screen", "letter", "en,ar"),
    ("al-noor", "sheet", "office", "a4", "ar,en"),
    ("al-noor", "trifold", "office", "letter", "ar,en"),
]


@pytest.fixture(scope="module")
def lines():
    """Each build's text lines as their letters and digits (tests/pdftext.py letters_of)."""
    return {build: [letters_of(line) for line in example_lines(*build)] for build in BUILDS}


def _items(slug: str, langs: str) -> list[list[str]]:
    """Every bullet item of the leaflet, as its words."""
    sections = load_topic().sections + brochure.load_clinic(EXAMPLES / slug).extra_sections
    return [item.split() for section in sections for lang in langs.split(",")
            for item in section[lang].items]


def _ids(build) -> str:
    return "-".join(build)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_short_bullet_items_are_never_wrapped(lines, build):
    """The topic's lists (a few words an item, set in two columns where they all fit) keep each
    item on one line: in two columns no item wraps beside its neighbour's empty space."""
    topic_items = {tuple(item.split()) for section in load_topic().sections
                   for lang in ("en", "ar") for item in section[lang].items}
    for words in _items(build[0], build[4]):
        if tuple(words) in topic_items:
            item = letters_of("".join(words))
            assert any(item in line for line in lines[build]), " ".join(words)


@pytest.mark.parametrize("build", BUILDS, ids=_ids)
def test_a_wrapped_bullet_item_never_ends_on_one_word(lines, build):
    wrapped = 0
    for words in _items(build[0], build[4]):
        item = letters_of("".join(words))
        if any(item in line for line in lines[build]):
            continue  # on one line
        wrapped += 1
        # the item's last line: the longest run of its last words that makes a whole line
        last = max((count for count in range(1, len(words))
                    if letters_of("".join(words[-count:])) in lines[build]), default=0)
        assert last != 1, " ".join(words)
        assert last, f"{' '.join(words)!r} is not laid out as whole lines"
    if build[0] == "al-noor":  # its own section has items long enough to wrap: the test sees them
        assert wrapped
