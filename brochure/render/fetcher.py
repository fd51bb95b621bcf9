"""The only way WeasyPrint reads files: bundled assets and the clinic's own folder, nothing else.

WeasyPrint's default fetcher follows any URL (network, `file:///etc/passwd`). A leaflet needs fonts,
stylesheets and a logo, all local, so everything else is refused and remembered, and the build
turns a refusal into an error that names the URL.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class LocalOnlyFetcher(URLFetcher):
    """Serves `file:` URLs inside `roots`, and `data:` URLs (they carry their bytes inline)."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []
        self.served: list[Path] = []  # the files read, for the measurement cache's key

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return self._refuse(url, "only local files are allowed")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            return self._refuse(url, "outside the clinic folder and brochure's own assets")
        if not path.is_file():
            return self._refuse(url, "no such file")
        mime, _ = mimetypes.guess_type(path.name)
        self.served.append(path)
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )

    def _refuse(self, url: str, reason: str):
        self.refused.append(f"{url} ({reason})")
        # A plain exception: WeasyPrint logs it as a failed fetch and goes on, and the build's log
        # check then fails with the refusals listed here.
        raise PermissionError(f"brochure does not fetch {url}: {reason}")
