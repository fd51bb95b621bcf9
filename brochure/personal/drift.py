"""Is the set copy still the copy WeasyPrint would make? The first copy of every batch is made
both ways and compared here: the same characters at the same places on the first page (within
0.6 pt), and the same structure elements with the same languages in the personal blocks. A
WeasyPrint or Pango upgrade that changes how lines are set then costs speed, never a wrong copy.
"""

from __future__ import annotations

import io

TOLERANCE_PT = 0.6
_IGNORED = "\u200e\u200f\u2066\u2067\u2068\u2069\ufffe\uffff"


def drift(fast: bytes, laid_out: bytes) -> str | None:
    """What differs between the two copies, in a few words, or None."""
    ours, theirs = _characters(fast), _characters(laid_out)
    if sorted(c for c, _, _ in ours) != sorted(c for c, _, _ in theirs):
        return "text of the first page"
    unmatched: dict[str, list[tuple[float, float]]] = {}
    for character, x, y in theirs:
        unmatched.setdefault(character, []).append((x, y))
    for character, x, y in ours:  # each character has its twin within the tolerance
        places = unmatched[character]
        nearest = min(places, key=lambda place: abs(place[0] - x) + abs(place[1] - y))
        if abs(nearest[0] - x) > TOLERANCE_PT or abs(nearest[1] - y) > TOLERANCE_PT:
            return f"positions, {max(abs(nearest[0] - x), abs(nearest[1] - y)):.1f} pt apart"
        places.remove(nearest)
    if _personal_structure(fast) != _personal_structure(laid_out):
        return "tagging of the personal blocks"
    return None


def _characters(pdf: bytes) -> list[tuple[str, float, float]]:
    """The first page's visible characters with their left and top (in content-stream order,
    where the set copy draws its lines last)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[0].get_textpage()
        found = []
        for index in range(text.count_chars()):
            character = text.get_text_range(index, 1)
            if not character.strip() or character in _IGNORED:
                continue
            left, _, _, top = text.get_charbox(index)
            found.append((character, left, top))
    finally:
        document.close()
    return found


def _personal_structure(pdf: bytes) -> list[str]:
    """What a screen reader meets in the personal blocks (the /Sect elements with /Lang on the
    first page): a paragraph mark per /P and the language in force for each element holding
    marked content, in tree order. WeasyPrint nests an element per HTML inline where the set copy
    has one /Span per run: the reading is what must agree."""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        first_page = document.pages[0].obj

        def walk(element, inside: bool, language: str) -> None:
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                return
            language = str(element.get("/Lang", language))
            inside = inside or (element.S == "/Sect" and "/Lang" in element
                                and element.get("/Pg") == first_page)
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            if inside and element.S == "/P":
                found.append("P")
            if inside and any(isinstance(kid, int) for kid in kids):
                found.append(language)
            for kid in kids:
                walk(kid, inside, language)

        root = document.Root.StructTreeRoot.K
        for kid in root if isinstance(root, pikepdf.Array) else [root]:
            walk(kid, False, "")
    return found
