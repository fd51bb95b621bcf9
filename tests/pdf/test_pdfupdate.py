"""The incremental-update writer personal copies rely on, checked with four independent readers:
qpdf (pikepdf), pdfium, pdfminer (pdfplumber) and pypdf must all see the new and the replaced
objects, and none may find a syntax problem."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from brochure.pdf.update import Name, Original, Raw, Ref, Update, serialize, startxref


def one_page_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    pdf.docinfo["/Title"] = "before"
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def with_text(data: bytes) -> bytes:
    """The page given a content stream and a font, and the title replaced."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        original = Original(pdf=data, size=int(pdf.trailer.Size), startxref=startxref(data),
                            root=Ref(pdf.Root.objgen[0]), info=Ref(pdf.trailer.Info.objgen[0]),
                            file_id=bytes(pdf.trailer.ID[0]))
        page = pdf.pages[0].obj.objgen[0]
        entries = {key[1:]: Raw(pikepdf.Array([value]).unparse()[1:-1].strip())
                   for key, value in pdf.pages[0].obj.items()}
    update = Update(original)
    font = update.add({"Type": Name("Font"), "Subtype": Name("Type1"),
                       "BaseFont": Name("Helvetica")})
    contents = update.add_stream(b"BT /F1 12 Tf 10 50 Td (Hello, updated page) Tj ET")
    update.put(page, {**{key: Raw(value) for key, value in entries.items()},
                      "Contents": contents, "Resources": {"Font": {"F1": font}}})
    update.put(original.info, {"Title": "after: ليلى"})
    return update.write()


def test_every_reader_sees_the_updated_page_and_title():
    before = one_page_pdf()
    after = with_text(before)
    assert after.startswith(before) and after.count(b"%%EOF") == 2
    with pikepdf.open(io.BytesIO(after)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.docinfo.Title) == "after: ليلى"
    document = pdfium.PdfDocument(after)
    assert document[0].get_textpage().get_text_range() == "Hello, updated page"
    with pdfplumber.open(io.BytesIO(after)) as pdf:
        assert pdf.pages[0].extract_text() == "Hello, updated page"
    assert PdfReader(io.BytesIO(after)).pages[0].extract_text() == "Hello, updated page"


def test_the_same_update_gives_the_same_bytes_and_a_new_file_id():
    before = one_page_pdf()
    assert with_text(before) == with_text(before)
    with pikepdf.open(io.BytesIO(before)) as old, pikepdf.open(io.BytesIO(with_text(before))) as new:
        assert bytes(new.trailer.ID[0]) == bytes(old.trailer.ID[0])  # the same document
        assert bytes(new.trailer.ID[1]) != bytes(old.trailer.ID[1])  # a different version


@pytest.mark.parametrize(("value", "written"), [
    ({"S": Name("Span"), "K": [0, 1], "Lang": "ar"}, b"<</S /Span/K [0 1]/Lang (ar)>>"),
    (["a (b)\\", 1.5, -0.25, 2.0, True, Ref(7)], rb"[(a \(b\)\\) 1.5 -0.25 2 true 7 0 R]"),
    ("فاطمة", b"<feff06410627063706450629>"),  # UTF-16BE with its byte order mark
])
def test_values_are_written_in_pdf_syntax(value, written):
    assert serialize(value) == written


def test_a_truncated_pdf_is_refused():
    with pytest.raises(ValueError, match="startxref"):
        startxref(one_page_pdf()[:-40])
