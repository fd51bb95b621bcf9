"""Jinja's compiled templates, made once at install (`make` runs this; templates/compiled/, not
in git; see brochure/render/template_cache.py), so that the first build compiles none. A template,
filter or Jinja changed since simply compiles as before; run this again to make them anew."""

from __future__ import annotations

from brochure.render.html import _environment
from brochure.render.template_cache import write_installed

if __name__ == "__main__":
    for path in write_installed(_environment()):
        print(path)
