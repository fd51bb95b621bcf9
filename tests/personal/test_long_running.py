"""Personal copies from a process that keeps running (a server, a script making batch after
batch): what brochure keeps between copies must follow the clinic's files."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from PIL import Image

import brochure
from brochure.config.patients import Patient
from brochure.personal.leaflet import make_personal_leaflet
from tests.conftest import copy_clinic

PATIENT = Patient("P-0051", "Sara Haddad", "s@example.com", "en", dt.datetime(2026, 12, 11, 9, 0), None, "")


def image_sizes(pdf: bytes) -> set[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {(int(image.Width), int(image.Height)) for page in document.pages
                for image in page.get_images().values()}


def test_a_logo_replaced_in_place_is_in_the_next_copy(tmp_path):
    folder = copy_clinic(tmp_path, "dar-al-shifa", "x")
    before = make_personal_leaflet(brochure.load_clinic(folder), PATIENT).pdf
    Image.new("RGB", (400, 123), "#0B5563").save(folder / "logo.png")
    after = make_personal_leaflet(brochure.load_clinic(folder), PATIENT).pdf
    assert (400, 123) not in image_sizes(before)
    assert image_sizes(after) == {(400, 123)}
