"""Rendering: Jinja templates to HTML, figures, the local-only fetcher, WeasyPrint to PDF."""

from brochure.native_libraries import load_weasyprint

load_weasyprint()  # before any module of this stage imports WeasyPrint
