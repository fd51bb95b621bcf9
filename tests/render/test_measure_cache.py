"""The layout step's measurements kept on disk (brochure/render/measure_cache.py): a later process
skips the measuring render, anything that could change a measurement misses, a spoilt entry is
only a miss, and the PDF is the same with the cache or without it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from brochure.build import make_leaflet
from brochure.config.clinic import load_clinic
from brochure.render import leaflet, measure_cache
from tests.conftest import PATIENT_AR, PATIENT_EN, REPO, copy_clinic

# a build in a new process, printing what the cache did and writing the PDF
FRESH_BUILD = """
import json, sys
from pathlib import Path
from brochure.build import make_leaflet
from brochure.config.clinic import load_clinic
from brochure.render import measure_cache
Path(sys.argv[2]).write_bytes(make_leaflet(load_clinic(sys.argv[1])).pdf)
print(json.dumps(measure_cache.stats))
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache of this test's own, this process's memory of measurements forgotten, and
    the counts of hits and misses from zero."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BROCHURE_CACHE_DIR", str(folder))
    monkeypatch.delenv("BROCHURE_NO_CACHE", raising=False)
    monkeypatch.setattr(measure_cache, "stats", {"hits": 0, "misses": 0})
    leaflet._measured_at.cache_clear()
    yield folder
    leaflet._measured_at.cache_clear()


def _fresh_build(tmp_path, clinic_folder, **env) -> tuple[dict, bytes]:
    import os

    out = tmp_path / "fresh.pdf"
    done = subprocess.run([sys.executable, "-c", FRESH_BUILD, str(clinic_folder), str(out)], cwd=REPO,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), out.read_bytes()


def _entries(folder):
    return sorted(folder.rglob("*.json"))


def test_a_second_build_in_a_new_process_skips_the_measuring_render_and_makes_the_same_pdf(
        tmp_path, cache, monkeypatch):
    clinic_folder = copy_clinic(tmp_path, "al-noor")
    first = make_leaflet(load_clinic(clinic_folder))
    assert measure_cache.stats == {"hits": 0, "misses": 1}
    assert len(_entries(cache)) == 1

    stats, again = _fresh_build(tmp_path, clinic_folder)
    assert stats == {"hits": 1, "misses": 0}
    assert again == first.pdf

    # a spoilt entry is measured again, to the same PDF
    [entry] = _entries(cache)
    entry.write_bytes(b'{"format": 1, "fetched": [], "heigh')
    leaflet._measured_at.cache_clear()
    assert make_leaflet(load_clinic(clinic_folder)).pdf == first.pdf
    assert measure_cache.stats == {"hits": 0, "misses": 2}

    monkeypatch.setenv("BROCHURE_NO_CACHE", "1")
    leaflet._measured_at.cache_clear()
    assert make_leaflet(load_clinic(clinic_folder)).pdf == first.pdf
    assert measure_cache.stats == {"hits": 0, "misses": 2}


def test_a_copy_of_a_clinic_folder_elsewhere_uses_the_same_measurement(tmp_path, cache):
    make_leaflet(load_clinic(copy_clinic(tmp_path / "one", "harbor-spine")))
    leaflet._measured_at.cache_clear()
    make_leaflet(load_clinic(copy_clinic(tmp_path / "two", "harbor-spine")))
    assert measure_cache.stats == {"hits": 1, "misses": 1}


def test_a_logo_replaced_in_place_misses_the_cache(tmp_path, cache):
    from PIL import Image

    clinic_folder = copy_clinic(tmp_path, "dar-al-shifa")
    make_leaflet(load_clinic(clinic_folder))
    logo = clinic_folder / "logo.png"
    with Image.open(logo) as image:  # the same name and kind of file, another picture
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(logo)
    leaflet._measured_at.cache_clear()
    make_leaflet(load_clinic(clinic_folder))
    assert measure_cache.stats == {"hits": 0, "misses": 2}


def _counted_render(fetched):
    """A measuring render's result, counting the calls: for the cache's own rules."""
    calls = []

    def render():
        calls.append(1)
        return measure_cache.Measured({"a": 10.5}, {"a": 1.5}, fetched)

    return render, calls


def test_changed_content_a_stylesheet_or_a_font_misses(tmp_path, cache, monkeypatch):
    templates, fonts = tmp_path / "templates", tmp_path / "fonts"
    (templates / "css").mkdir(parents=True)
    css = REPO / "templates" / "css" / "leaflet.css"
    (templates / "css" / "leaflet.css").write_bytes(css.read_bytes())
    fonts.mkdir()
    (fonts / "Some.ttf").write_bytes(b"one")
    monkeypatch.setattr(measure_cache, "_stylesheet_text",
                        lambda name: (templates / "css" / f"{name}.css").read_text(encoding="utf-8"))
    monkeypatch.setattr(measure_cache, "fonts_dir", lambda: fonts)
    measure_cache._fixed_inputs.cache_clear()
    render, calls = _counted_render(())
    folder = tmp_path / "clinic"

    def measure(html):
        return measure_cache.measured(html, folder, (), ("leaflet",), ("a",), render)

    try:
        measure("<p>measured</p>")
        measure("<p>measured</p>")
        assert len(calls) == 1
        measure("<p>measured again</p>")  # other content
        assert len(calls) == 2
        (templates / "css" / "leaflet.css").write_bytes(css.read_bytes() + b"\np { margin: 0 }\n")
        measure("<p>measured</p>")
        assert len(calls) == 3
        (fonts / "Some.ttf").write_bytes(b"two")
        measure_cache._fixed_inputs.cache_clear()  # read once per process
        measure("<p>measured</p>")
        assert len(calls) == 4
    finally:
        measure_cache._fixed_inputs.cache_clear()


@pytest.mark.parametrize("spoilt", [b"", b"{not json", b'{"format": 1}', b"[1, 2]",
                                    b'{"format": 1, "fetched": [], "heights": {"a": "tall"}, "leads": {}}',
                                    b'{"format": 1, "fetched": [["clinic:/logo.png", "00"]], '
                                    b'"heights": {"a": 1.0}, "leads": {"a": 0.0}}'])
def test_a_spoilt_entry_is_only_a_miss(tmp_path, cache, spoilt):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"a logo")
    render, calls = _counted_render((logo,))
    first = measure_cache.measured("<p>x</p>", tmp_path, (), ("leaflet",), ("a",), render)
    [entry] = _entries(cache)
    entry.write_bytes(spoilt)
    again = measure_cache.measured("<p>x</p>", tmp_path, (), ("leaflet",), ("a",), render)
    assert again == first and len(calls) == 2
    assert json.loads(entry.read_text(encoding="utf-8"))["heights"] == {"a": 10.5}  # written again
    assert measure_cache.measured("<p>x</p>", tmp_path, (), ("leaflet",), ("a",), render) == first
    assert len(calls) == 2


def test_an_unwritable_cache_folder_only_measures_every_time(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("BROCHURE_CACHE_DIR", str(blocked))
    render, calls = _counted_render(())
    for _ in range(2):
        assert measure_cache.measured("<p>x</p>", tmp_path, (), ("leaflet",), ("a",), render).heights
    assert len(calls) == 2


def test_with_the_cache_off_nothing_is_written(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("BROCHURE_NO_CACHE", "1")
    render, calls = _counted_render(())
    for _ in range(2):
        measure_cache.measured("<p>x</p>", tmp_path, (), ("leaflet",), ("a",), render)
    assert len(calls) == 2 and not cache.exists()


def test_no_patient_data_reaches_the_cache(tmp_path, cache):
    from markupsafe import escape

    from brochure.config.content import load_topic
    from brochure.render.leaflet import planned_html

    clinic = load_clinic(copy_clinic(tmp_path, "al-noor"))
    for patient in (PATIENT_AR, PATIENT_EN):  # a copy laid out whole by WeasyPrint measures first
        html = planned_html(clinic, load_topic("miss"), patient.languages, clinic.paper,
                            edition="screen", patient=patient)
        assert str(escape(patient.name)) in html
    assert measure_cache.stats["misses"] >= 1
    stored = b"".join(path.name.encode() + path.read_bytes() for path in cache.rglob("*") if path.is_file())
    for patient in (PATIENT_AR, PATIENT_EN):
        for value in (patient.name, patient.email, patient.note, patient.patient_id, patient.surgeon):
            if value:
                assert value.encode() not in stored
                assert str(escape(value)).encode() not in stored
