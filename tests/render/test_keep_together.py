"""The layout step keeps a sentence whole across blocks, and a one-language sheet on one side
where tighter spacing fits it there."""

from __future__ import annotations

import pytest

from brochure.render import balance
from tests.pdftext import words_on_page


def test_a_cut_between_an_introduction_and_its_list_is_taken_only_when_nothing_else_fits():
    heights, capacities = [40.0, 30.0, 30.0], [70.0, 70.0]
    introduces_the_list = [False, True, False]  # item 1 is the list "... to reduce:" opens
    # the even cut (40 | 30 30) would not do: the list goes with its introduction
    assert balance.split(heights, capacities, bound=introduces_the_list) == [[0, 1], [2]]
    # when only that cut fits, it is taken, unless the caller asks for more room first
    assert balance.split([40.0, 40.0], [50.0, 50.0], bound=[False, True]) == [[0], [1]]
    assert balance.split([40.0, 40.0], [50.0, 50.0], bound=[False, True], keep_bound=True) is None


def _page_of(pdf: bytes, pages: int, word: str) -> int:
    return next(index for index in range(pages)
                if any(text.startswith(word) for text, _, _ in words_on_page(pdf, index)))


@pytest.mark.parametrize(("slug", "paper", "languages"), [
    ("harbor-spine", "a4", ("en", "ar")), ("harbor-spine", "letter", ("ar", "en")),
    ("dar-al-shifa", "letter", ("ar", "en")), ("al-noor", "letter", ("en",)),
    ("al-noor", "a4", ("ar", "en"))])
def test_the_benefits_list_is_on_the_side_of_the_sentence_that_introduces_it(slug, paper, languages,
                                                                            shared_builds):
    # "... special medical equipment to reduce:" and its first item, "tissue trauma"
    leaflet = shared_builds.made(slug, "sheet", "office", paper, ",".join(languages))
    assert _page_of(leaflet.pdf, leaflet.page_count, "reduce:") == \
        _page_of(leaflet.pdf, leaflet.page_count, "trauma")


def test_a_one_language_sheet_that_fits_one_side_with_tighter_spacing_takes_one_side(shared_builds):
    # al-noor's English leaflet misses one A4 side by a few millimetres at normal spacing: one
    # side, snug, rather than two sides each about half empty
    leaflet = shared_builds.made("al-noor", "sheet", "office", "a4", "en")
    assert (leaflet.page_count, leaflet.density) == (1, "snug")
    assert leaflet.fill["page 1"] >= 0.85


def test_a_one_language_sheet_that_fits_one_side_at_normal_spacing_is_not_tightened(shared_builds):
    leaflet = shared_builds.made("dar-al-shifa", "sheet", "office", "a4", "en")
    assert (leaflet.page_count, leaflet.density) == (1, "normal")



def test_the_screen_edition_gives_a_language_one_page_where_tighter_spacing_fits_it(shared_builds):
    # harbor-spine's Arabic took two Letter pages about half full each at normal spacing
    alone = shared_builds.made("harbor-spine", "sheet", "screen", "letter", "ar")
    assert (alone.page_count, alone.density) == (1, "tight")
    both = shared_builds.made("harbor-spine", "sheet", "screen", "letter", "ar,en")
    assert both.page_count == 2 and min(both.fill.values()) >= 0.8
