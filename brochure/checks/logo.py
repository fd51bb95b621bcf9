"""Logo: a PNG, JPEG or SVG by its content (not only its name), of a sensible size, an SVG that
runs no script and reaches for nothing outside itself, and a raster sharp enough where it prints."""

from __future__ import annotations

import io
import math
import re
import warnings
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager

from PIL import Image, ImageFile, UnidentifiedImageError

from brochure.checks.findings import ERROR, WARNING, Finding
from brochure.config.clinic import PRINT_DPI, Clinic, dpi_on_paper
from brochure.errors import display_path

# The largest box each layout prints the logo in (max-width and max-height in templates/css):
# the sheet's masthead and the tri-fold's cover. A raster is judged where it is largest.
PRINTED_BOX_MM = {"sheet": (24.0, 18.0), "tri-fold cover": (30.0, 21.0)}
CSS_PX_PER_INCH = 96  # WeasyPrint sizes an image by its pixels at 96 per inch, then shrinks it to fit
HEAVY_BYTES = 1_000_000  # every PDF carries the logo; a larger file is an export mistake
NAMES = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}
EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
# Anything an SVG may point at that is not inside itself: a fragment (#id) or inline data: is fine.
_EXTERNAL = re.compile(r"^\s*(?!#|data:)\S", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)|@import\s+(?!url\()['\"]?([^'\";\s]+)", re.I)


def findings(clinic: Clinic) -> list[Finding]:
    if clinic.logo is None:
        return []
    path = clinic.logo
    file = display_path(path)
    data = path.read_bytes()
    kind = _kind(data)
    declared = EXTENSIONS[path.suffix.lower()]
    if kind is None:
        return [Finding(ERROR, "logo", file, "", f"is not a PNG, JPEG or SVG file (it starts with "
                        f"{data[:8]!r})", "export the logo again as PNG or SVG")]
    found = []
    if kind != declared:
        found.append(Finding(ERROR, "logo", file, "", f"is a {NAMES[kind]} file named "
                             f"{path.suffix}; the leaflet would treat it as {NAMES[declared]}",
                             f"rename it with a {_extension(kind)} extension (and brand.logo with it)"))
    if len(data) > HEAVY_BYTES:
        found.append(Finding(WARNING, "logo", file, "", f"is {len(data) / 1_000_000:.1f} MB, and "
                             "every PDF carries it", "export it smaller (an SVG, or a PNG of about "
                             "1000 pixels across)"))
    found += _svg_findings(file, data) if kind == "svg" else _raster_findings(file, data)
    return found


def _kind(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data.lower():
        return "svg"
    return None


def _extension(kind: str) -> str:
    return {"png": ".png", "jpeg": ".jpg", "svg": ".svg"}[kind]


def _svg_findings(file: str, data: bytes) -> list[Finding]:
    def error(message: str, hint: str) -> Finding:
        return Finding(ERROR, "logo", file, "", message, hint)

    # A DOCTYPE can declare entities that pull in other files or expand without end; a logo
    # exported by a drawing program has no need of one.
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        return [error("declares a DOCTYPE or entities", "export the SVG again as plain SVG")]
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return [error(f"is not well-formed SVG ({exc})", "export the logo again")]
    found = []
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "script":
            found.append(error("contains a <script>", "export the logo again without scripts"))
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.lower().startswith("on"):
                found.append(error(f"<{tag} {attribute}=...> runs script when shown",
                                   f"remove the {attribute} attribute"))
            elif attribute in ("href", "src") and _EXTERNAL.match(value):
                found.append(error(f"<{tag}> refers to {value[:80]}, outside the logo",
                                   "embed what it shows in the SVG, or export the logo as PNG"))
            elif attribute == "style":
                found += [error(f"<{tag}> style refers to {url[:80]}, outside the logo",
                                "embed what it shows in the SVG, or export the logo as PNG")
                          for url in _css_references(value)]
        if tag == "style":
            found += [error(f"<style> refers to {url[:80]}, outside the logo",
                            "embed what it shows in the SVG, or export the logo as PNG")
                      for url in _css_references(element.text or "")]
    return list(dict.fromkeys(found))


def _local(name: str) -> str:
    """`{http://www.w3.org/1999/xlink}href` -> `href`."""
    return name.rpartition("}")[2]


def _css_references(css: str) -> list[str]:
    return [url for match in _CSS_URL.finditer(css) for url in match.groups()
            if url and _EXTERNAL.match(url)]


def _raster_findings(file: str, data: bytes) -> list[Finding]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image, _strict_decoding():
                width, height = image.size
                # decoded in full: a truncated file opens fine and prints as a blank card
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return [Finding(ERROR, "logo", file, "", "has too many pixels to open safely",
                        "export it at about 1000 pixels across")]
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        # Pillow says "image file is truncated (12 bytes not processed)" and the like
        return [Finding(ERROR, "logo", file, "", f"cannot be read as an image in full ({exc})",
                        "the file is damaged or cut short: export the logo again")]
    # the lowest resolution; where two tie (a small image prints at 96 dpi in both), the larger box
    dpi, _, where, box = min((_printed_dpi(width, height, box), -box[0] * box[1], where, box)
                             for where, box in PRINTED_BOX_MM.items())
    if dpi >= PRINT_DPI:
        return []
    # Enough pixels to fill every box at 300 dpi (a small image prints small, at 96 dpi).
    fill = max(min(box[0] / width, box[1] / height) for box in PRINTED_BOX_MM.values())
    needed = [math.ceil(side * fill / 25.4 * PRINT_DPI) for side in (width, height)]
    return [Finding(WARNING, "logo", file, "", f"{width} × {height} pixels print at {dpi:.0f} dpi "
                    f"in the {where} (up to {box[0]:g} × {box[1]:g} mm); print needs {PRINT_DPI} dpi",
                    f"use one of at least {needed[0]} × {needed[1]} pixels, or an SVG")]


@contextmanager
def _strict_decoding():
    """Pillow refusing a file cut short. WeasyPrint, once imported, tells Pillow to accept them
    (weasyprint/images.py sets ImageFile.LOAD_TRUNCATED_IMAGES), which is what printed a blank
    card: the check must not depend on whether a render came first."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _printed_dpi(width: int, height: int, box_mm: tuple[float, float]) -> float:
    """Pixels per inch on paper: the image at 96 pixels per inch, shrunk (never enlarged) to fit
    the box, keeping its shape."""
    natural_mm = (width / CSS_PX_PER_INCH * 25.4, height / CSS_PX_PER_INCH * 25.4)
    scale = min(1.0, box_mm[0] / natural_mm[0], box_mm[1] / natural_mm[1])
    return dpi_on_paper(width, natural_mm[0] * scale)
