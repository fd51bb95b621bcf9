"""The press edition is the same file each time it is built from the same content: WeasyPrint
gives a PDF/X-4 a random document ID and file ID, which brochure/pdf/prepress.py replaces with
ids made from what the pages draw, so a print shop can tell when a file really changed."""

from __future__ import annotations

import io

import pikepdf

import brochure
from tests.conftest import EXAMPLES


def test_press_trifold_built_twice_is_the_same_file_and_another_leaflet_gets_other_ids(shared_builds):
    first = shared_builds.made("al-noor", "trifold", "press", "letter", "en,ar").pdf
    again = brochure.make_leaflet(brochure.load_clinic(EXAMPLES / "al-noor"), "letter", ("en", "ar"),
                                  layout="trifold", edition="press").pdf
    assert first == again
    other = shared_builds.made("harbor-spine", "trifold", "press", "letter", "en,ar").pdf

    def ids(pdf):
        with pikepdf.open(io.BytesIO(pdf)) as document:
            return str(document.open_metadata()["xmpMM:DocumentID"]), bytes(document.trailer.ID[0])

    assert ids(first)[0].startswith("xmp.did:")
    assert ids(first)[0] != ids(other)[0] and ids(first)[1] != ids(other)[1]
