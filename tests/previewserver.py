"""`brochure serve` as a user starts it: a real process on a free port of 127.0.0.1, stopped with
Ctrl-C (SIGINT) at the end of the test."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import as_at_a_terminal, brochure_command


@dataclass
class Server:
    process: subprocess.Popen
    url: str  # http://127.0.0.1:PORT/
    stderr: str = ""

    def get(self, raw_path: str, host: str | None = None) -> http.client.HTTPResponse:
        """The response to a GET of `raw_path` exactly as written: no client normalises `../` away."""
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.putrequest("GET", raw_path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def post(self, path: str, body: str, content_type: str = "application/json") -> http.client.HTTPResponse:
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("POST", path, body.encode(), {"content-type": content_type})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def interrupt(self) -> int:
        """Ctrl-C, as at a terminal; the exit code once it has stopped."""
        self.process.send_signal(signal.SIGINT)
        _, self.stderr = self.process.communicate(timeout=30)
        return self.process.returncode


@contextmanager
def serving(clinics_dir: Path, slug: str, *options: str):
    """Start `brochure serve` for the clinic; yields once it has printed its address."""
    environment = {k: v for k, v in os.environ.items() if k != "BROCHURE_CLINICS_DIR"}
    process = subprocess.Popen(
        [*brochure_command(), "serve", "--clinics-dir", str(clinics_dir), "--clinic", slug,
         "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**environment, "NO_COLOR": "1"},
        preexec_fn=as_at_a_terminal)
    server = Server(process, "")
    try:
        first = process.stdout.readline()
        if "http://" not in first:
            process.kill()
            raise AssertionError(f"no address printed: {first!r} {process.communicate(timeout=30)[1]}")
        server.url = first.split(" at ", 1)[1].split()[0]
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def states(server: Server):
    """The page's update stream (server-sent events), each state as the page gets it."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    connection.request("GET", "/events")
    response = connection.getresponse()
    try:
        while line := response.readline():
            if line.startswith(b"data: "):
                yield json.loads(line[len(b"data: "):])
    finally:
        connection.close()


def first_state(server: Server, condition):
    """The first state of the stream for which `condition(state)` holds."""
    return next(state for state in states(server) if condition(state))
