"""The text each glyph of a cluster carries in a PDF's text layer (ToUnicode), shared by the
WeasyPrint render (brochure/weasy.py) and the fast personal copy (brochure/personal/typeset.py)."""

from __future__ import annotations


def cluster_pieces(text: str, glyph_count: int, right_to_left: bool) -> list[str] | None:
    """A cluster's `text` shared among its `glyph_count` glyphs (in the item's order), none left
    without text: PDF/UA wants every glyph mapped to Unicode, and Pango/WeasyPrint give the whole
    text to the first glyph and nothing to the others (the Allah ligature of "اللّٰه" with its
    marks is two glyphs). The first glyph keeps most of it; each other takes one character, from
    the end that keeps the text in reading order when the glyphs are read in logical order.
    None when there is nothing to share (one glyph, or fewer characters than glyphs)."""
    if glyph_count < 2 or len(text) < glyph_count:
        return None
    others = glyph_count - 1
    if right_to_left:  # the first glyph in the item's order is the cluster's last in reading
        return [text[others:], *reversed(text[:others])]
    return [text[:len(text) - others], *text[len(text) - others:]]
