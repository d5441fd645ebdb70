"""fetch() against a real HTTP server on 127.0.0.1 (no mocks) and against local files."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from compliance import __version__
from compliance.errors import FetchError
from compliance.lists.fetch import USER_AGENT, Fetched, fetch

BODY = b"ent_num,name\n" + b"".join(b"%d,ENTITY NUMBER %d\n" % (i, i) for i in range(5000))
ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 03 Jan 2024 10:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    """Hands each request to the route registered for its path."""

    server: LocalServer

    def do_GET(self) -> None:
        attempt = self.server.record(self.path, dict(self.headers.items()))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self, attempt)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    # helpers for routes
    def send_body(self, body: bytes, *, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_cut(self, body: bytes, announced: int) -> None:
        """Announce ``announced`` bytes, send ``body`` and hang up."""
        self.send_response(200)
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


Route = Callable[[Handler, int], None]


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()

    def record(self, path: str, headers: dict[str, str]) -> int:
        """Note a request; returns its attempt number for that path (1, 2, ...)."""
        with self._lock:
            self.seen.append((path, headers))
            return sum(1 for p, _ in self.seen if p == path)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up (time-out tests) is expected; keep test output quiet

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.seen if p == path)

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _conditional(handler: Handler, attempt: int) -> None:
    """A well-behaved server: ETag and Last-Modified, 304 when the client is up to date."""
    if handler.headers.get("If-None-Match") == ETAG:
        handler.send_response(304)
        handler.send_header("ETag", ETAG)
        handler.end_headers()
        return
    if handler.headers.get("If-Modified-Since") == LAST_MODIFIED and "If-None-Match" not in handler.headers:
        handler.send_response(304)
        handler.end_headers()
        return
    handler.send_body(BODY, headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED})


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- success and conditional requests ----------------------------------------


def test_download_with_etag_then_304(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/sdn.csv"] = _conditional
    dest = tmp_path / "downloads" / "sdn.csv"  # the folder does not exist yet
    got = fetch(server.url("/sdn.csv"), dest, backoff=0.01, timeout=5)
    assert got == Fetched(
        url=server.url("/sdn.csv"),
        status="downloaded",
        path=dest,
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        sha256=hashlib.sha256(BODY).hexdigest(),
        size=len(BODY),
    )
    assert dest.read_bytes() == BODY
    assert _leftovers(dest.parent) == ["sdn.csv"]
    first_headers = server.seen[0][1]
    assert first_headers["User-Agent"] == USER_AGENT == f"compliance/{__version__} (+sanctions list refresh)"
    assert "If-None-Match" not in first_headers

    before = dest.stat().st_mtime_ns
    again = fetch(
        server.url("/sdn.csv"), dest, etag=got.etag, last_modified=got.last_modified, backoff=0.01, timeout=5
    )
    assert again.status == "not_modified"
    assert again.path is None and again.sha256 is None and again.size is None
    assert again.etag == ETAG
    assert server.seen[1][1]["If-None-Match"] == ETAG
    assert server.seen[1][1]["If-Modified-Since"] == LAST_MODIFIED
    assert dest.stat().st_mtime_ns == before and dest.read_bytes() == BODY
    assert _leftovers(dest.parent) == ["sdn.csv"]


def test_last_modified_only(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/list.xml"] = _conditional
    dest = tmp_path / "list.xml"
    got = fetch(server.url("/list.xml"), dest, last_modified=LAST_MODIFIED, backoff=0.01, timeout=5)
    assert got.status == "not_modified"
    assert got.last_modified == LAST_MODIFIED
    assert "If-None-Match" not in server.seen[0][1]
    assert not dest.exists()
    assert _leftovers(tmp_path) == []

    stale = fetch(
        server.url("/list.xml"), dest, last_modified="Mon, 01 Jan 2024 00:00:00 GMT", backoff=0.01, timeout=5
    )
    assert stale.status == "downloaded" and dest.read_bytes() == BODY


def test_304_on_a_first_download_is_an_error(server: LocalServer, tmp_path: Path) -> None:
    def unasked_304(handler: Handler, attempt: int) -> None:
        handler.send_response(304)
        handler.end_headers()

    server.routes["/odd"] = unasked_304
    with pytest.raises(FetchError, match="HTTP 304"):
        fetch(server.url("/odd"), tmp_path / "odd", backoff=0.01, timeout=5)


def test_progress_is_reported(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/sdn.csv"] = _conditional
    calls: list[tuple[int, int | None]] = []
    fetch(
        server.url("/sdn.csv"), tmp_path / "sdn.csv", progress=lambda done, total: calls.append((done, total))
    )
    assert calls and calls[-1] == (len(BODY), len(BODY))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_failed_download_keeps_the_previous_file(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/cut"] = lambda h, n: h.send_cut(BODY[:100], len(BODY))
    dest = tmp_path / "sdn.csv"
    dest.write_bytes(b"previous version")
    with pytest.raises(FetchError):
        fetch(server.url("/cut"), dest, retries=2, backoff=0.01, timeout=5)
    assert dest.read_bytes() == b"previous version"
    assert _leftovers(tmp_path) == ["sdn.csv"]


# --- interrupted transfers -----------------------------------------------------


def test_connection_dropped_once_then_served_fully(server: LocalServer, tmp_path: Path) -> None:
    full = bytes(range(256)) * 400  # 102,400 bytes

    def flaky(handler: Handler, attempt: int) -> None:
        if attempt == 1:
            handler.send_cut(full[:1000], 100_000)
        else:
            handler.send_body(full[:100_000])

    server.routes["/big.xml"] = flaky
    dest = tmp_path / "big.xml"
    got = fetch(server.url("/big.xml"), dest, retries=3, backoff=0.01, timeout=5)
    assert got.status == "downloaded" and got.size == 100_000
    assert dest.read_bytes() == full[:100_000]
    assert got.sha256 == hashlib.sha256(full[:100_000]).hexdigest()
    assert server.count("/big.xml") == 2
    assert _leftovers(tmp_path) == ["big.xml"]


def test_connection_always_dropped(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/cut"] = lambda h, n: h.send_cut(b"x" * 1000, 100_000)
    dest = tmp_path / "cut.csv"
    with pytest.raises(FetchError) as info:
        fetch(server.url("/cut"), dest, retries=3, backoff=0.01, timeout=5)
    message = str(info.value)
    assert "closed the connection after 1.0 kB of 100.0 kB" in message
    assert "3 attempts" in message
    assert info.value.url == server.url("/cut")
    assert server.count("/cut") == 3
    assert not dest.exists()
    assert _leftovers(tmp_path) == []


def test_truncated_gzip_file_is_refused(server: LocalServer, tmp_path: Path) -> None:
    packed = gzip.compress(BODY)
    # Content-Length matches what is sent: only the gzip itself shows the loss.
    server.routes["/csl.csv.gz"] = lambda h, n: h.send_body(packed[: len(packed) // 2])
    dest = tmp_path / "csl.csv.gz"
    with pytest.raises(FetchError, match="gzip"):
        fetch(server.url("/csl.csv.gz"), dest, retries=2, backoff=0.01, timeout=5)
    assert server.count("/csl.csv.gz") == 2
    assert server.seen[0][1]["Accept-Encoding"] == "identity"
    assert _leftovers(tmp_path) == []


def test_complete_gzip_file_is_saved_as_is(server: LocalServer, tmp_path: Path) -> None:
    packed = gzip.compress(BODY)
    server.routes["/csl.csv.gz"] = lambda h, n: h.send_body(packed)
    got = fetch(server.url("/csl.csv.gz"), tmp_path / "csl.csv.gz", backoff=0.01, timeout=5)
    assert got.size == len(packed) and (tmp_path / "csl.csv.gz").read_bytes() == packed


def test_gzip_transfer_encoding_is_decoded(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/sdn.xml"] = lambda h, n: h.send_body(
        gzip.compress(BODY), headers={"Content-Encoding": "gzip"}
    )
    got = fetch(server.url("/sdn.xml"), tmp_path / "sdn.xml", backoff=0.01, timeout=5)
    assert (tmp_path / "sdn.xml").read_bytes() == BODY
    assert got.size == len(BODY) and got.sha256 == hashlib.sha256(BODY).hexdigest()


def test_damaged_gzip_transfer_encoding(server: LocalServer, tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(BODY))
    packed[20:60] = b"\xff" * 40
    server.routes["/sdn.xml"] = lambda h, n: h.send_body(bytes(packed), headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="could not be decoded"):
        fetch(server.url("/sdn.xml"), tmp_path / "sdn.xml", retries=2, backoff=0.01, timeout=5)
    assert _leftovers(tmp_path) == []


# --- HTTP statuses -------------------------------------------------------------


def test_404_is_not_retried(server: LocalServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as info:
        fetch(server.url("/missing.csv"), tmp_path / "missing.csv", retries=3, backoff=0.01, timeout=5)
    assert info.value.problem == "HTTP 404 Not Found"
    assert server.count("/missing.csv") == 1
    assert _leftovers(tmp_path) == []


def test_503_then_200_is_retried(server: LocalServer, tmp_path: Path) -> None:
    def busy_once(handler: Handler, attempt: int) -> None:
        if attempt == 1:
            handler.send_body(b"<html>busy</html>", status=503)
        else:
            handler.send_body(BODY)

    server.routes["/sdn.csv"] = busy_once
    got = fetch(server.url("/sdn.csv"), tmp_path / "sdn.csv", retries=3, backoff=0.01, timeout=5)
    assert got.status == "downloaded" and (tmp_path / "sdn.csv").read_bytes() == BODY
    assert server.count("/sdn.csv") == 2


def test_5xx_every_time(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/down"] = lambda h, n: h.send_body(b"", status=502)
    with pytest.raises(FetchError) as info:
        fetch(server.url("/down"), tmp_path / "down", retries=3, backoff=0.01, timeout=5)
    assert info.value.problem == "HTTP 502 Bad Gateway (gave up after 3 attempts)"
    assert server.count("/down") == 3


def test_429_honours_retry_after(server: LocalServer, tmp_path: Path) -> None:
    def limited(handler: Handler, attempt: int) -> None:
        if attempt == 1:
            handler.send_body(b"slow down", status=429, headers={"Retry-After": "1"})
        else:
            handler.send_body(BODY)

    server.routes["/sdn.csv"] = limited
    start = time.monotonic()
    got = fetch(server.url("/sdn.csv"), tmp_path / "sdn.csv", retries=2, backoff=0.01, timeout=5)
    assert got.status == "downloaded"
    assert time.monotonic() - start >= 0.9  # waited as told, not the 0.01 s backoff
    assert server.count("/sdn.csv") == 2


def test_403_is_not_retried(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/secret"] = lambda h, n: h.send_body(b"no", status=403)
    with pytest.raises(FetchError, match="HTTP 403 Forbidden"):
        fetch(server.url("/secret"), tmp_path / "secret", retries=3, backoff=0.01, timeout=5)
    assert server.count("/secret") == 1


# --- time-outs and unreachable servers ------------------------------------------


def test_slow_server_times_out(server: LocalServer, tmp_path: Path) -> None:
    def slow(handler: Handler, attempt: int) -> None:
        time.sleep(1.0)
        handler.send_body(BODY)

    server.routes["/slow"] = slow
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(server.url("/slow"), tmp_path / "slow", timeout=0.2, retries=2, backoff=0.01)
    assert "no answer from 127.0.0.1 within 0.2 s" in info.value.problem
    assert time.monotonic() - start < 2.0
    assert _leftovers(tmp_path) == []


def test_server_stalls_mid_body(server: LocalServer, tmp_path: Path) -> None:
    def stall(handler: Handler, attempt: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(BODY)))
        handler.end_headers()
        handler.wfile.write(BODY[:2000])
        handler.wfile.flush()
        time.sleep(1.0)

    server.routes["/stall"] = stall
    with pytest.raises(FetchError, match=r"stopped sending after 2\.0 kB"):
        fetch(server.url("/stall"), tmp_path / "stall", timeout=0.2, retries=1, backoff=0.01)
    assert _leftovers(tmp_path) == []


def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="refused the connection"):
        fetch(f"http://127.0.0.1:{port}/sdn.csv", tmp_path / "sdn.csv", retries=2, backoff=0.01, timeout=5)
    assert _leftovers(tmp_path) == []


# --- size limit ------------------------------------------------------------------


def test_max_bytes_announced(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/huge"] = lambda h, n: h.send_body(BODY)
    with pytest.raises(FetchError, match=r"over the 1\.0 kB limit"):
        fetch(server.url("/huge"), tmp_path / "huge", max_bytes=1000, retries=3, backoff=0.01, timeout=5)
    assert server.count("/huge") == 1  # refusing is final, not retried
    assert _leftovers(tmp_path) == []


def test_max_bytes_without_content_length(server: LocalServer, tmp_path: Path) -> None:
    def unannounced(handler: Handler, attempt: int) -> None:
        handler.send_response(200)  # HTTP/1.0, no Content-Length: the body ends when the connection does
        handler.end_headers()
        handler.wfile.write(BODY)

    server.routes["/huge"] = unannounced
    with pytest.raises(FetchError, match="limit"):
        fetch(server.url("/huge"), tmp_path / "huge", max_bytes=1000, backoff=0.01, timeout=5)
    assert _leftovers(tmp_path) == []


# --- local files -------------------------------------------------------------------


def test_file_url_and_plain_path(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    source = mirror / "consolidated.xml"
    source.write_bytes(BODY)
    out = tmp_path / "out"

    got = fetch(source.as_uri(), out / "a.xml")
    assert got.status == "downloaded" and got.path == out / "a.xml"
    assert (out / "a.xml").read_bytes() == BODY
    assert got.sha256 == hashlib.sha256(BODY).hexdigest() and got.size == len(BODY)
    assert got.last_modified == email.utils.formatdate(source.stat().st_mtime, usegmt=True)

    plain = fetch(str(source), out / "b.xml")
    assert plain.status == "downloaded" and (out / "b.xml").read_bytes() == BODY

    unchanged = fetch(source.as_uri(), out / "c.xml", last_modified=got.last_modified)
    assert unchanged.status == "not_modified" and not (out / "c.xml").exists()
    assert _leftovers(out) == ["a.xml", "b.xml"]


def test_local_file_problems(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such file"):
        fetch((tmp_path / "absent.csv").as_uri(), tmp_path / "x.csv")
    big = tmp_path / "big.csv"
    big.write_bytes(BODY)
    with pytest.raises(FetchError, match="limit"):
        fetch(str(big), tmp_path / "copy.csv", max_bytes=10)
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(BODY)[:-20])
    with pytest.raises(FetchError, match="gzip"):
        fetch(str(broken), tmp_path / "copy.csv.gz")
    with pytest.raises(FetchError, match="ftp://"):
        fetch("ftp://example.org/sdn.csv", tmp_path / "copy.csv")
    assert _leftovers(tmp_path) == ["big.csv", "broken.csv.gz"]


def test_no_temp_file_left_when_the_progress_callback_aborts(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/sdn.csv"] = _conditional

    def stop(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(server.url("/sdn.csv"), tmp_path / "sdn.csv", progress=stop, backoff=0.01, timeout=5)
    assert _leftovers(tmp_path) == []
    assert os.listdir(tmp_path) == []
