"""The web side of `brochure serve`: one page, the rendered images and PDFs of one clinic, a stream
of updates (server-sent events), and nothing else. Every other path is 404; nothing is read from
disk by path, so `../` and its encodings lead nowhere. Every response carries a strict
Content-Security-Policy that lets the page load only its own inline script and style (by hash),
images from this server and the update stream."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path

import anyio
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brochure.serve.leaflet import Choice, LivePreview

COALESCE_SECONDS = 0.05  # an editor's save is often several writes; one render for all of them
PAGE = files("brochure.serve").joinpath("page.html").read_text(encoding="utf-8")
LOCAL_NAMES = ["127.0.0.1", "localhost"]


def _hashes(tag: str) -> str:
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", PAGE, flags=re.DOTALL)
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                    for s in found)


CONTENT_SECURITY_POLICY = (f"default-src 'none'; script-src {_hashes('script')}; "
                           f"style-src {_hashes('style')}; img-src 'self'; connect-src 'self'; "
                           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),  # version numbers restart with the server: never reuse old pages
]


class SecurityHeaders:
    """Adds the headers to every HTTP response, errors and 404s included (outermost middleware)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message = {**message, "headers": kept + SECURITY_HEADERS}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Renderer:
    """Renders in a worker thread, one render at a time; saves that arrive meanwhile are coalesced
    into one more render. Tells the update streams after each change of state."""

    def __init__(self, preview: LivePreview):
        self.preview = preview
        self.rendering = False
        self.revision = 0
        self._wanted = asyncio.Event()
        self._published = asyncio.Event()

    def request(self) -> None:
        self._wanted.set()

    async def run(self) -> None:
        while True:
            await self._wanted.wait()
            await asyncio.sleep(COALESCE_SECONDS)
            self._wanted.clear()
            self.rendering = True
            self.publish()
            try:
                await anyio.to_thread.run_sync(self.preview.render)
            finally:
                self.rendering = False
                self.publish()

    def publish(self) -> None:
        self.revision += 1
        self._published.set()
        self._published = asyncio.Event()

    async def states(self, shutdown: anyio.Event):
        """The state now, then again after every change, as long as the page listens and the
        server runs (then the stream ends properly, so the browser sees a finished response)."""
        seen = -1
        while not shutdown.is_set():
            if seen == self.revision:
                await _first_of(self._published, shutdown)
                continue
            seen = self.revision
            state = self.preview.state(self.rendering)
            yield {"event": "state", "data": json.dumps(state, ensure_ascii=False)}


async def _first_of(*events: asyncio.Event | anyio.Event) -> None:
    async with anyio.create_task_group() as waiting:
        async def wait(event) -> None:
            await event.wait()
            waiting.cancel_scope.cancel()

        for event in events:
            waiting.start_soon(wait, event)


def make_app(folder: Path, watched: list[Path], public: bool) -> ASGIApp:
    """The whole server for the clinic in `folder`, re-rendering on changes under `watched`.
    Host headers other than this machine's are refused unless it is `public` (--host), so that
    another site cannot reach the preview through DNS rebinding."""
    preview = LivePreview(folder)
    renderer = Renderer(preview)

    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def events(request: Request) -> Response:
        shutdown = anyio.Event()  # set by sse-starlette when uvicorn is asked to stop
        return EventSourceResponse(renderer.states(shutdown), shutdown_event=shutdown,
                                   shutdown_grace_period=1)

    async def choose(request: Request) -> Response:
        # JSON only: a form on another site cannot send it without the browser asking us first
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return PlainTextResponse("expected JSON", status_code=415)
        try:
            preview.choice = Choice.from_form(json.loads(await request.body()))
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        renderer.request()
        return Response(status_code=204)

    async def image(request: Request) -> Response:
        png = preview.image(request.path_params["version"], request.path_params["number"])
        return Response(png, media_type="image/png") if png else _not_found()

    async def pdf(request: Request) -> Response:
        filename = request.path_params["filename"]
        data = preview.pdf(request.path_params["version"], filename)
        if data is None:
            return _not_found()
        return Response(data, media_type="application/pdf",
                        headers={"content-disposition": f'attachment; filename="{filename}"'})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        from brochure.serve.watch import watch_files

        stop = anyio.Event()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(renderer.run)
            tasks.start_soon(watch_files, watched, renderer.request, stop)
            renderer.request()  # the first render, while the browser opens
            yield
            stop.set()
            tasks.cancel_scope.cancel()

    app = Starlette(
        routes=[Route("/", page), Route("/events", events), Route("/choice", choose, methods=["POST"]),
                Route("/pages/{version:int}/{number:int}.png", image),
                Route("/pdf/{version:int}/{filename:str}", pdf)],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["*"] if public else LOCAL_NAMES)],
        lifespan=lifespan)
    app.router.redirect_slashes = False  # `/events/` is another path: 404, not a redirect
    return SecurityHeaders(app)


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404)
