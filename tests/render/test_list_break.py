"""A list's closing sentence ("All by minimizing the size of the incision.") never opens a column,
side or panel alone: where the list cannot stay whole with it, the list breaks before its last two
items and they go with it, or, where two do not fit, before its last item. A list kept in one
column is set exactly as a list that never breaks."""

from __future__ import annotations

from brochure.render import balance
from tests.pdftext import letters_of, plumbed

ITEMS = ("tissue trauma", "bleeding", "radiation exposure", "infection risk", "hospital stays",
         "إصابات الأنسجة", "النزيف", "التعرض للإشعاع", "خطر العدوى", "فترات الإقامة في المستشفى")
CLOSING = {"en": "All by minimizing", "ar": "وذلك عن طريق تقليل"}


def _lines(page) -> list[tuple[str, float, float, float, float]]:
    """The page's text lines, each column's apart (a gap of over 12 pt between two glyphs on a
    line): (letters read left to right and right to left, left, right, top, bottom)."""
    rows: list[list[dict]] = []
    for char in sorted((c for c in page.chars if c["text"].strip()), key=lambda c: c["bottom"]):
        if rows and abs(rows[-1][-1]["bottom"] - char["bottom"]) < 2:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        start = 0
        for index in range(1, len(row) + 1):
            if index == len(row) or row[index]["x0"] - row[index - 1]["x1"] > 12:
                run = row[start:index]
                text = "".join(c["text"] for c in run)
                lines.append((letters_of(text) + "|" + letters_of(text[::-1]), run[0]["x0"], run[-1]["x1"],
                              min(c["top"] for c in run), max(c["bottom"] for c in run)))
                start = index
    return lines


def _line_above(pdf: bytes, phrase: str) -> tuple[int, str | None]:
    """The page the phrase starts a line on, and the text line just above it in its own column
    (None at the top of the column)."""
    with plumbed(pdf) as document:
        for number, page in enumerate(document.pages):
            lines = _lines(page)
            found = next((line for line in lines if letters_of(phrase) in line[0]), None)
            if found is None:
                continue
            _, left, right, top, _ = found
            above = [line for line in lines
                     if line[4] <= top + 1 and min(right, line[2]) - max(left, line[1]) > 5]
            return number, max(above, key=lambda line: line[4])[0] if above else None
    raise AssertionError(f"{phrase!r} not found")


def _is_item(line: str | None) -> bool:
    return line is not None and any(letters_of(item) in line for item in ITEMS)


def test_the_closing_sentence_goes_to_the_back_with_the_last_items_of_its_list(shared_builds):
    # al-noor's A4 sheet: the front ends with the list, the back opened with the sentence alone
    leaflet = shared_builds.made("al-noor", "sheet", "office", "a4", "ar,en")
    for lang, phrase in CLOSING.items():
        page, above = _line_above(leaflet.pdf, phrase)
        assert page == 1 and _is_item(above), (lang, above)
        # the list itself still starts on the front, after the sentence introducing it
        assert _line_above(leaflet.pdf, ITEMS[0 if lang == "en" else 5])[0] == 0


def test_a_list_kept_in_one_column_is_set_whole_in_two_columns_as_before(shared_builds):
    # harbor-spine's English-first Letter sheet keeps the list in one column: "infection risk"
    # beside "tissue trauma", as the list was set before it could break
    leaflet = shared_builds.made("harbor-spine", "sheet", "office", "letter", "en,ar")
    with plumbed(leaflet.pdf) as document:
        tops = {line[0].partition("|")[0]: line[3] for page in document.pages for line in _lines(page)}
    assert abs(tops[letters_of("tissue trauma")] - tops[letters_of("infection risk")]) < 1
    assert _is_item(_line_above(leaflet.pdf, CLOSING["en"])[1])


def test_a_column_ends_at_the_list_break_rather_than_just_before_the_closing_sentence():
    # the sentence introducing the list, the list's first items, its last two, the closing
    # sentence, the next section
    heights, capacities = [20.0, 20.0, 10.0, 10.0, 35.0], [60.0, 60.0]
    closes = [False, False, False, True, False]
    # the most even cut (50 | 45) would open the second column with the closing sentence alone
    assert balance.split(heights, capacities) == [[0, 1, 2], [3, 4]]
    assert balance.split(heights, capacities, closes=closes) == [[0, 1], [2, 3, 4]]
    # where nothing else fits at this spacing, the sentence goes alone rather than tighten it
    assert balance.split([25.0, 20.0, 10.0, 10.0, 50.0], capacities, closes=closes,
                         keep_bound=True) == [[0, 1, 2], [3, 4]]


def _top(pdf: bytes, phrase: str) -> tuple[int, float]:
    """The page and top of the line that holds the phrase (read in either direction)."""
    with plumbed(pdf) as document:
        for number, page in enumerate(document.pages):
            for line in _lines(page):
                if letters_of(phrase) in line[0].split("|"):
                    return number, line[3]
    raise AssertionError(f"{phrase!r} not found alone on a line")


def test_where_two_items_do_not_fit_the_last_one_goes_with_the_closing_sentence(shared_builds):
    # harbor-spine's English Letter sheet: the second column had no room for two more items, and
    # opened with the sentence alone under the masthead
    leaflet = shared_builds.made("harbor-spine", "sheet", "office", "letter", "en")
    page, above = _line_above(leaflet.pdf, CLOSING["en"])
    assert page == 0 and above is not None and above.startswith(letters_of("hospital stays")), above
    # the four that stay in two columns of their own, read down one then the other: "tissue
    # trauma, bleeding | radiation exposure, infection risk" (in the whole list's places
    # "infection risk" alone beside "tissue trauma" read as one line with it)
    assert _top(leaflet.pdf, "tissue trauma") == _top(leaflet.pdf, "radiation exposure")
    assert _top(leaflet.pdf, "bleeding") == _top(leaflet.pdf, "infection risk")


def test_the_part_of_a_list_that_stays_is_never_taller_than_the_whole_list(shared_builds):
    # harbor-spine's Arabic screen page on Letter: the list's first four items in two columns of
    # two (shorter than the whole list's three rows), the last at the sentence's column top
    leaflet = shared_builds.made("harbor-spine", "sheet", "screen", "letter", "ar")
    first, second, third, fourth, last = ITEMS[5:10]
    page, above = _line_above(leaflet.pdf, CLOSING["ar"])
    assert page == 0 and _is_item(above) and letters_of(last) in above, above
    assert _top(leaflet.pdf, first) == _top(leaflet.pdf, third)
    assert _top(leaflet.pdf, second) == _top(leaflet.pdf, fourth)
    assert _top(leaflet.pdf, first) != _top(leaflet.pdf, second)


def test_on_the_tri_fold_the_sentence_follows_an_item_into_the_next_panel(shared_builds):
    # al-noor's English-first Letter tri-fold: the list on the flap, the sentence opened the
    # inside panel the flap opens onto, on the other face of the paper
    leaflet = shared_builds.made("al-noor", "trifold", "office", "letter", "en,ar")
    page, above = _line_above(leaflet.pdf, CLOSING["en"])
    assert page == 1 and above is not None and above.startswith(letters_of("hospital stays")), above
    assert _line_above(leaflet.pdf, "infection risk")[0] == 0


def test_the_two_parts_of_a_list_in_one_column_take_the_height_of_the_list_set_whole():
    # a list set whole in two columns (30) is shorter than its parts one under the other (30 + 20)
    heights, joined = [30.0, 30.0, 20.0], {(1, 2): 20.0}
    assert balance.split(heights, [60.0], joined=joined) == [[0, 1, 2]]
    assert balance.split(heights, [60.0]) is None
    assert balance.greedy([*heights, 10.0], [60.0, 60.0], joined) == [[0, 1, 2], [3]]
    assert balance.greedy([*heights, 10.0], [60.0, 60.0]) == [[0, 1], [2, 3]]


def test_a_list_breaks_before_its_last_item_only_where_its_last_two_do_not_fit():
    # the introduction, the list's first items, its second-to-last and last items, the closing
    # sentence, the next section; the list set whole is as tall as its first items (two columns)
    heights, bound = [20.0, 20.0, 10.0, 10.0, 10.0, 40.0], [False, True, False, False, False, False]
    joined = {(1, 2): 10.0, (1, 3): 20.0, (2, 3): 0.0}
    closes = [False, False, False, False, True, False]
    # room for the sentence and one item only: the last item goes with it, not the sentence alone
    assert balance.split(heights, [40.0, 60.0], bound=bound, joined=joined,
                         closes=closes) == [[0, 1, 2], [3, 4, 5]]
    # room for two: two go with it, though one would leave the columns more even
    assert balance.split(heights, [40.0, 70.0], bound=bound, joined=joined,
                         closes=closes) == [[0, 1], [2, 3, 4, 5]]
