"""`brochure serve`: a live preview of one clinic's leaflet in the browser, re-rendered on every save.

Imported only by that command: Starlette, uvicorn and watchfiles stay out of every other one."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path

from brochure.assets import content_dir, templates_dir
from brochure.errors import BrochureError

DEFAULT_HOST = "127.0.0.1"


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the server starts so that a port in use is a plain
    error and --port 0 (any free port) can be printed as the real one."""
    sock = None
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
    except OSError as exc:
        if sock is not None:
            sock.close()
        if isinstance(exc, socket.gaierror):  # no such address
            raise BrochureError.single("--host", "", f"cannot listen on {host}: {exc.strerror or exc}; "
                                       "give an address of this computer") from None
        raise BrochureError.single("--port", "", f"cannot listen on {host} port {port}: "
                                   f"{exc.strerror or exc}; try another --port") from None
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve(folder: Path, sock: socket.socket, *, public: bool, open_browser: bool) -> None:
    """Serve the preview on `sock` until Ctrl-C (which uvicorn turns back into KeyboardInterrupt
    once it has closed every connection)."""
    import uvicorn

    from brochure.serve.app import make_app

    app = make_app(folder, [folder, content_dir(), templates_dir()], public)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=2)
    if open_browser:  # the socket listens already: the browser's request waits for the server
        threading.Thread(target=webbrowser.open, args=(address(sock),), daemon=True).start()
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:  # uvicorn has logged why (a failed start-up is no user mistake)
        raise RuntimeError("the preview server did not start")
