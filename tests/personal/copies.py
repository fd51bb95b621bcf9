"""Helpers the personal-copy tests share (this module holds no tests)."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from brochure.config.patients import Patient
from brochure.personal import leaflet as personal


def first_of_its_batch(clinic, patient: Patient, paper: str) -> None:
    """The next copy for this clinic, paper and order is compared with WeasyPrint's layout, as
    a batch's first is. The shared copy is kept (rendered once per process, by whichever test
    needs it first): only the copy and its comparison are made again."""
    template = personal._copy_template(clinic, paper, patient.languages)
    template.fast, template.checked = True, False


def set_copy_and_its_weasyprint_layout(clinic, patient: Patient) -> tuple[bytes, bytes]:
    """The first copy of a batch, set into the shared copy, and the WeasyPrint layout of the same
    patient its drift check compared it with (kept, not rendered a second time)."""
    first_of_its_batch(clinic, patient, clinic.paper)
    laid_out, lay_out = [], personal._laid_out_by_weasyprint
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(personal, "_laid_out_by_weasyprint",
                      lambda *args: laid_out.append(lay_out(*args)) or laid_out[-1])
        set_copy = personal.make_personal_leaflet(clinic, patient).pdf
    [weasyprint] = laid_out  # rendered once, by the drift check
    return set_copy, weasyprint.pdf


def check_pdf_standards(pdf: bytes) -> None:
    """One subset tag per font program (ISO 32000-1, 9.6.4), every glyph mapped to text."""
    programs: dict[str, set[bytes]] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                tag = str(font.BaseFont)[1:].split("+")[0]
                programs.setdefault(tag, set()).add(descriptor.FontFile2.read_bytes())
                cmap = font.ToUnicode.read_bytes().split(b"endcodespacerange", 1)[1]
                for glyph, text in re.findall(rb"<([0-9a-f]+)> <([0-9a-f]*)>", cmap):
                    mapped = bytes.fromhex(text.decode()).decode("utf-16-be")
                    assert mapped, f"{font.BaseFont}: glyph {glyph.decode()} maps to no text"
                    assert not re.search("[\x00-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069]",
                                         mapped), f"{font.BaseFont}: glyph {glyph.decode()} maps to a control"
    assert all(len(found) == 1 for found in programs.values()), \
        [tag for tag, found in programs.items() if len(found) > 1]
