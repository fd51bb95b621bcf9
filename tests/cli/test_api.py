"""The Python API a clinic's own systems call, and the installed package working outside a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

import brochure
from tests.conftest import EXAMPLES, REPO


def test_build_leaflet_returns_pdf_bytes():
    clinic = brochure.load_clinic(EXAMPLES / "harbor-spine")
    pdf = brochure.build_leaflet(clinic, paper="a4", languages=("en",))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_load_clinic_raises_with_every_problem(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "clinic.toml").write_text('[brand]\nprimary = "red"\n', encoding="utf-8")
    with pytest.raises(brochure.BrochureError) as caught:
        brochure.load_clinic(folder)
    fields = {problem.field for problem in caught.value.problems}
    assert {"name", "contact", "brand.primary", "brand.accent"} <= fields
    assert caught.value.exit_code == 2


def test_bad_paper_through_the_api_is_a_user_error():
    clinic = brochure.load_clinic(EXAMPLES / "al-noor")
    with pytest.raises(brochure.BrochureError, match="expected one of a4, letter"):
        brochure.build_leaflet(clinic, paper="a3")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                             str(REPO)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"pip wheel failed: {result.stderr[-2000:]}")
    return next(out.glob("brochure-*.whl"))


def test_wheel_ships_templates_fonts_and_content(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("brochure/templates/sheet.html.j2", "brochure/templates/trifold.html.j2",
                     "brochure/templates/css/leaflet.css", "brochure/templates/css/trifold.css",
                     "brochure/templates/clinic.toml.example", "brochure/fonts/NotoNaskhArabic-Regular.ttf",
                     "brochure/fonts/OFL-Noto.txt", "brochure/content/miss.toml",
                     "brochure/content/interface.toml"):
        assert required in names


def test_installed_wheel_builds_outside_the_repository(wheel, tmp_path):
    """Unpacked wheel on the path, run from an unrelated folder: assets come from inside the package."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import brochure, brochure.assets as a, pathlib, sys;"
        f"assert str(a.templates_dir()).startswith({str(site)!r}), a.templates_dir();"
        f"c = brochure.load_clinic({str(EXAMPLES / 'harbor-spine')!r});"
        "sys.stdout.write(str(len(brochure.build_leaflet(c))))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000


def test_every_module_brochure_imports_is_a_declared_dependency():
    """A plain `pip install brochure` brings only [project.dependencies]: a module imported from
    a test extra would work in the test venv and fail for users."""
    import ast
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    declared = {line.split("==")[0].lower().replace("_", "-") for line in
                tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]}
    owners = packages_distributions()
    imported = set()
    for path in (REPO / "brochure").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "brochure"}
    for module in sorted(third_party):
        distributions = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
        assert distributions & declared, f"{module} is imported but not in [project.dependencies]"
