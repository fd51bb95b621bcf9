"""The choices a leaflet is built with (paper, layout, edition, languages) and the print measures
they imply. Plain data, imported by every stage; nothing here renders."""

from __future__ import annotations

LANGUAGES = ("ar", "en")
LANGUAGE_ORDERS = ("ar,en", "en,ar", "ar", "en")
PAPERS = ("a4", "letter")
PAPER = {  # CSS page size, and the sheet's size in mm (portrait)
    "a4": {"css": "A4", "width_mm": 210.0, "height_mm": 297.0},
    "letter": {"css": "letter", "width_mm": 215.9, "height_mm": 279.4},
}
LAYOUTS = ("sheet", "trifold", "bilingual-pages")
EDITIONS = ("office", "press", "screen")  # what the leaflets are for: drafts, a print shop, PDF/UA
PAGES = {"sheet": 2, "bilingual-pages": 2, "trifold": 2}  # one sheet: front and back
SCREEN_PAGES = 6  # the screen edition is read on a screen: no sheet to fit, but still a leaflet
TLS_MODES = ("starttls", "implicit", "none")

MM = 72 / 25.4  # PDF points in a millimetre
BLEED_MM = 3.0
