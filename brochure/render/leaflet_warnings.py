"""What a leaflet that builds may still need a person to look at: printable, but worth a look."""

from __future__ import annotations

from brochure.config.clinic import PRINT_DPI, Clinic, dpi_on_paper
from brochure.errors import display_path


def apart_warnings(where: str, sections, apart: tuple[str, ...], layout: str, paper: str) -> tuple[str, ...]:
    """A list the layout step could only set apart from the sentence introducing it ("... to
    reduce:" ending one side, the list on the other): printable, but worth a look."""
    headings = {section.id: section.en.heading for section in sections}
    return tuple(f'{where}: the {layout} on {paper.upper()} sets the list of '
                 f'"{headings.get(section_id, section_id)}" apart from the sentence introducing it, '
                 "as nothing else fits; shorten the clinic's own sections to keep them together"
                 for section_id in apart)


def logo_resolution_warnings(clinic: Clinic, size_pt) -> tuple[str, ...]:
    """A raster logo below 300 dpi at the size it prints comes out soft at a print shop."""
    if clinic.logo is None or size_pt is None or clinic.logo.suffix.lower() == ".svg":
        return ()
    from PIL import Image

    with Image.open(clinic.logo) as image:
        pixels = image.size
    mm = tuple(v / 72 * 25.4 for v in size_pt)
    dpi = min(dpi_on_paper(count, length) for count, length in zip(pixels, mm, strict=True))
    if dpi >= PRINT_DPI:
        return ()
    return (f"{display_path(clinic.logo)}: {dpi:.0f} dpi at its printed size ({mm[0]:.0f} × "
            f"{mm[1]:.0f} mm); print shops want {PRINT_DPI} dpi: supply a larger image or an SVG",)
