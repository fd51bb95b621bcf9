"""Which characters the bundled fonts can draw, checked before rendering so a missing glyph is
named with its field instead of printing as a box or in a borrowed system font."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from functools import cache

from fontTools.ttLib import TTFont

from .assets import fonts_dir
from .clinic import Clinic
from .errors import Problem, display_path


@cache
def drawable() -> frozenset[int]:
    """Code points that some bundled font maps to a glyph."""
    points: set[int] = set()
    for path in fonts_dir().glob("*.ttf"):
        font = TTFont(path, lazy=True)
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def _texts(value, prefix: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield prefix, value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name), f"{prefix}.{field.name}".lstrip("."))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{prefix}[{index}]")


def missing_glyph_problems(clinic: Clinic) -> list[Problem]:
    can_draw = drawable()
    problems = []
    texts = list(_texts(dataclasses.replace(clinic, extra_sections=()), ""))
    for section in clinic.extra_sections:
        texts += [(f"{section.source}|section.{field}", text)
                  for field, text in _texts(dataclasses.replace(section, source=""), "")
                  if not field.startswith(("id", "figure", "source"))]
    for field, text in texts:
        if field in ("slug",):
            continue
        file, _, key = field.rpartition("|")
        for char in dict.fromkeys(text):
            # format characters (ZWJ, ZWNJ) shape neighbours and need no glyph of their own
            if ord(char) in can_draw or char.isspace() or unicodedata.category(char) == "Cf":
                continue
            name = unicodedata.name(char, "unnamed character")
            problems.append(Problem(display_path(file or clinic.config_file), key,
                                    f"the bundled fonts cannot draw {char!r} (U+{ord(char):04X} {name}); "
                                    "remove it or use another character"))
    return problems
