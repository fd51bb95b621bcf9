"""brochure lays its leaflets out with WeasyPrint's user-agent stylesheet less the footnote and
note pseudo-elements and with ::marker for list items only (brochure/weasy.py LeafletHTML): every
element of a leaflet no longer carries six pseudo-element styles. The pages must be the same."""

from __future__ import annotations

import weasyprint

import brochure
from brochure.config.content import load_topic
from brochure.render import html as brochure_html
from brochure.render.leaflet import planned_html
from brochure.weasy import LeafletHTML
from tests.conftest import EXAMPLES


def _pdf(html_class, html: str, clinic) -> bytes:
    document = html_class(string=html, base_url=clinic.folder.as_uri() + "/").render(
        font_config=brochure_html._font_config(), stylesheets=[brochure_html._stylesheet("leaflet")])
    return document.write_pdf()


def test_leaner_user_agent_sheet_lays_out_the_same_pdf_as_weasyprints_own():
    """A bilingual sheet with bullet lists (background dots), the figure, links and the QR code,
    written by both: the same bytes."""
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    html = planned_html(clinic, load_topic("miss"), ("ar", "en"), "a4", "tight")
    ours, theirs = _pdf(LeafletHTML, html, clinic), _pdf(weasyprint.HTML, html, clinic)
    assert ours == theirs


def test_leaflet_html_leaves_out_the_footnote_and_note_pseudo_elements():
    stylesheets = LeafletHTML(string="<p>x</p>")._ua_stylesheets()
    default = weasyprint.HTML(string="<p>x</p>")._ua_stylesheets()
    assert len(stylesheets) == len(default) == 1 and stylesheets[0] is not default[0]
    def universal_pseudo_elements(sheet):  # cssselect2 keeps (test, specificity, order, pseudo, ...)
        return {selector[3] for selector in sheet.matcher.other_selectors} - {None}

    assert universal_pseudo_elements(default[0]) >= {"marker", "footnote-call", "note-callback"}
    assert not universal_pseudo_elements(stylesheets[0])
