"""Vector graphics drawn for the leaflet: the true-scale incision comparison and the QR code.

Both are inline SVG, so they print sharp at any size and the incision bars keep real millimetres:
the SVG's user unit is one millimetre on paper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import segno
from markupsafe import Markup

from brochure.config.content import IncisionBar

MM_PER_INCH = 25.4
OR_MORE_TAIL_MM = 10.0  # the faded tail that says "or more"
EDGE_MM = 2.0  # room at the ends of the ruler for its end labels


BREAK_FROM_END_MM = 6.0  # where a cut bar's break mark crosses it, from the drawing's far end


@dataclass(frozen=True)
class DrawnBar:
    """One bar's geometry in millimetres, mirrored when Arabic leads so bars grow from the right.
    Every bar is at life size; one longer than the drawing is cut at its far end (`cut`), where a
    break mark crosses it at `break_x`."""

    key: str
    label_en: str
    label_ar: str
    solid: tuple[float, float]        # x, width of the certain length
    range: tuple[float, float] | None  # x, width of the "up to" part (5-6 inch, 2-5 mm)
    tail: tuple[float, float] | None   # x, width of the "or more" fade
    cut: bool = False
    break_x: float | None = None


def fits_whole(bar: IncisionBar, width_mm: float) -> bool:
    """Whether the whole bar (its "or more" fade included) fits the drawing at life size."""
    length = bar.max_mm + (OR_MORE_TAIL_MM if bar.or_more else 0.0)
    return length <= width_mm - 2 * EDGE_MM


def incision_bars(bars: tuple[IncisionBar, ...], width_mm: float, from_right: bool) -> list[DrawnBar]:
    """Each bar at life size: one millimetre of incision is one millimetre of paper, read against
    the life-size ruler. A bar longer than the drawing (5-6 inches on a tri-fold panel) runs to its
    far end, cut there, with a break mark; drawn at half size it ended at "3" on the inch scale,
    which a patient could read as three inches."""
    drawn = []
    room = width_mm - 2 * EDGE_MM

    def place(start: float, length: float) -> tuple[float, float]:
        x = width_mm - EDGE_MM - start - length if from_right else EDGE_MM + start
        return (round(x, 3), round(length, 3))

    for bar in bars:
        label = {"key": bar.key, "label_en": bar.label.en, "label_ar": bar.label.ar}
        if not fits_whole(bar, width_mm):
            if bar.min_mm < room:  # its certain length shown, the rest of the range cut
                drawn.append(DrawnBar(**label, solid=place(0, bar.min_mm),
                                      range=place(bar.min_mm, room - bar.min_mm), tail=None, cut=True,
                                      break_x=_break_x(width_mm, from_right)))
            else:
                drawn.append(DrawnBar(**label, solid=place(0, room), range=None, tail=None, cut=True,
                                      break_x=_break_x(width_mm, from_right)))
            continue
        extra = bar.max_mm - bar.min_mm
        drawn.append(DrawnBar(
            **label, solid=place(0, bar.min_mm),
            range=place(bar.min_mm, extra) if extra > 0 else None,
            tail=place(bar.max_mm, OR_MORE_TAIL_MM) if bar.or_more else None,
        ))
    return drawn


def _break_x(width_mm: float, from_right: bool) -> float:
    """The break mark's x, near the drawing's far end (the left one when bars grow from the right)."""
    offset = EDGE_MM + BREAK_FROM_END_MM
    return round(offset if from_right else width_mm - offset, 3)


def extent(bar: DrawnBar, width_mm: float, from_right: bool) -> float:
    """How far from the drawing's start edge the bar reaches, in mm."""
    parts = [part for part in (bar.solid, bar.range, bar.tail) if part]
    return (width_mm - min(x for x, _ in parts)) if from_right else max(x + w for x, w in parts)


def ruler_ticks(width_mm: float, step_mm: float, from_right: bool, scale: float = 1.0,
                every: int = 1) -> list[tuple[float, int, bool]]:
    """x (mm), value and whether labelled, for each whole unit (inch or centimetre) that fits
    between the ruler's ends; every `every`-th tick carries its number."""
    step = step_mm * scale
    count = int((width_mm - 2 * EDGE_MM) // step + 1e-9)
    return [(round(width_mm - EDGE_MM - i * step if from_right else EDGE_MM + i * step, 3), i,
             i % every == 0) for i in range(count + 1)]


@lru_cache(maxsize=16)
def _qr_code(url: str):
    # choosing the mask is most of the time of a leaflet's HTML: once per website and process
    return segno.make(url, error="m", micro=False)


# the measuring page's QR code: a square box, sized by leaflet.css as the code is, without the code's
# kilobyte and more of path for WeasyPrint to parse (a measurement needs the box only)
QR_BOX = Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" class="qr"></svg>')


@lru_cache(maxsize=64)
def qr_svg(url: str, colour: str, title: str = "") -> Markup:
    """The website as a vector QR code (error correction M survives a smudged print)."""
    code = _qr_code(url)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
              dark=colour, light=None, border=2, svgclass="qr", lineclass=None,
              title=title or None)  # a tagged PDF takes the figure's alternative text from it
    return Markup(out.getvalue().decode("utf-8"))  # segno escapes the title for XML
