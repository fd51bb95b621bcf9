"""Every structure element is a member of the tree it points to (ISO 32000-1, 14.7.2): page
footers included, which WeasyPrint 70 parents to the document without listing them in its kids
(brochure.weasy makes them members), each with the language of its text."""

from __future__ import annotations

import io

import pikepdf


def test_every_structure_element_is_listed_by_its_parent_and_footers_have_a_language(personal):
    copy = personal["en"]  # al-noor's copy for conftest's PATIENT_EN
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        orphans, footers = [], []
        for thing in pdf.objects:
            if not isinstance(thing, pikepdf.Dictionary) or thing.get("/Type") != "/StructElem":
                continue
            kids = thing.P.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            if not any(isinstance(kid, pikepdf.Dictionary) and kid.is_indirect
                       and kid.objgen == thing.objgen for kid in kids):
                orphans.append(str(thing.S))
        document = pdf.Root.StructTreeRoot.K
        document = document[0] if isinstance(document, pikepdf.Array) else document
        footers = [str(kid.get("/Lang", "")) for kid in document.K if kid.S == "/NonStruct"]
        pages = len(pdf.pages)
    assert orphans == []
    # one footer per page in the page's language (the leading language's pages first)
    assert footers == ["en"] * footers.count("en") + ["ar"] * footers.count("ar")
    assert len(footers) == pages
