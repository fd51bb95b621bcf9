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


@dataclass(frozen=True)
class DrawnBar:
    """One bar's geometry in millimetres, mirrored when Arabic leads so bars grow from the right."""

    key: str
    label_en: str
    label_ar: str
    scale: float                      # 1.0: life size; 0.5 where life size does not fit
    solid: tuple[float, float]        # x, width of the certain length
    range: tuple[float, float] | None  # x, width of the "up to" part (5-6 inch, 2-5 mm)
    tail: tuple[float, float] | None   # x, width of the "or more" fade


def bar_scale(bar: IncisionBar, width_mm: float) -> float:
    """Life size when the whole bar (its "or more" fade included) fits the drawing, else half."""
    length = bar.max_mm + (OR_MORE_TAIL_MM if bar.or_more else 0.0)
    return 1.0 if length <= width_mm - 2 * EDGE_MM else 0.5


def incision_bars(bars: tuple[IncisionBar, ...], width_mm: float, from_right: bool) -> list[DrawnBar]:
    """Each bar at life size where it fits `width_mm`, else at half size (one millimetre of
    incision is one millimetre of paper, or half of one)."""
    drawn = []
    for bar in bars:
        scale = bar_scale(bar, width_mm)

        def place(start: float, length: float, scale: float = scale) -> tuple[float, float]:
            start, length = start * scale, length * scale
            x = width_mm - EDGE_MM - start - length if from_right else EDGE_MM + start
            return (round(x, 3), round(length, 3))

        extra = bar.max_mm - bar.min_mm
        drawn.append(DrawnBar(
            key=bar.key, label_en=bar.label.en, label_ar=bar.label.ar, scale=scale,
            solid=place(0, bar.min_mm),
            range=place(bar.min_mm, extra) if extra > 0 else None,
            tail=place(bar.max_mm, OR_MORE_TAIL_MM / scale) if bar.or_more else None,
        ))
    return drawn


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


@lru_cache(maxsize=64)
def qr_svg(url: str, colour: str, title: str = "") -> Markup:
    """The website as a vector QR code (error correction M survives a smudged print)."""
    code = _qr_code(url)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
              dark=colour, light=None, border=2, svgclass="qr", lineclass=None,
              title=title or None)  # a tagged PDF takes the figure's alternative text from it
    return Markup(out.getvalue().decode("utf-8"))  # segno escapes the title for XML
