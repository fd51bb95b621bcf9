"""The layout step: which whole section goes in which column, on which side of the sheet, in
which tri-fold panel, and the units it moves (sections, their blocks, each language's part).
Sections are measured once as WeasyPrint sets them (brochure/render/leaflet.py), then split in
reading order where the columns or panels come out most even; spacing is tightened only when no
split fits. Plain geometry and arithmetic: nothing here renders."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement

from brochure.config.options import PAPER

SIDE_MARGINS_MM = (10.0, 12.0, 12.0, 12.0)  # top, right, bottom, left: @page in leaflet.css
SCREEN_BOTTOM_MM = 17.5  # the screen edition's footer (partials/head.html.j2)
FIGURE_INSET_MM = 4.0    # .incisions side margins on the sheet (leaflet.css)
PANEL_PADDING_MM = 5.0   # .panel beside a fold (trifold.css): text 5 mm from each fold
OFFICE_EDGE_MM = 10.5    # .panel at the paper's edge, office edition (trifold.css)
COLUMN_SHARE = 0.475     # .language-body .stack-column width (leaflet.css)
CELL_GAP_MM = 4.5        # between cells of a column (leaflet.css)
BODY_GAP_MM = 4.0        # .language-body .cells margin-top (leaflet.css)
PAST_FOLD_MM = 1.5       # press cover colour beyond its fold
FRONT_FULL = 0.75        # split(front=...): those columns together at least this full, where they can be
SLACK_MM = 1.0           # what a measured arrangement keeps free: margins collapse differently in place
MM_PER_INCH = 25.4

# Letter fold, English first. Outside, left to right: the flap (folds in first), the back, the
# cover; inside: inside-1 (behind the cover), inside-2, inside-3 (the flap's inside). Arabic first
# mirrors both sides so the leaflet opens from the right.
TRIFOLD_OUTSIDE = ("flap", "back", "cover")
TRIFOLD_INSIDE = ("inside-1", "inside-2", "inside-3")
# The order a reader meets the panels that carry the sections: the cover lifted shows inside-1
# beside the flap, then the flap opens onto inside-2 and inside-3.
TRIFOLD_READING = ("inside-1", "flap", "inside-2", "inside-3")
TRIFOLD_FIXED = {"cover": ("cover",), "back": ("identity", "contact", "qr")}
# the back with the disclaimer beside its QR code, where the layout step puts it when it fits
TRIFOLD_BACK_WITH_DISCLAIMER = ("identity", "contact", "qr-disclaimer")
TRIFOLD_BACK_MEASURED = ("identity", "contact", "qr", "qr-disclaimer")
# the flap, narrower so it nests inside the fold without buckling (print shops' templates)
FLAP_MM = {"a4": (100.0, 97.0), "letter": (MM_PER_INCH * (3 + 11 / 16), MM_PER_INCH * (3 + 5 / 8))}


def panel_widths(paper: str) -> dict[str, float]:
    """Each panel's width in mm: the two full panels and the flap (A4: 100, 100, 97 mm; Letter:
    3 11/16, 3 11/16, 3 5/8 in)."""
    full, flap = FLAP_MM[paper]
    return {"flap": flap, "inside-3": flap} | {
        role: full for role in ("back", "cover", "inside-1", "inside-2")}


@dataclass(frozen=True)
class Side:
    name: str
    roles: tuple[str, ...]        # panels left to right
    widths_mm: tuple[float, ...]  # their widths
    folds_mm: tuple[float, ...]   # fold positions from the left edge of the trim


def trifold_sides(paper: str, from_right: bool) -> tuple[Side, Side]:
    widths = panel_widths(paper)
    sides = []
    for name, roles in (("outside", TRIFOLD_OUTSIDE), ("inside", TRIFOLD_INSIDE)):
        order = tuple(reversed(roles)) if from_right else roles
        # to the hundredth of a mm, rounded down, and the last a hundredth short: three floats
        # a hair wider than the page (CSS px rounding) would wrap
        row = tuple(int(widths[role] * 100) / 100 - (0.01 if index == 2 else 0)
                    for index, role in enumerate(order))
        sides.append(Side(name, order, row, (round(row[0], 3), round(row[0] + row[1], 3))))
    return sides[0], sides[1]


def trifold_figure_width(paper: str, edition: str) -> float:
    """The figure's drawing width: the narrowest panel text width it may land in."""
    flap = FLAP_MM[paper][1]
    edge = OFFICE_EDGE_MM if edition == "office" else PANEL_PADDING_MM
    return round(flap - PANEL_PADDING_MM - edge, 3)


def trifold_back_width(paper: str) -> float:
    """The back panel's text width in mm: it sits between the two folds on the outside."""
    return round(panel_widths(paper)["back"] - 2 * PANEL_PADDING_MM, 3)


def trifold_panel_height(paper: str, edition: str) -> float:
    """A panel's content height in mm (panels are 0.5 mm short of the page, see trifold.css)."""
    height = PAPER[paper]["width_mm"] - 0.5
    return height - ((10.5 + 10.0) if edition == "office" else (9.0 + 8.0))


def text_width(paper: str) -> float:
    return PAPER[paper]["width_mm"] - SIDE_MARGINS_MM[1] - SIDE_MARGINS_MM[3]


def column_width(paper: str) -> float:
    return round(text_width(paper) * COLUMN_SHARE, 3)


def page_height(paper: str, edition: str) -> float:
    bottom = SCREEN_BOTTOM_MM if edition == "screen" else SIDE_MARGINS_MM[2]
    return PAPER[paper]["height_mm"] - SIDE_MARGINS_MM[0] - bottom


def split(heights: list[float], capacities: list[float], leads: list[float] | None = None,
          continues: list[bool] | None = None, front: int = 0,
          bound: list[bool] | None = None, keep_bound: bool = False,
          joined: dict[tuple[int, int], float] | None = None,
          closes: list[bool] | None = None) -> list[list[int]] | None:
    """Indices of `heights` in reading order cut into len(capacities) runs (a run may be empty)
    so that each run fits its capacity; each height includes the item's top margin (`leads`),
    which the first item of a run does not take. Of the cuts that fit: with `front`, those that
    fill the first `front` runs together to FRONT_FULL (a patient's copy fills its cover like a
    letter's first page, ending a column inside a section if it must); the fewest that fall inside
    a section (`continues[i]`: item i carries on the section of item i - 1); the first `front`
    runs fullest; then the most even (the fullest run least full). Above all, a run never ends
    inside a sentence that runs from one block to the next (`bound[i]`: a list and the paragraph
    introducing it) where another cut fits; with `keep_bound`, never (None when only such a cut
    fits: the caller tries more room first). Next, a run does not end just before a list's
    closing sentence (`closes[i]`) where another cut fits at this spacing: the list breaks
    between its items instead, before its last two where they fit, else before its last one.
    `joined[i, j]`: how much less items i to j take in one run than one under the other (the
    parts of a list, set as one list: list_joins)."""
    count, runs = len(heights), len(capacities)
    continues = continues or [False] * count
    bound = bound or [False] * count
    closes = closes or [False] * count
    joined = joined or {}
    leads = leads or [0.0] * count
    lists = _whole_runs(joined)
    # a cut before a list's last item: that item alone goes with the closing sentence
    lone = {last for first, last in lists if last - first > 1}
    best, best_score = None, None
    for cuts in combinations_with_replacement(range(count + 1), runs - 1):
        bounds = (0, *cuts, count)
        fills, front_used = [], 0.0
        for run, capacity in enumerate(capacities):
            used = _used(bounds[run], bounds[run + 1], heights, leads, joined, lists)
            if used > capacity:
                break
            fills.append(used / capacity)
            front_used += used if run < front else 0.0
        else:
            broken = sum(1 for cut in cuts if 0 < cut < count and continues[cut])
            front_fill = front_used / sum(capacities[:front]) if front else 1.0
            orphaned = sum(1 for cut in cuts if 0 < cut < count and bound[cut])
            if orphaned and keep_bound:
                continue
            alone = sum(1 for cut in cuts if 0 < cut < count and closes[cut])
            score = (orphaned, front_fill < FRONT_FULL, alone, sum(1 for cut in cuts if cut in lone),
                     broken, -front_fill, max(fills), -min(fills))
            if best_score is None or score < best_score:
                best, best_score = bounds, score
    if best is None:
        return None
    return [list(range(best[run], best[run + 1])) for run in range(runs)]


def _whole_runs(joined: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The lists of `joined`, each as its first and last part: the runs no other run holds."""
    return [run for run in joined
            if not any(other != run and other[0] <= run[0] and run[1] <= other[1] for other in joined)]


def _used(start: int, stop: int, heights: list[float], leads: list[float],
          joined: dict[tuple[int, int], float], lists: list[tuple[int, int]]) -> float:
    """How much items start to stop take in one run: the first without its top margin, the parts
    of a list in it set as one list."""
    if start >= stop:
        return 0.0
    used = sum(heights[start:stop]) - leads[start]
    for first, last in lists:
        first, last = max(first, start), min(last, stop - 1)
        used -= joined.get((first, last), 0.0) if last > first else 0.0
    return used


def opened_by_bound(runs: list[list[int]], bound: list[bool]) -> list[int]:
    """The items that open a run though bound to the item before (a list a column, side or panel
    sets apart from the sentence introducing it: split lets it only where nothing else fits)."""
    return [run[0] for run in runs[1:] if run and bound[run[0]]]


def greedy(heights: list[float], capacities: list[float],
           joined: dict[tuple[int, int], float] | None = None) -> list[list[int]]:
    """Each run as full as it goes, in reading order; what is left over lands in the last, where
    the build's overflow check names it. `joined` as in split."""
    joined = joined or {}
    lists, no_leads = _whole_runs(joined), [0.0] * len(heights)
    runs: list[list[int]] = [[] for _ in capacities]
    run = 0
    for index in range(len(heights)):
        if runs[run] and run < len(capacities) - 1 and \
                _used(runs[run][0], index + 1, heights, no_leads, joined, lists) > capacities[run]:
            run += 1
        runs[run].append(index)
    return runs


def estimated_panels(items: list[str]) -> dict[str, tuple[str, ...]]:
    """Which panel carries what before anything is measured: the items in reading order, about
    as many to each panel."""
    share = -(-len(items) // len(TRIFOLD_READING))
    return {role: tuple(items[i * share:(i + 1) * share]) for i, role in enumerate(TRIFOLD_READING)}


# A list may break before its last two items or, where two do not fit, before its last one, so
# that its closing sentence ("All by minimizing the size of the incision.") goes to the next
# column with them, never alone; at least LIST_KEPT items stay with the sentence introducing it.
LIST_TAIL, LIST_KEPT = 2, 2


def list_blocks(section, lang: str) -> range:
    """The blocks that are a section's list where it may break: its first items, then each of its
    last LIST_TAIL items on its own (the closing sentence is the block after); empty where the
    list stays whole: fewer than LIST_TAIL + LIST_KEPT items or no closing sentence, in any
    language (their blocks must pair up)."""
    breaks = all(len(section[key].items) >= LIST_TAIL + LIST_KEPT and section[key].closing
                 for key in ("en", "ar"))
    first = len(section[lang].paragraphs)
    return range(first, first + 1 + LIST_TAIL) if breaks else range(0)


def list_runs(section, lang: str) -> list[tuple[int, int]]:
    """Each run of two or more of a list's parts (first and last block), which a column sets as
    one list: the measuring page measures each so (balance.list_joins)."""
    blocks = list_blocks(section, lang)
    return [(first, last) for first in blocks for last in blocks if last > first]


def section_blocks(section, lang: str) -> list[tuple[str, object]]:
    """A section's text in one language as blocks a panel may end between: its paragraphs, its
    list (whole, or in parts where it may break: list_blocks), its closing paragraphs."""
    text = section[lang]
    cut = len(text.items) - LIST_TAIL if list_blocks(section, lang) else len(text.items)
    lists = [items for items in (text.items[:cut], *([item] for item in text.items[cut:])) if items]
    return [*(("p", p) for p in text.paragraphs), *(("items", items) for items in lists),
            *(("p", p) for p in text.closing)]


def set_blocks(section, lang: str, start: int, stop: int | None) -> list[tuple[str, object]]:
    """Blocks start to stop as the template sets them: a list's parts in one run are one list,
    set exactly as a list that never breaks."""
    blocks: list[tuple[str, object]] = []
    for kind, block in section_blocks(section, lang)[start:stop]:
        if kind == "items" and blocks and blocks[-1][0] == "items":
            blocks[-1] = ("items", (*blocks[-1][1], *block))
        else:
            blocks.append((kind, block))
    return blocks


def whole_lists(sections, lang: str, trifold: bool = False) -> list[str]:
    """Each run of a breakable list's parts named as one ("benefits#1-3"; on the tri-fold
    "benefits@en#1-3"): the measuring page sets them so, for the height they take in one column
    (two short-item columns where it fits: typeset.list_columns, typeset.part_columns)."""
    return [f"{section.id}{'@' + lang if trifold else ''}#{first}-{last}"
            for section in sections for first, last in list_runs(section, lang)]


def list_joins(ids: list[str], wholes: list[str], id_of, heights: dict) -> dict[tuple[int, int], float]:
    """split's `joined` for elements in reading order (`id_of` a name's element id): how much
    less the parts at positions i to j of one list take set as one list (`wholes`: whole_lists)
    than one under the other. "benefits#1-2" in English is section-benefits-en-1 and -2 against
    section-benefits-en-1-2."""
    at = {element: index for index, element in enumerate(ids)}
    joins = {}
    for whole in wholes:
        name, _, blocks = whole.rpartition("#")
        first, _, last = blocks.partition("-")
        parts = [id_of(f"{name}#{block}") for block in range(int(first), int(last) + 1)]
        if all(part in at for part in parts):
            joins[at[parts[0]], at[parts[-1]]] = sum(heights[part] for part in parts) - heights[id_of(whole)]
    return joins


def closing_names(sections, languages, trifold: bool = False) -> set[str]:
    """The blocks that close a list that may break, by name ("benefits#4"; on the tri-fold
    "benefits@en#4")."""
    return {f"{section.id}{'@' + lang if trifold else ''}#{blocks.stop}" for section in sections
            for lang in languages if (blocks := list_blocks(section, lang))}


def pair_blocks(section, languages) -> int:
    """How many side-by-side rows a section takes: its most blocks in any language, at least one."""
    return max(1, *(len(section_blocks(section, lang)) for lang in languages))


def bound_to_previous(section, languages, block: int) -> bool:
    """Whether a section's block finishes the sentence of the block before, in any of `languages`:
    a list after the paragraph that introduces it ("... to reduce:"). A column, side or panel
    must not end between the two. (A list's closing sentence may start the next column: binding
    it too cost a tighter density or a screen page more on most example clinics.)"""
    def bound(blocks) -> bool:
        before = blocks[block - 1]
        return before[0] == "p" and str(before[1]).rstrip().endswith((":", "\uff1a"))

    return block > 0 and any(len(blocks := section_blocks(section, lang)) > block and bound(blocks)
                             for lang in languages)


def block_starts(section, new_side, measuring: bool) -> set[int]:
    """The blocks of a section that start a row of their own: every one on the measuring page,
    else only the one the back of the sheet begins with (fewer rows lay out faster)."""
    count = pair_blocks(section, ("en", "ar"))
    return {block for block in range(1, count)
            if measuring or f"section-{section.id}-{block}" in new_side}


def pair_rows(sections, languages) -> list[tuple[str, bool]]:
    """The bilingual sheet's rows in reading order, as element ids, each with whether it carries
    on the section of the row before (macros.html.j2 section_pair; sheet.html.j2)."""
    rows = []
    for section in sections:
        rows += [(f"section-{section.id}" + (f"-{block}" if block else ""), block > 0)
                 for block in range(pair_blocks(section, languages))]
        rows += [("figure-incisions", False)] if section.figure else []
    return [*rows, ("contact", False), ("disclaimer", False)]


def single_cells(sections, lang: str | None = None) -> list[str]:
    """One language's cells in reading order, the figure after the text it illustrates. With
    `lang`, each section block by block ("what#0" is its heading and first paragraph), so that
    a column may end between two blocks; without, whole sections."""
    cells = []
    for section in sections:
        cells += ([f"{section.id}#{block}" for block in range(len(section_blocks(section, lang)) or 1)]
                  if lang else [section.id])
        cells += ["figure"] if section.figure else []
    return [*cells, "contact", "small-print"]


def trifold_items(sections, languages: tuple[str, ...]) -> list[str]:
    """What the tri-fold's reading panels carry, in reading order (balance.TRIFOLD_READING): each
    language of a section on its own, block by block ("what@en#0" is the heading and the first
    paragraph), so a panel can end between two languages or, failing that, between two blocks."""
    items = []
    for section in sections:
        items += [f"{section.id}@{lang}#{block}" for lang in languages
                  for block in range(len(section_blocks(section, lang)) or 1)]
        items += ["figure"] if section.figure else []
    return [*items, "disclaimer"]  # the disclaimer closes the main reading


def estimated_columns(sections, lang: str) -> list[list[str]]:
    """Two columns on one side, split where their estimated heights come out closest: the layout
    before anything is measured (balance.py measures and does better)."""
    cells = single_cells(sections)
    by_id = {section.id: section for section in sections}
    per_line = {"en": 44, "ar": 50}[lang]  # rough characters per line in one of two columns

    def height(cell) -> float:
        if cell not in by_id:
            return {"contact": 12.0, "small-print": 7.0, "figure": 11.0}[cell]
        text = by_id[cell][lang]
        return 2.2 + sum(-(-len(line) // per_line) for line in
                         (*text.paragraphs, *text.items, *text.closing))

    heights = [height(cell) for cell in cells]
    total = sum(heights)
    cut = min(range(1, len(cells)), key=lambda i: abs(total - 2 * sum(heights[:i])))
    return [cells[:cut], cells[cut:]]
