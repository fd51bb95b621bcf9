"""Turn WeasyPrint's PDF/X-4 output into a file a print shop accepts: trim, bleed and media boxes
set exactly, crop and fold marks outside the bleed, a CMYK output intent, RGB colour-managed.

WeasyPrint 70 writes no output intent unless a `device-cmyk` profile is declared, draws crop
marks inside the bleed (where the paper is cut), and leaves colours DeviceRGB. So the press
edition declares the profile in CSS, asks WeasyPrint for bleed without marks, and this module
does the rest, then checks the result in the file itself.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from brochure.config.clinic import Clinic
from brochure.config.options import BLEED_MM, MM
from brochure.errors import BrochureError

if TYPE_CHECKING:  # pikepdf is loaded by the press edition only
    import pikepdf

MARK_GAP_MM = 3.5     # crop marks start here, outside the bleed, so none is printed on the sheet
MARK_LENGTH_MM = 5.0
SLUG_MM = 10.0        # paper beyond the trim on every side: bleed, gap, marks
SYSTEM_CMYK_PROFILES = (  # used when the clinic names none (Debian package libgs-common)
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),
)


def cmyk_profile(clinic: Clinic) -> Path:
    """The CMYK ICC profile of the print condition: the clinic's (ask the print shop), else the
    system's SWOP profile from Ghostscript."""
    if clinic.icc_profile is not None:
        return clinic.icc_profile
    for path in SYSTEM_CMYK_PROFILES:
        if path.is_file():
            return path
    raise BrochureError.single(
        clinic.config_file, "press.icc_profile",
        "the press edition needs the print shop's CMYK ICC profile: put it in the clinic folder "
        "and name it here (icc_profile = \"shop.icc\"), or install a default with "
        "`apt-get install libgs-common`")


def finish_for_press(pdf: bytes, fold_positions: tuple = ()) -> bytes:
    """Boxes, marks and colour management. `fold_positions` are fractions of the trim width, the
    same for every page, or one tuple per page (a tri-fold's narrower flap moves its folds)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        srgb = _srgb_profile(document)
        per_page = bool(fold_positions) and isinstance(fold_positions[0], tuple)
        for index, page in enumerate(document.pages):
            _reframe(document, page, fold_positions[index] if per_page else fold_positions)
            _manage_rgb(page.obj, srgb, set())
        drawn = _drawn_digest(document)
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
            metadata["xmpMM:DocumentID"] = f"xmp.did:{uuid.UUID(bytes=drawn[:16])}"
        document.trailer.ID = pikepdf.Array([pikepdf.String(drawn[:16])] * 2)  # the second is remade
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
    finished = out.getvalue()
    if problems := press_problems(finished):
        raise RuntimeError("press edition is not print-ready: " + "; ".join(problems))
    return finished


def _reframe(document: pikepdf.Pdf, page: pikepdf.Page, folds: tuple[float, ...]) -> None:
    left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
    shift_x = SLUG_MM * MM - left  # the trim moves to SLUG_MM from the new paper edge
    shift_y = SLUG_MM * MM - bottom
    width, height = right - left, top - bottom
    slug, bleed = SLUG_MM * MM, BLEED_MM * MM
    page.contents_coalesce()
    page.contents_add(document.make_stream(f"q 1 0 0 1 {shift_x:.4f} {shift_y:.4f} cm\n".encode()),
                      prepend=True)
    page.contents_add(document.make_stream(b"Q\n" + _marks(width, height, folds)))
    for annotation in page.obj.get("/Annots", []):
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        annotation.Rect = [x0 + shift_x, y0 + shift_y, x1 + shift_x, y1 + shift_y]
    page.obj.MediaBox = [0, 0, width + 2 * slug, height + 2 * slug]
    page.obj.TrimBox = [slug, slug, slug + width, slug + height]
    page.obj.BleedBox = [slug - bleed, slug - bleed, slug + width + bleed, slug + height + bleed]
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]


def _marks(width: float, height: float, folds: tuple[float, ...]) -> bytes:
    """Crop marks at the four corners and fold marks above and below each fold, in registration
    colour (all four inks) so they show on every plate."""
    slug, gap, length = SLUG_MM * MM, MARK_GAP_MM * MM, MARK_LENGTH_MM * MM
    x0, y0, x1, y1 = slug, slug, slug + width, slug + height
    lines = []
    for x, outward in ((x0, -1), (x1, 1)):
        for y in (y0, y1):
            lines.append((x + outward * gap, y, x + outward * (gap + length), y))
    for y, outward in ((y0, -1), (y1, 1)):
        for x in (x0, x1):
            lines.append((x, y + outward * gap, x, y + outward * (gap + length)))
    ops = ["q 0.3 w 1 1 1 1 K []0 d"]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    if folds:
        ops.append("[2 1.5] 0 d")
        for fraction in folds:
            x = x0 + width * fraction
            ops += [f"{x:.3f} {y0 - gap:.3f} m {x:.3f} {y0 - gap - length:.3f} l S",
                    f"{x:.3f} {y1 + gap:.3f} m {x:.3f} {y1 + gap + length:.3f} l S"]
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode()


def _srgb_profile(document: pikepdf.Pdf) -> pikepdf.Array:
    import pikepdf

    from brochure.weasy import srgb_profile

    stream = document.make_stream(srgb_profile())
    stream.N = 3
    return pikepdf.Array([pikepdf.Name.ICCBased, document.make_indirect(stream)])


def _manage_rgb(node, srgb, seen: set) -> None:
    """DefaultRGB in every resource dictionary: WeasyPrint's DeviceRGB colours become sRGB, which
    PDF/X-4 accepts and the RIP converts to the output intent."""
    import pikepdf

    resources = node.get("/Resources")
    if resources is None or (resources.objgen in seen and resources.objgen != (0, 0)):
        return
    seen.add(resources.objgen)
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    resources.ColorSpace.DefaultRGB = srgb
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            _manage_rgb(xobject, srgb, seen)


def _drawn_digest(document: pikepdf.Pdf) -> bytes:
    """A digest of what the pages draw. WeasyPrint gives a PDF/X-4 a random document ID and file
    ID; ids from this digest make the same leaflet built twice the same file (a print shop can
    tell when one changed)."""
    digest = hashlib.sha256()
    for page in document.pages:
        for stream in page.obj.Contents.wrap_in_array():
            digest.update(stream.read_bytes())
    return digest.digest()


def press_problems(pdf: bytes) -> list[str]:
    """What a print shop's preflight would reject, read from the file."""
    import pikepdf

    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        intents = document.Root.get("/OutputIntents", [])
        if not any(i.get("/S") == "/GTS_PDFX" and "/DestOutputProfile" in i
                   and int(i.DestOutputProfile.get("/N", 0)) == 4 for i in intents):
            problems.append("no CMYK output intent")
        metadata = document.open_metadata()
        if metadata.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
            problems.append("not identified as PDF/X-4")
        for number, page in enumerate(document.pages, start=1):
            for box in ("/TrimBox", "/BleedBox"):
                if box not in page.obj:
                    problems.append(f"page {number} has no {box[1:]}")
    return problems
