"""What WeasyPrint laid out, read off its page boxes: where sections start, text that sticks out
of its column, how full each side and panel is, and the size of named boxes (for the layout step
and the personal cover). Page boxes are not public API: they come through brochure/weasy.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brochure.weasy import boxes, page_box

if TYPE_CHECKING:
    from brochure.pdf.inspect import PdfFacts

OVERFLOW_TOLERANCE_PT = 0.75
PX_TO_PT = 0.75


@dataclass(frozen=True)
class Overflow:
    """Something laid out past the room it was given, described for staff (`str`), with the
    element it sits in and the text that sticks out, so callers can name the field without
    reading the description."""

    message: str
    where: str = ""  # the section's element id without "section-", as "what-ar-2"; else ""
    text: str = ""   # the first 40 characters of the text wider than its column; else ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    page_count: int
    section_pages: dict[str, int]  # element id -> page number where it starts
    overflows: list[Overflow]      # text that sticks out of its column
    logo_size_pt: tuple[float, float] | None = None  # the logo as printed
    # content boxes of the elements named by render_pdf's `box_ids`: left, top, width, height in
    # pt from the top left of their page
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    heights: dict[str, float] = field(default_factory=dict)  # the same elements' margin boxes, pt
    leads: dict[str, float] = field(default_factory=dict)    # and their top margins, pt
    # how full each side of the sheet (page 1, page 2...) or tri-fold panel is, 0 to 1
    fill: dict[str, float] = field(default_factory=dict)
    fetched: tuple = ()  # the files the render read (render_pdf's fetcher)
    facts: PdfFacts | None = None  # `pdf`'s fonts and text layer, read as WeasyPrint wrote it


def measured(document, box_ids: tuple[str, ...] = ()) -> Rendered:
    section_pages: dict[str, int] = {}
    overflows: list[Overflow] = []
    found: dict[str, tuple[float, float, float, float]] = {}
    heights: dict[str, float] = {}
    leads: dict[str, float] = {}
    fill: dict[str, float] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            section_pages.setdefault(anchor, number)
        paper = page_box(page)
        for box in descendants(paper) if box_ids else ():
            element = getattr(box, "element", None)
            if element is not None and element.get("id") in box_ids and element.get("id") not in found:
                found[element.get("id")] = tuple(px * PX_TO_PT for px in (
                    box.content_box_x(), box.content_box_y(), box.width, box.height))
                # what the element takes from its column, spacing included
                heights[element.get("id")] = box.margin_height() * PX_TO_PT
                leads[element.get("id")] = box.margin_top * PX_TO_PT
        _find_overflow(paper, None, "page margin", number, overflows,
                       (paper.content_box_x(), paper.content_box_x() + paper.width))
        panels = _panel_fill(paper, number, overflows)
        fill |= panels or {f"page {number}": _side_fill(paper)}
    return Rendered(pdf=b"", page_count=len(document.pages), section_pages=section_pages,
                    overflows=overflows, boxes=found, heights=heights,
                    leads=leads, fill=fill)


def descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def _classes(box) -> str:
    element = getattr(box, "element", None)
    return (element.get("class") or "") if element is not None else ""


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def _side_fill(page_box) -> float:
    """How far down the page its content reaches. Two columns of one language count as two half
    pages (the empty foot of the shorter one is paper unused); side-by-side languages end together."""
    top, height = page_box.content_box_y(), page_box.height
    columns = [box for box in descendants(page_box) if "stack-column" in _classes(box).split()]
    if columns:
        body_top = min(column.position_y for column in columns)
        used = sum(max((_bottom(child) for child in column.children), default=column.position_y)
                   - body_top for column in columns) / len(columns)
        return round(min(1.0, (body_top - top + used) / height), 3)
    bottoms = [_bottom(child) for child in descendants(page_box)
               if getattr(child, "element_tag", None) in ("section", "header", "figure")]
    return round(min(1.0, (max(bottoms, default=top) - top) / height), 3) if height else 0.0


def _panel_fill(page_box, page: int, found: list[Overflow]) -> dict[str, float]:
    """A tri-fold panel is a fixed box between folds: content below its bottom edge would print
    across the next panel's fold or off the sheet. Names the panel and the first section out, and
    returns how full each panel is."""
    fill = {}
    for box in descendants(page_box):
        element = getattr(box, "element", None)
        if element is None or not element.get("data-panel") or not isinstance(box, boxes.BlockContainerBox):
            continue
        top, limit = box.content_box_y(), box.content_box_y() + box.height
        bottom = max((_bottom(child) for child in box.children), default=top)
        fill[element.get("data-panel")] = round((bottom - top) / box.height, 3)
        for child in box.children:
            if _bottom(child) > limit + OVERFLOW_TOLERANCE_PT:
                # a section's id without the language and block of a tri-fold piece
                what = re.sub(r"-(en|ar)(-\d+)?$", "", (child.element.get("id") or "content")
                              .removeprefix("section-"))
                side = "outside" if page == 1 else "inside"
                found.append(Overflow(f"panel {element.get('data-panel')} ({side} page): {what} does "
                                      f"not fit ({(_bottom(child) - limit) / 96 * 25.4:.0f} mm too long)"))
                break
    return fill


def logo_size(document) -> tuple[float, float] | None:
    for page in document.pages:
        for box in descendants(page_box(page)):
            element = getattr(box, "element", None)
            if isinstance(box, boxes.ReplacedBox) and element is not None \
                    and "logo" in (element.get("class") or ""):
                return (box.width * PX_TO_PT, box.height * PX_TO_PT)
    return None


def _find_overflow(box, bounds, where: str, page: int, found: list[Overflow],
                   paper: tuple[float, float]) -> None:
    """Text runs wider than the block that holds them: a long unbreakable address, a name that
    will not wrap. WeasyPrint lets them run into the next column or off the paper, silently."""
    element = getattr(box, "element", None)
    if element is not None and element.get("id") and box.element_tag in ("section", "header", "figure"):
        where = element.get("id").removeprefix("section-")
    if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.PageBox | boxes.MarginBox):
        left = box.content_box_x()
        bounds = (left, left + box.width)
        if left < paper[0] - OVERFLOW_TOLERANCE_PT or bounds[1] > paper[1] + OVERFLOW_TOLERANCE_PT:
            found.append(Overflow(f"page {page}, {where}: a block is wider than the printable area",
                                  where))
            return
    if isinstance(box, boxes.TextBox) and bounds is not None and box.text.strip():
        start, end = box.position_x, box.position_x + box.width
        if start < bounds[0] - OVERFLOW_TOLERANCE_PT or end > bounds[1] + OVERFLOW_TOLERANCE_PT:
            text = box.text.strip()[:40]
            found.append(Overflow(f"page {page}, {where}: \"{text}\" is wider than its column", where, text))
        return
    for child in getattr(box, "children", ()):
        _find_overflow(child, bounds, where, page, found, paper)
