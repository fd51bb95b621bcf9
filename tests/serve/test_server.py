"""`brochure serve` over plain HTTP: what it serves and refuses, how it stops, where it listens."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import copy_clinic, run_cli
from tests.previewserver import first_state, serving, states

# Paths that would reach the clinic's files if anything were served from disk by path
TRAVERSALS = ["/../clinic.toml", "/%2e%2e/clinic.toml", "/%2E%2E%2Fclinic.toml", "/..%2fclinic.toml",
              "/pages/1/../../clinic.toml", "/pages/1/..%2f..%2fclinic.toml", "//etc/passwd",
              "/pdf/1/%2e%2e%2fclinic.toml", "/clinic.toml", "/events/",
              "/pages/1/1.png/", "/pages/99/1.png", "/pages/1/9.png", "/static/page.html", "/page.html"]


def test_serves_only_the_page_its_images_and_pdfs_with_a_strict_policy_and_ctrl_c_stops_it(tmp_path):
    folder = copy_clinic(tmp_path, "al-noor")
    with serving(folder.parent, "al-noor") as server:
        state = first_state(server, lambda s: s["rendered"] and not s["rendering"])
        rendered = state["rendered"]
        absolute = ["/" + str(folder / "clinic.toml"), str(folder / "clinic.toml")]  # //tmp/..., /tmp/...
        responses = {path: server.get(path) for path in [*TRAVERSALS, *absolute]}
        assert {path: r.status for path, r in responses.items()} == dict.fromkeys(responses, 404)
        assert all(b"[" not in r.body and b"primary" not in r.body for r in responses.values())

        page = server.get("/")
        image = server.get(rendered["pages"][0]["url"])
        pdf = server.get(rendered["pdf"]["url"])
        assert page.status == image.status == pdf.status == 200
        assert image.body.startswith(b"\x89PNG") and image.getheader("content-type") == "image/png"
        assert pdf.body.startswith(b"%PDF-") and pdf.getheader("content-disposition") == (
            'attachment; filename="al-noor-miss-sheet-a4-ar-en-office.pdf"')
        assert server.get(rendered["pdf"]["url"].replace(".pdf", "-x.pdf")).status == 404

        policy = page.getheader("content-security-policy")
        assert policy.startswith("default-src 'none'; script-src 'sha256-")
        assert "unsafe" not in policy and "http" not in policy and "img-src 'self'" in policy
        for response in [page, image, pdf, *responses.values()]:
            assert response.getheader("content-security-policy") == policy
            assert response.getheader("x-content-type-options") == "nosniff"
        # another site's name for this address (DNS rebinding) is refused
        assert server.get("/", host="attacker.example").status == 400

        # Ctrl-C stops it with exit code 130 and one line, while a page is open listening for
        # updates (one server for both: each server test starts the command and renders)
        stream = states(server)
        next(stream)
        assert server.interrupt() == 130
        assert all("rendered" in state for state in stream)  # its stream ended cleanly
    assert server.stderr.strip().splitlines() == ["interrupted: preview stopped"]


def test_a_burst_of_saves_is_rendered_once_or_twice(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine")
    config = folder / "clinic.toml"
    text = config.read_text(encoding="utf-8")
    with serving(folder.parent, "harbor-spine") as server:
        before = first_state(server, lambda s: s["rendered"] and not s["rendering"])["rendered"]["version"]
        for number in range(10):
            config.write_text(text + f"\n# save {number}\n", encoding="utf-8")
            time.sleep(0.02)
        after = first_state(server, lambda s: s["rendered"]["version"] > before and not s["rendering"])
        time.sleep(2)  # anything still queued would have started by now
        latest = first_state(server, lambda s: not s["rendering"])
        assert after["rendered"]["version"] <= latest["rendered"]["version"] <= before + 2
        server.interrupt()


def test_another_address_only_with_host_and_a_warning(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine")
    with serving(folder.parent, "harbor-spine", "--host", "127.0.0.2") as server:
        assert server.url.startswith("http://127.0.0.2:")
        assert server.get("/", host=server.url.split("/")[2]).status == 200
        assert server.interrupt() == 130
    warning, stopped = server.stderr.strip().splitlines()
    assert warning.startswith("warning: listening on 127.0.0.2: anyone on the network")
    assert stopped == "interrupted: preview stopped"


def test_the_page_controls_take_only_the_listed_choices(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine")
    with serving(folder.parent, "harbor-spine") as server:
        assert server.post("/choice", json.dumps({"layout": "trifold"}), "text/plain").status == 415
        assert server.post("/choice", json.dumps({"layout": "poster"})).status == 400
        assert server.post("/choice", json.dumps({"layout": "trifold", "x": 1})).status == 400
        assert server.post("/choice", "[").status == 400
        assert server.post("/choice", json.dumps({"layout": "trifold", "edition": "press"})).status == 204
        state = first_state(server, lambda s: s["rendered"] and s["rendered"]["layout"] == "trifold")
        assert state["rendered"]["edition"] == "press"
        # the press edition's pages carry a 10 mm slug (bleed, marks) around the trim of US Letter
        # landscape, folded in thirds: the fold lines are thirds of the trim, not of the image
        width = 10 + 279.4 + 10
        expected = [(10 + 279.4 / 3) / width, (10 + 279.4 * 2 / 3) / width]
        assert state["rendered"]["folds"] == pytest.approx(expected, abs=0.001)
        server.interrupt()


HELP_THEN_LIST_MODULES = """
import sys
from click.testing import CliRunner
from brochure.cli import cli
CliRunner().invoke(cli, ['--help'])
CliRunner().invoke(cli, ['serve', '--help'])
SERVER = ('starlette', 'uvicorn', 'watchfiles', 'sse_starlette', 'weasyprint')
print(sorted(m for m in SERVER if m in sys.modules))
"""


def test_commands_other_than_serve_load_no_web_server():
    loaded = subprocess.run([sys.executable, "-c", HELP_THEN_LIST_MODULES], capture_output=True, text=True,
                            check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_port_in_use_or_a_missing_clinic_is_one_line_and_exit_code_2(tmp_path):
    folder = copy_clinic(tmp_path, "harbor-spine")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = run_cli("serve", "--clinics-dir", folder.parent, "--clinic", "harbor-spine", "--port", port)
    assert ran.returncode == 2
    assert ran.stderr.splitlines() == [f"error: --port: cannot listen on 127.0.0.1 port {port}: Address "
                                       "already in use; try another --port"]
    ran = run_cli("serve", "--clinics-dir", folder.parent, "--clinic", "nowhere")
    assert ran.returncode == 2 and len(ran.stderr.splitlines()) == 1 and "nowhere" in ran.stderr
