"""Rendering: Jinja templates to HTML, figures, the local-only fetcher, WeasyPrint to PDF."""
