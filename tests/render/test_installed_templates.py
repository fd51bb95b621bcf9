"""Jinja's compiled templates made at install (templates/compiled/ by tools/compile_templates.py,
render/template_cache.py): the first build after installing compiles none of them, makes the same
HTML as a compile, and a template edited since compiles from its own source."""

from __future__ import annotations

import shutil

import pytest
from jinja2 import FileSystemLoader

import brochure
from brochure.assets import templates_dir
from brochure.config.content import load_topic
from brochure.render import html, template_cache
from tests.conftest import EXAMPLES


@pytest.fixture
def new_environment(monkeypatch, tmp_path):
    """html.py's Jinja environment made anew, with an empty cache of brochure's own."""
    monkeypatch.setenv("BROCHURE_CACHE_DIR", str(tmp_path / "cache"))
    html._environment.cache_clear()
    yield html._environment()
    html._environment.cache_clear()


def leaflet(layout: str = "sheet") -> str:
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    return html.leaflet_html(clinic, load_topic("miss"), ("ar", "en"), "a4", layout=layout)


def refuse_to_compile(source, name=None, filename=None, raw=False, defer_init=False):
    raise AssertionError(f"{name} was compiled")


@pytest.fixture
def made_at_install(monkeypatch, tmp_path):
    """templates/compiled/ as `make` leaves it (tools/compile_templates.py), here in a folder of
    the test's own."""
    folder = tmp_path / "compiled"
    monkeypatch.setattr(template_cache, "installed_folder", lambda: folder)
    folder.mkdir()
    template_cache.write_installed(html._environment())
    return folder


def test_install_writes_the_code_jinja_makes_of_every_template(made_at_install):
    written = {path.name: path.read_text(encoding="utf-8")
               for path in made_at_install.glob(f"*{template_cache.INSTALLED_SUFFIX}")}
    assert written == template_cache.templates_to_install(html._environment())


@pytest.mark.parametrize("layout", ["sheet", "trifold"])
def test_a_first_build_after_installing_compiles_no_template_and_makes_the_same_html(
        made_at_install, new_environment, monkeypatch, tmp_path, layout):
    monkeypatch.setattr(new_environment, "compile", refuse_to_compile)
    from_installed = leaflet(layout)
    assert list((tmp_path / "cache" / "templates").iterdir()), "kept in the cache for the next build"

    monkeypatch.setenv("BROCHURE_NO_CACHE", "1")
    monkeypatch.setattr(template_cache, "installed_folder", lambda: tmp_path / "nothing installed")
    html._environment.cache_clear()
    assert leaflet(layout) == from_installed  # compiled from the templates by Jinja


def test_a_template_edited_since_compiles_from_its_own_source(new_environment, tmp_path):
    edited = tmp_path / "templates"
    shutil.copytree(templates_dir(), edited)
    head = edited / "partials" / "head.html.j2"
    source = head.read_text(encoding="utf-8")
    head.write_text(source.replace('<meta charset="utf-8">', '<meta charset="utf-8"><!-- edited -->'),
                    encoding="utf-8")
    new_environment.loader = FileSystemLoader(edited)
    assert "<!-- edited -->" in leaflet()


def test_a_spoilt_installed_file_is_compiled_from_the_template(new_environment, monkeypatch, tmp_path):
    spoilt = tmp_path / "installed"
    spoilt.mkdir()
    for file_name in template_cache.templates_to_install(new_environment):
        (spoilt / file_name).write_text("def root(:\n", encoding="utf-8")
    monkeypatch.setattr(template_cache, "installed_folder", lambda: spoilt)
    assert "</html>" in leaflet()
