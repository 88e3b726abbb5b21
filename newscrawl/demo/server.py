"""A tiny loopback HTTP server for the bundled demo site and for test fixture sites.

The demo site is static, but its canonical links, Open Graph URLs, sitemap and feed need absolute
URLs, and the port is only known once the server has bound a free one. The files therefore carry
the placeholder ``{{BASE}}``, which this server replaces with the real base URL in every text
response. It is stdlib-only so that tests, benchmarks and the CLI can start it
without Scrapy or Twisted, and it is silent so test output stays readable.
"""

from __future__ import annotations

import posixpath
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["BASE_PLACEHOLDER", "DemoServer", "serve"]

#: Written into the static files wherever an absolute URL is needed.
BASE_PLACEHOLDER = "{{BASE}}"

# Types are chosen by suffix, not by `mimetypes`, whose answers depend on the host's registry
# (Windows and some Linux images map .xml to text/xml, and .rss is often unknown).
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
# Files served as feeds by name, because feed.xml is an .xml file that must not be plain XML.
NAMED_CONTENT_TYPES: dict[str, str] = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"
PLAIN_TEXT = "text/plain; charset=utf-8"
# Only these get {{BASE}} substituted; binary files are sent byte for byte.
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".rss", ".txt", ".json", ".css", ".js", ".svg"})


def content_type_for(path: Path) -> str:
    """Return the Content-Type header value for a file the server is about to send."""
    named = NAMED_CONTENT_TYPES.get(path.name)
    if named is not None:
        return named
    return CONTENT_TYPES.get(path.suffix.lower(), FALLBACK_CONTENT_TYPE)


def _default_root() -> Path:
    # Imported lazily so `server` has no import-time dependency on the package's data layout.
    from newscrawl.demo import SITE_DIR

    return SITE_DIR


class _Handler(BaseHTTPRequestHandler):
    """Serve GET and HEAD for files under the root; other methods get the stdlib's 501."""

    server: _SiteHTTPServer
    server_version = "newscrawl-demo/1.0"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: the stdlib default writes every request to stderr."""

    def _respond(self, *, send_body: bool) -> None:
        url_path = urlsplit(self.path).path
        file = self._resolve(url_path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"404 Not Found\n", PLAIN_TEXT, send_body)
            return
        if file.is_dir():
            # Redirect /world to /world/ as real servers do, so relative links resolve correctly.
            self._send(
                HTTPStatus.MOVED_PERMANENTLY, b"", PLAIN_TEXT, send_body, location=url_path + "/"
            )
            return
        body = file.read_bytes()
        if file.suffix.lower() in TEXT_SUFFIXES:
            body = body.replace(BASE_PLACEHOLDER.encode(), self.server.base_url.encode())
        self._send(HTTPStatus.OK, body, content_type_for(file), send_body)

    def _resolve(self, url_path: str) -> Path | None:
        """Map a URL path to a file inside the root, or None (missing or escaping the root).

        A directory with an index is returned as the directory itself, so the caller can redirect
        to the slash-terminated URL.
        """
        clean = posixpath.normpath(unquote(url_path))
        if url_path.endswith("/") or clean in ("/", "."):
            clean = posixpath.join(clean, "index.html")
        root = self.server.root
        candidate = (root / clean.lstrip("/")).resolve()
        if not candidate.is_relative_to(root):
            return None
        if candidate.is_dir() and (candidate / "index.html").is_file():
            return candidate
        return candidate if candidate.is_file() else None

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        send_body: bool,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if location is not None:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _SiteHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its root directory and public base URL."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        super().__init__(address, _Handler)
        self.root = root
        # Report the host we were asked for, with the port the OS actually assigned.
        self.base_url = f"http://{address[0]}:{self.server_address[1]}"


class DemoServer:
    """A running site server; use as a context manager or call `close()` when done."""

    def __init__(self, httpd: _SiteHTTPServer) -> None:
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="newscrawl-demo-server", daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        """The scheme, host and port, without a trailing slash, e.g. ``http://127.0.0.1:8123``."""
        return self._httpd.base_url

    @property
    def root(self) -> Path:
        """The directory being served."""
        return self._httpd.root

    def url(self, path: str = "/") -> str:
        """Return the absolute URL of a root-relative path such as ``/world/``."""
        return self.base_url + "/" + path.lstrip("/")

    def close(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> DemoServer:
    """Serve `root` (default: the bundled demo site) in a daemon thread and return at once.

    `port=0` asks the OS for a free port, so parallel test runs never collide; read the result
    from `DemoServer.base_url`.
    """
    site_root = (root if root is not None else _default_root()).resolve()
    if not site_root.is_dir():
        raise FileNotFoundError(f"site root is not a directory: {site_root}")
    return DemoServer(_SiteHTTPServer((host, port), site_root))
