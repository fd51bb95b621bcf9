"""Which characters the bundled fonts can draw (config/glyphs.py), read quickly: the cmap without
the glyph names must give exactly the code points fontTools' full reading gives."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from brochure.assets import BRACKETS, BRACKETS_FONT, fonts_dir
from brochure.config.glyphs import drawable, undrawable


def test_the_quick_reading_finds_every_code_point_the_fonts_map():
    expected = set(BRACKETS)
    for path in fonts_dir().glob("*.ttf"):
        if path.stem != BRACKETS_FONT:
            with TTFont(path) as font:
                expected.update(font.getBestCmap())
    assert drawable() == frozenset(expected)
    assert 0x0628 in drawable() and ord("A") in drawable()  # Arabic beh, Latin A


def test_a_character_no_bundled_font_has_is_undrawable():
    assert undrawable("Before ☃ بعد\u200d") == ["☃"]
