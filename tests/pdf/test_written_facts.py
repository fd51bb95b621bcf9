"""The build checks the fonts and text layer of its PDF from the objects WeasyPrint writes
(`pdf.inspect.written_facts`, a `write_pdf` finisher), not by parsing the file back with pikepdf:
both readings must find the same facts, and the cheap one must fail where the other fails."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import arabic_reshaper
import pytest
from bidi.algorithm import get_display

import brochure
from brochure.config.content import load_topic
from brochure.pdf import inspect as pdfcheck
from brochure.pdf.prepress import cmyk_profile
from brochure.render.html import render_pdf
from brochure.render.leaflet import planned_html
from tests.conftest import EXAMPLES


def same_facts(written: pdfcheck.PdfFacts, read: pdfcheck.PdfFacts) -> bool:
    """The same fonts and the same mapped characters (the order of the fonts' maps may differ:
    one reading follows the pages, the other the objects)."""
    return (written.fonts == read.fonts and written.unmapped_fonts == read.unmapped_fonts
            and Counter(written.mapped_text) == Counter(read.mapped_text))


@pytest.mark.parametrize(("slug", "edition", "layout"), [
    ("al-noor", "office", "sheet"), ("harbor-spine", "press", "sheet"),
    ("dar-al-shifa", "screen", "sheet"), ("al-noor", "office", "trifold")])
def test_the_facts_read_as_written_are_those_pikepdf_reads_from_the_file(slug, edition, layout):
    clinic = brochure.load_clinic(EXAMPLES / slug)
    html = planned_html(clinic, load_topic("miss"), clinic.languages, clinic.paper, "tight",
                        layout=layout, edition=edition)
    options = {"press": {"pdf_variant": "pdf/x-4"}, "screen": {"pdf_variant": "pdf/ua-1"}}.get(edition)
    roots = (cmyk_profile(clinic).parent,) if edition == "press" else ()
    stylesheets = ("leaflet", "trifold") if layout == "trifold" else ("leaflet",)
    rendered = render_pdf(html, clinic, options=options, extra_roots=roots, stylesheets=stylesheets)
    read = pdfcheck.inspect_pdf(rendered.pdf)
    assert len(read.fonts) >= 4 and all(f.embedded for f in read.fonts)
    assert same_facts(rendered.facts, read)
    assert pdfcheck.font_problems(rendered.facts.fonts) == []


def test_the_facts_as_written_catch_a_system_font_fallback():
    """A glyph WeasyPrint took from a system font (its own machine-wide font configuration)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    written = []
    pdf = HTML(string="<p>Before ☃</p>").write_pdf(
        font_config=FontConfiguration(), finisher=lambda _, objects: written.append(
            pdfcheck.written_facts(objects.objects)))
    if not any(f.program_name not in pdfcheck.bundled_font_names() for f in written[0].fonts):
        pytest.skip("no system font on this machine; nothing to fall back to")
    assert same_facts(written[0], pdfcheck.inspect_pdf(pdf))
    assert any("uses the system font" in p for p in pdfcheck.font_problems(written[0].fonts))


def test_the_facts_as_written_catch_pre_shaped_arabic():
    clinic = brochure.load_clinic(EXAMPLES / "harbor-spine")
    shaped = get_display(arabic_reshaper.reshape("جراحة العمود الفقري طفيفة التوغل"))
    html = (f'<html><head><style>@page {{ size: A4 }} body {{ font-family: "Brochure Naskh" }}'
            f'</style></head><body><p lang="ar" dir="rtl">{shaped}</p></body></html>')
    rendered = render_pdf(html, clinic)
    assert pdfcheck.presentation_form_count(rendered.facts.mapped_text) > 10
    assert same_facts(rendered.facts, pdfcheck.inspect_pdf(rendered.pdf))


def test_a_single_clinic_build_loads_neither_pikepdf_nor_the_process_pool(tmp_path):
    """What a plain `brochure build --clinic X` needs: no PDF parser (the fonts are checked as
    written) and no process pool (one clinic, one process)."""
    script = f"""
import sys
from brochure.cli import cli
try:
    cli.main(["build", "--clinic", "al-noor", "--clinics-dir", {str(EXAMPLES)!r}, "--out", "out"],
             prog_name="brochure")
except SystemExit as exit:
    assert exit.code == 0, exit.code
print(sorted(m for m in ("pikepdf", "pypdf", "multiprocessing", "concurrent.futures") if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert list((tmp_path / "out" / "al-noor").glob("*.pdf"))
