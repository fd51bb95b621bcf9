"""The layout step's measurements kept on disk, so that a build of content already measured (in an
earlier process, by another --jobs worker) skips the measuring render: about a third of a build.

A measurement (the named boxes' heights and top margins) is a pure function of what WeasyPrint was
given, so its key hashes all of it: the measuring HTML (the clinic folder's own path written as a
placeholder, so that a copy of a folder measures once), the stylesheets' text, the bundled font
files, the code that reads the boxes, the box ids, and the WeasyPrint and Pango versions.
Files fetched during the render (the logo, the @font-face fonts) are only known afterwards: each
entry lists them with their content hashes, and a file that changed since is a miss.

Entries are written atomically; an entry that cannot be read or makes no sense is a miss, never an
error. The measuring page holds no patient data (a personal copy's letter heading is measured
blank), and an entry holds only hashes, file names and lengths.

Where: `BROCHURE_CACHE_DIR`, else the user cache folder (~/.cache/brochure on Linux), beside
Jinja's compiled templates (html.py); `BROCHURE_NO_CACHE=1` turns both off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from brochure.assets import fonts_dir
from brochure.errors import BrochureError

FORMAT = 1  # raise when an entry's meaning changes
_CLINIC = "clinic:/"  # the clinic folder's URI in the key: the same content anywhere measures once


@dataclass(frozen=True)
class Measured:
    heights: dict[str, float]          # element id -> margin box height, pt
    leads: dict[str, float]            # element id -> top margin, pt
    fetched: tuple[Path, ...] = field(default=(), compare=False)  # the files the render read


# what this process did, for tests and the curious: a hit is a measuring render skipped
stats = {"hits": 0, "misses": 0}


def cache_root() -> Path | None:
    """brochure's cache folder (measurements/, templates/), or None when the cache is off."""
    if os.environ.get("BROCHURE_NO_CACHE", "").strip() not in ("", "0"):
        return None
    if os.environ.get("BROCHURE_CACHE_DIR"):
        return Path(os.environ["BROCHURE_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brochure", appauthor=False))


def measured(html: str, folder: Path, extra_roots: tuple[Path, ...], stylesheets: tuple[str, ...],
             box_ids: tuple[str, ...], render: Callable[[], Measured]) -> Measured:
    """The measurement from the cache when it holds one for exactly this input, else `render()`'s
    (kept for next time)."""
    root = cache_root()
    folder = folder.resolve()
    if root is None:
        return render()
    key = _key(html, folder, extra_roots, stylesheets, box_ids)
    entry = root / "measurements" / key[:2] / f"{key}.json"
    found = _read(entry, folder)
    if found is not None:
        stats["hits"] += 1
        return found
    stats["misses"] += 1
    result = render()
    _write(entry, result, folder)
    return result


def _key(html, folder: Path, extra_roots, stylesheets, box_ids) -> str:
    digest = hashlib.sha256()

    def part(value: str | bytes) -> None:
        data = value.encode() if isinstance(value, str) else value
        digest.update(len(data).to_bytes(8, "big") + data)

    here = folder.as_uri() + "/"
    part(json.dumps([FORMAT, _versions(), list(box_ids), list(stylesheets),
                     [str(root).replace(str(folder), _CLINIC) for root in extra_roots]]))
    part(html.replace(here, _CLINIC))
    for name in stylesheets:
        part(_stylesheet_text(name))
    part(_fixed_inputs())
    return digest.hexdigest()


def _stylesheet_text(name: str) -> str:
    """The stylesheet as this process parsed it, not as the file is now: a live preview keeps its
    parsed stylesheets while the file is edited, and its measurements must not pass for the edit's."""
    from brochure.render.html import stylesheet_source

    return stylesheet_source(name)


@cache
def _versions() -> list[str]:
    import weasyprint
    from weasyprint.text.ffi import pango

    return [weasyprint.__version__, str(pango.pango_version())]


@cache
def _fixed_inputs() -> str:
    """What does not change within a process: the bundled fonts (Fontconfig reads them
    directly, not through the fetcher) and the code that renders and reads the boxes."""
    from brochure import weasy
    from brochure.render import fetcher, html, pages

    digest = hashlib.sha256()
    for path in (*sorted(fonts_dir().glob("*.ttf")),
                 *(Path(module.__file__) for module in (weasy, fetcher, html, pages))):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(entry: Path, folder: Path) -> Measured | None:
    """The entry's measurement when every file it read is unchanged; None for anything else."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if data["format"] != FORMAT:
            return None
        for name, digest in data["fetched"]:
            path = folder / name[len(_CLINIC):] if name.startswith(_CLINIC) else Path(name)
            if _file_hash(path) != digest:
                return None
        heights, leads = data["heights"], data["leads"]
        if not all(isinstance(key, str) and isinstance(value, float)
                   for values in (heights, leads) for key, value in values.items()):
            return None
        return Measured(heights, leads)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(entry: Path, result: Measured, folder: Path) -> None:
    from brochure.files import write_atomically

    try:
        fetched = [[_CLINIC + path.relative_to(folder).as_posix() if path.is_relative_to(folder)
                    else str(path), _file_hash(path)] for path in result.fetched]
        data = {"format": FORMAT, "fetched": fetched,
                "heights": {key: float(value) for key, value in result.heights.items()},
                "leads": {key: float(value) for key, value in result.leads.items()}}
        write_atomically(entry, json.dumps(data).encode())
    except (OSError, BrochureError):
        pass  # a cache that cannot be written is only slower
