"""Language in the PDF structure tree: each structure element made for an HTML element with a
`lang` attribute gets /Lang, so a screen reader switches voice between Arabic and English.

WeasyPrint 70 tags headings, paragraphs, lists and figures but does not carry `lang` into the
structure tree. Working out the language afterwards from the content streams is fragile, so
brochure.weasy wraps the function that builds each structure element; tests check the file.
"""

from __future__ import annotations

from brochure.weasy import boxes, tag_structure_elements


def language_of(box) -> str | None:
    """The `lang` of the element a box was made for (not the page's, html's or body's: the
    document's /Lang covers those). A page footer is in the language of its direction (each
    footer sets its own: the Arabic one right to left, see leaflet.css)."""
    if isinstance(box, boxes.MarginBox):
        return "ar" if box.style["direction"] == "rtl" else "en"
    element = getattr(box, "element", None)
    if element is None or isinstance(box, boxes.PageBox) or box.element_tag in ("html", "body"):
        return None
    return element.get("lang")


def install() -> None:
    tag_structure_elements(language_of)
