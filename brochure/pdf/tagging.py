"""Language in the PDF structure tree: each structure element made for an HTML element with a
`lang` attribute gets /Lang, so a screen reader switches voice between Arabic and English.

WeasyPrint 70 tags headings, paragraphs, lists and figures but does not carry `lang` into the
structure tree. Working out the language afterwards from the content streams is fragile, so this
wraps the (pinned) function that builds each structure element; tests check the written file.
"""

from __future__ import annotations

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags

_original = tags._build_box_tree


def _build_box_tree_with_language(box, parent, *args):
    inner = box._box if isinstance(box, AbsolutePlaceholder) else box
    element = getattr(inner, "element", None)
    language = None
    if (element is not None and not isinstance(inner, boxes.PageBox | boxes.MarginBox)
            and inner.element_tag not in ("html", "body")):
        language = element.get("lang")
    for structure in _original(box, parent, *args):
        # only the element made for this box: html/body pass their children through unchanged
        if language and structure.get("P") == parent.reference and "Lang" not in structure:
            structure["Lang"] = pydyf.String(language)
        yield structure


def install() -> None:
    """Idempotent: the recursion inside WeasyPrint looks the function up by module name."""
    if tags._build_box_tree is not _build_box_tree_with_language:
        tags._build_box_tree = _build_box_tree_with_language
