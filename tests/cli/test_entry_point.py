"""The installed command as a shell runs it: a new process each time, its exit codes and what it
loads before doing anything. Everything else about the CLI is tested in-process (`run_cli`)."""

from __future__ import annotations

import subprocess
import sys

from brochure import __version__
from tests.conftest import EXAMPLES, REPO, copy_clinic, run_cli_process

HEAVY = ("weasyprint", "pypdfium2", "pikepdf")  # loaded only by the commands that render


def test_the_installed_script_prints_the_version_and_exits_0():
    result = run_cli_process("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"brochure, version {__version__}"


def test_python_dash_m_runs_the_same_cli():
    result = subprocess.run([sys.executable, "-m", "brochure", "--version"], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0 and __version__ in result.stdout


def test_a_usage_mistake_exits_2_with_one_line_and_no_traceback(tmp_path):
    result = run_cli_process("build", "--clinics-dir", EXAMPLES, "--out", tmp_path)
    assert result.returncode == 2
    assert "say which clinic" in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_a_config_mistake_exits_2_naming_file_and_field_and_writes_nothing(tmp_path):
    toml = copy_clinic(tmp_path, "al-noor", "x") / "clinic.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('primary = "#0B5563"', 'primary = "blue"'),
                    encoding="utf-8")
    result = run_cli_process("build", "--clinic", "x", "--clinics-dir", "clinics", "--out", "out",
                             cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'error: clinics/x/clinic.toml: brand.primary: expected #RRGGBB, got "blue"', "not built: x"]
    assert not (tmp_path / "out").exists()


def test_commands_that_do_not_render_never_load_the_renderer(tmp_path):
    """--version, --help, list, new-clinic and check without --render start fast: a fresh
    interpreter runs each in turn and names the first that loaded WeasyPrint, pypdfium2 or pikepdf."""
    commands = [["--version"], ["--help"], ["list", "--clinics-dir", str(EXAMPLES)],
                ["new-clinic", "x", "--clinics-dir", str(tmp_path / "clinics")],
                ["check", "--all", "--clinics-dir", str(EXAMPLES), "--out", str(tmp_path / "out")]]
    script = f"""
import sys
from brochure.cli import cli
for args in {commands!r}:
    try:
        cli.main(args, prog_name="brochure")
    except SystemExit as exit:
        assert exit.code == 0, (args, exit.code)
    loaded = [name for name in {HEAVY!r} if name in sys.modules]
    assert not loaded, f"brochure {{' '.join(args)}} loaded {{', '.join(loaded)}}"
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
