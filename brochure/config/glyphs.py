"""Which characters the bundled fonts can draw, checked before rendering so a missing glyph is
named with its field instead of printing as a box or in a borrowed system font."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from functools import cache

from fontTools.ttLib import TTFont

from brochure.assets import BRACKETS, BRACKETS_FONT, fonts_dir
from brochure.config.clinic import Clinic
from brochure.errors import display_path


@cache
def drawable() -> frozenset[int]:
    """Code points that some bundled font maps to a glyph, as the stylesheets use them (the
    brackets font only for brackets)."""
    points: set[int] = set()
    for path in fonts_dir().glob("*.ttf"):
        if path.stem == BRACKETS_FONT:
            points.update(BRACKETS)
            continue
        font = TTFont(path, lazy=True)
        # glyph ids for names: the cmap is read without decoding the 'post' table's glyph names,
        # three quarters of the time (only which code points are mapped matters here)
        font.setGlyphOrder([str(glyph) for glyph in range(font["maxp"].numGlyphs)])
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def undrawable(text: str) -> list[str]:
    """The characters of `text` that no bundled font can draw, each once, in order. Spaces and
    format characters (ZWJ, ZWNJ, direction marks) shape their neighbours and need no glyph."""
    can_draw = drawable()
    return [char for char in dict.fromkeys(text) if not (
        ord(char) in can_draw or char.isspace() or unicodedata.category(char) == "Cf")]


# Section fields that never reach the page: a reviewer's name needs no glyphs.
_NOT_PRINTED = ("id", "figure", "source", "reviewed_by")


def _texts(value, prefix: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield prefix, value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name), f"{prefix}.{field.name}".lstrip("."))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{prefix}[{index}]")


@dataclasses.dataclass(frozen=True)
class MissingGlyph:
    """A character of the clinic's text that no bundled font can draw, and where it was typed."""

    file: str
    field: str
    char: str

    @property
    def message(self) -> str:
        name = unicodedata.name(self.char, "unnamed character")
        return f"the bundled fonts cannot draw {self.char!r} (U+{ord(self.char):04X} {name})"


FIX = "remove it or use another character"


def missing_glyphs(clinic: Clinic) -> list[MissingGlyph]:
    missing = []
    texts = list(_texts(dataclasses.replace(clinic, extra_sections=()), ""))
    for section in clinic.extra_sections:
        texts += [(f"{section.source}|section.{field}", text)
                  for field, text in _texts(dataclasses.replace(section, source=""), "")
                  if not field.startswith(_NOT_PRINTED)]
    for field, text in texts:
        if field in ("slug",):
            continue
        file, _, key = field.rpartition("|")
        missing += [MissingGlyph(display_path(file or clinic.config_file), key, char)
                    for char in undrawable(text)]
    return missing
