"""Vector graphics drawn for the leaflet: the true-scale incision comparison and the QR code.

Both are inline SVG, so they print sharp at any size and the incision bars keep real millimetres:
the SVG's user unit is one millimetre on paper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

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
    solid: tuple[float, float]        # x, width of the certain length
    range: tuple[float, float] | None  # x, width of the "up to" part (5-6 inch, 2-5 mm)
    tail: tuple[float, float] | None   # x, width of the "or more" fade


def incision_bars(bars: tuple[IncisionBar, ...], width_mm: float, from_right: bool,
                  scale: float = 1.0) -> list[DrawnBar]:
    """Bars at `scale` (1.0: one millimetre of incision is one millimetre of paper)."""
    def place(start: float, length: float) -> tuple[float, float]:
        start, length = start * scale, length * scale
        x = width_mm - EDGE_MM - start - length if from_right else EDGE_MM + start
        return (round(x, 3), round(length, 3))

    drawn = []
    for bar in bars:
        extra = bar.max_mm - bar.min_mm
        drawn.append(DrawnBar(
            key=bar.key, label_en=bar.label.en, label_ar=bar.label.ar,
            solid=place(0, bar.min_mm),
            range=place(bar.min_mm, extra) if extra > 0 else None,
            tail=place(bar.max_mm, OR_MORE_TAIL_MM / scale) if bar.or_more else None,
        ))
    return drawn


def inch_ticks(width_mm: float, inches: int, from_right: bool,
               scale: float = 1.0) -> list[tuple[float, int]]:
    """x position (mm) and label of each whole inch on the ruler under the bars."""
    step = MM_PER_INCH * scale
    return [(round(width_mm - EDGE_MM - i * step if from_right else EDGE_MM + i * step, 3), i)
            for i in range(inches + 1)]


def qr_svg(url: str, colour: str, title: str = "") -> Markup:
    """The website as a vector QR code (error correction M survives a smudged print)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
              dark=colour, light=None, border=2, svgclass="qr", lineclass=None,
              title=title or None)  # a tagged PDF takes the figure's alternative text from it
    return Markup(out.getvalue().decode("utf-8"))  # segno escapes the title for XML
