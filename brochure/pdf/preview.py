"""PNG previews for staff to check before printing: every page, and one contact sheet with the
pages side by side, panel outlines and fold lines drawn on."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from brochure.files import write_atomically
from brochure.render.balance import trifold_sides
from brochure.render.leaflet import Leaflet

DPI = 110
GAP_PX = 24
FOLD = (200, 40, 40)
OUTLINE = (40, 110, 200)


@dataclass(frozen=True)
class Preview:
    pages: list[Path]
    contact_sheet: Path


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def page_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def write_preview(leaflet: Leaflet, out_dir: Path) -> Preview:
    """output/SLUG/preview/STEM-pN.png for each page and STEM-sheet.png for all of them."""
    folder = out_dir / leaflet.clinic.slug / "preview"
    stem = Path(leaflet.filename).stem
    images = page_images(leaflet.pdf)
    pages = []
    for number, image in enumerate(images, start=1):
        path = folder / f"{stem}-p{number}.png"
        write_atomically(path, _png(image))
        pages.append(path)
    sheet = folder / f"{stem}-sheet.png"
    write_atomically(sheet, _png(contact_sheet(images, leaflet)))
    return Preview(pages, sheet)


def contact_sheet(images: list[Image.Image], leaflet: Leaflet) -> Image.Image:
    """Pages side by side on grey, each with its panels outlined (blue) and folds dashed (red)."""
    width = sum(image.width for image in images) + GAP_PX * (len(images) + 1)
    height = max(image.height for image in images) + 2 * GAP_PX
    canvas = Image.new("RGB", (width, height), (150, 150, 150))
    x = GAP_PX
    for index, image in enumerate(images):
        page = image.copy()
        _outline_panels(ImageDraw.Draw(page), page.size, leaflet, index)
        canvas.paste(page, (x, GAP_PX))
        x += image.width + GAP_PX
    return canvas


def _outline_panels(draw: ImageDraw.ImageDraw, size: tuple[int, int], leaflet: Leaflet,
                    page_index: int = 0) -> None:
    w, h = size
    inset = 0
    if leaflet.edition == "press":  # the page image includes the slug around the trim
        from brochure.pdf.prepress import SLUG_MM
        inset = round(SLUG_MM / 25.4 * DPI)
    left, top, right, bottom = inset, inset, w - inset, h - inset
    draw.rectangle([left, top, right - 1, bottom - 1], outline=OUTLINE, width=2)
    if leaflet.layout == "trifold":  # the folds where the narrower flap puts them
        side = trifold_sides(leaflet.paper, leaflet.languages[0] == "ar")[page_index]
        for fold in side.folds_mm:
            x = left + round((right - left) * fold / sum(side.widths_mm))
            for y in range(top, bottom, 14):
                draw.line([(x, y), (x, min(y + 8, bottom))], fill=FOLD, width=2)
