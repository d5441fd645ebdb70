"""Fixture strategy: real SQLite files (``sqlite_db``) and, through ``migrated``,
PostgreSQL too; pages and feeds are served by a real HTTP server on 127.0.0.1
(``http_server``: a folder served by http.server in a thread)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def guess_type(self, path: str | object) -> str:  # type: ignore[override]
        # Serve pages without a charset, as many sites do: the reader must cope.
        text = str(path)
        if text.endswith(".html"):
            return "text/html"
        if text.endswith(".xml"):
            return "application/rss+xml"
        return "text/plain"


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder): files written into the folder are served at the URL."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
