"""Ship Jinja's compiled templates with brochure (templates/compiled/; see
brochure/render/template_cache.py): run after changing a template, a filter or Jinja itself, and
commit the folder. tests/render/test_shipped_templates.py fails while a template has none."""

from __future__ import annotations

from brochure.render.html import _environment
from brochure.render.template_cache import write_shipped

if __name__ == "__main__":
    for path in write_shipped(_environment()):
        print(path)
