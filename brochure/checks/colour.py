"""Colour: the text the templates set on or in the brand colour must meet WCAG AA contrast, in
colour and as an office printer prints it in grey; a failing colour comes with the nearest
darker shade that passes."""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

from brochure.checks.findings import ERROR, WARNING, Finding
from brochure.config.clinic import Clinic
from brochure.errors import display_path

WHITE = "#FFFFFF"
BODY_TEXT, LARGE_TEXT = 4.5, 3.0  # WCAG 2 AA; large is 14pt bold or 18pt and up


@dataclass(frozen=True)
class TextOnBrand:
    """Where the leaflet puts text on or in brand.primary, and the contrast that text needs."""

    where: str
    needs: float


# From the templates and leaflet.css: the masthead prints the clinic name (12pt bold) and the
# subtitle (12pt) in white on brand.primary, so it needs the body-text ratio; section headings
# (14pt bold and up) are brand.primary on white paper. The accent colour only draws bullets and
# rules, which are decorative: WCAG asks no contrast of them.
PRIMARY = (TextOnBrand("white text on {colour} in the masthead", BODY_TEXT),
           TextOnBrand("headings in {colour} on white paper", LARGE_TEXT))


def findings(clinic: Clinic) -> list[Finding]:
    colour = clinic.primary
    where = (display_path(clinic.config_file), "brand.primary")
    needs = max(use.needs for use in PRIMARY)
    failing = [use for use in PRIMARY if contrast(colour, WHITE) < use.needs]
    if failing:
        ratio = contrast(colour, WHITE)
        also = "".join(f", and {use.where.format(colour='it')} need {_ratio(use.needs)}"
                       for use in failing[1:])
        return [Finding(ERROR, "colour", *where,
                        f"{failing[0].where.format(colour=colour)} has contrast {_ratio(ratio)}, "
                        f"needs {_ratio(failing[0].needs)}{also}",
                        f"try {passing_shade(colour, needs)}")]
    printed = greyscale(colour)
    failing = [use for use in PRIMARY if contrast(printed, WHITE) < use.needs]
    if failing:
        return [Finding(WARNING, "colour", *where,
                        f"printed in grey, {colour} becomes {printed}: "
                        f"{failing[0].where.format(colour='it')} has contrast "
                        f"{_ratio(contrast(printed, WHITE))}, needs {_ratio(failing[0].needs)}",
                        f"try {passing_shade(colour, needs)}")]
    return []


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in rgb)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def greyscale(colour: str) -> str:
    """The grey an office printer prints for a colour: printer drivers and Ghostscript weigh the
    gamma-encoded channels 0.299/0.587/0.114 (Rec. 601 luma), not by WCAG luminance, so a colour
    can lose contrast on its way to grey."""
    red, green, blue = _rgb(colour)
    return _hex([0.299 * red + 0.587 * green + 0.114 * blue] * 3)


def passing_shade(colour: str, needs: float) -> str:
    """The nearest darker shade (same hue and saturation, lower HSL lightness) whose contrast
    with white passes `needs`, in colour and in grey."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(colour))
    for step in range(math.floor(lightness * 1000), -1, -1):
        shade = _hex(colorsys.hls_to_rgb(hue, step / 1000, saturation))
        if contrast(shade, WHITE) >= needs and contrast(greyscale(shade), WHITE) >= needs:
            return shade
    return "#000000"


def _ratio(value: float) -> str:
    """Rounded down: a 4.47:1 shown as 4.5:1 would seem to pass a 4.5:1 requirement."""
    return f"{math.floor(value * 10) / 10:g}:1"
