"""Hostile or careless input: markup in names, a logo that points elsewhere, an SVG logo that tries
to read other files or the network. Nothing outside the clinic folder and brochure's own assets is
ever read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import brochure
from brochure.assets import bundled_roots
from brochure.config.content import load_topic
from brochure.render.fetcher import LocalOnlyFetcher
from brochure.render.html import leaflet_html, render_pdf
from tests.conftest import copy_clinic, run_cli
from tests.pdftext import pdfium_text


def test_html_in_a_clinic_name_prints_literally(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine", "x")
    toml = folder / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'en = "Harbor Spine Institute"', 'en = "<img src=x onerror=alert(1)> Harbor & Sons"'),
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", out)
    assert result.returncode == 0, result.stderr
    pdf = out / "x" / "x-miss-sheet-letter-en-ar-office.pdf"
    assert "<img src=x onerror=alert(1)> Harbor & Sons" in pdfium_text(pdf)
    assert not any(page.images for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("reference", [
    "file:///etc/passwd",
    "../../../../../../../../etc/hostname",
    "http://127.0.0.1:9/tracker.png",
    "https://example.com/logo.png",
])
def test_svg_logo_cannot_read_outside_the_clinic_folder(tmp_path, reference):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="40" height="40"><image xlink:href="{reference}" width="40" height="40"/></svg>',
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--clinic", "x", "--clinics-dir", tmp_path / "clinics", "--out", out)
    assert result.returncode == 2
    # The logo check names the reference before anything renders...
    assert f"logo.svg: <image> refers to {reference}, outside the logo" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    # ...and the renderer's fetcher refuses it too, should anything get past the check.
    clinic = brochure.load_clinic(folder)
    with pytest.raises(brochure.BrochureError) as caught:
        render_pdf(leaflet_html(clinic, load_topic(), ("ar", "en"), "a4"), clinic)
    assert "refused to read" in str(caught.value) or "rendering problem" in str(caught.value)


def test_fetcher_serves_clinic_files_and_assets_only(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "logo.svg").write_text("<svg/>", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("patient list", encoding="utf-8")
    fetcher = LocalOnlyFetcher((*bundled_roots(), clinic))
    assert fetcher.fetch((clinic / "logo.svg").as_uri()).read() == b"<svg/>"
    font = next(bundled_roots()[1].glob("*.ttf"))
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    for url in (secret.as_uri(), "file:///etc/passwd", (clinic / ".." / "secret.txt").as_uri(),
                "http://localhost/", "ftp://example.com/x"):
        with pytest.raises(PermissionError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_symlinked_logo_pointing_outside_is_refused(tmp_path):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    (folder / "logo.svg").unlink()
    outside = tmp_path / "elsewhere.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    (folder / "logo.svg").symlink_to(outside)
    with pytest.raises(brochure.BrochureError) as caught:
        brochure.load_clinic(folder)
    assert "brand.logo: expected a file inside" in str(caught.value)


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_section_linked_from_outside_the_clinic_folder_is_refused(tmp_path, linked):
    folder = copy_clinic(tmp_path, "al-noor", "x")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder / "sections", elsewhere)
    if linked == "folder":
        (folder / "sections").symlink_to(elsewhere)
    else:
        (folder / "sections").mkdir()
        (folder / "sections" / "before-your-visit.toml").symlink_to(elsewhere / "before-your-visit.toml")
    result = run_cli("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "o", cwd=tmp_path)
    assert result.returncode == 2
    assert ("error: clinics/x/sections/before-your-visit.toml: expected a file inside clinics/x, but "
            "it links to one outside it") in result.stderr
    assert not (tmp_path / "o").exists()


def test_output_is_replaced_atomically_and_no_temporary_files_remain(tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        result = run_cli("build", "--clinic", "harbor-spine", "--clinics-dir", Path("clinics"), "--out", out)
        assert result.returncode == 0, result.stderr
    names = [p.name for p in (out / "harbor-spine").iterdir()]
    assert names == ["harbor-spine-miss-sheet-letter-en-ar-office.pdf"]
