"""Where the bundled templates, fonts and reviewed content live: inside the installed wheel, or at
the top of a repository checkout (editable installs and running from source)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def asset_dir(name: str) -> Path:
    """`templates`, `fonts` or `content`: the wheel copy if there is one, else the checkout's."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"brochure is installed without its {name}/ folder (looked in {_PACKAGE})")


def templates_dir() -> Path:
    return asset_dir("templates")


def fonts_dir() -> Path:
    return asset_dir("fonts")


def content_dir() -> Path:
    return asset_dir("content")


def bundled_roots() -> tuple[Path, ...]:
    """Every folder WeasyPrint may read from besides the clinic's own."""
    return (templates_dir(), fonts_dir())


# Brackets for Arabic text come from their own font (see fonts/README.md): code points, and the
# file that draws them. Used by the @font-face rule and by the glyph-coverage check. The Arabic
# letter mark (U+061C, in patient text) too: the Noto fonts lack it, and without it here WeasyPrint
# took it from a system font, or not, depending on what the process had rendered before.
BRACKETS_FONT = "Amiri-Regular"
BRACKETS = (0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0xAB, 0xBB, 0x61C)


def brackets_unicode_range() -> str:
    return ", ".join(f"U+{point:04X}" for point in BRACKETS)
