"""Golden images: each layout in each reading order of the demo clinics, rendered to PNG and
compared with the stored picture within a tolerance. After a deliberate change to the look,
refresh them with `make golden` and look at the new PNGs before committing."""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageChops

from brochure.pdf.preview import page_images
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden"
DPI = 30
UPDATE = os.environ.get("BROCHURE_UPDATE_GOLDEN") == "1"
# tolerance: anti-aliasing and font hinting may move a few pixels; a moved block moves thousands
# share of pixels allowed to differ noticeably: a section moved into the Arabic personal cover changed
# 0.88 %, the back's disclaimer set in balanced lines 0.62 %, a change of bullet drawing 0.0 %
MAX_CHANGED_SHARE = 0.0025
NOTICEABLE = 48            # per-channel difference (0-255) that counts as a change

CASES = {
    "sheet-ar-en": ("al-noor", "sheet", "a4", ("ar", "en")),
    "sheet-en-ar": ("harbor-spine", "sheet", "letter", ("en", "ar")),
    "trifold-ar-en": ("al-noor", "trifold", "a4", ("ar", "en")),  # the fullest: disclaimer on the back
    "trifold-en-ar": ("harbor-spine", "trifold", "letter", ("en", "ar")),
    "bilingual-pages-ar-en": ("dar-al-shifa", "bilingual-pages", "a4", ("ar", "en")),
}


def _strip(images: list[Image.Image]) -> Image.Image:
    """Pages side by side in one image."""
    width = sum(i.width for i in images)
    strip = Image.new("RGB", (width, max(i.height for i in images)), "white")
    x = 0
    for image in images:
        strip.paste(image, (x, 0))
        x += image.width
    return strip


@pytest.mark.parametrize("name", CASES)
def test_layout_looks_as_approved(name, shared_builds):
    slug, layout, paper, languages = CASES[name]
    pdf = shared_builds.leaflet(slug, layout, "office", paper, ",".join(languages)).read_bytes()
    _looks_as_approved(name, _strip(page_images(pdf, dpi=DPI)))


# a patient's cover, its lines set into the shared cover (brochure/personal/covers.py)
COVERS = {"personal-cover-ar-en": "ar", "personal-cover-en-ar": "en"}  # conftest's PATIENT_AR, _EN


@pytest.mark.parametrize("name", COVERS)
def test_personal_cover_looks_as_approved(name, personal):
    _looks_as_approved(name, page_images(personal[COVERS[name]], dpi=DPI)[0])


def _looks_as_approved(name: str, actual: Image.Image) -> None:
    golden_path = GOLDEN / f"{name}.png"
    if UPDATE:
        actual.save(golden_path, optimize=True)
        pytest.skip(f"golden image written: {golden_path}")
    assert golden_path.exists(), f"no golden image for {name}: run `make golden`"
    with Image.open(golden_path) as stored:
        expected = stored.convert("RGB")
    assert expected.size == actual.size, "page size or page count changed"
    difference = ImageChops.difference(expected, actual)
    changed = sum(difference.convert("L").histogram()[NOTICEABLE + 1:])
    share = changed / (actual.width * actual.height)
    if share > MAX_CHANGED_SHARE:
        diff_path = GOLDEN / f"{name}-diff.png"
        Image.blend(expected, Image.eval(difference, lambda v: 255 - v), 0.5).save(diff_path)
        pytest.fail(f"{name}: {share:.1%} of pixels changed (allowed {MAX_CHANGED_SHARE:.2%}); "
                    f"see {diff_path}, and run `make golden` if the change is deliberate")
