"""Download list files for ``compliance lists refresh``.

``fetch(url, dest)`` gets one file and either puts it, complete, at ``dest``
or leaves ``dest`` as it was. Its rules:

- A conditional GET (``If-None-Match`` / ``If-Modified-Since``) answered with
  304 returns status "not_modified" and touches nothing.
- The body is streamed into a temporary file beside ``dest`` and renamed over
  ``dest`` (``os.replace``) only once it is complete; the SHA-256 is computed
  on the way. A transfer is incomplete when fewer bytes arrive than
  Content-Length announced, when the connection drops mid-body, or when a
  gzip file (or a gzip-encoded transfer) does not decode to its end.
- Network errors, timeouts, incomplete transfers, 408, 429 and 5xx are tried
  again after an exponential backoff (or the server's Retry-After, capped);
  other 4xx answers, a file over ``max_bytes`` and bad addresses are not.
- When every attempt fails, ``FetchError(url, problem)`` says why in one line
  a compliance officer understands.
- ``file://`` URLs and plain local paths are copied the same way (offline
  mirrors); their modification time plays the part of Last-Modified.
"""

from __future__ import annotations

import email.utils
import hashlib
import http
import http.client
import os
import socket
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import requests
import urllib3.exceptions

from compliance import __version__, settings
from compliance.errors import FetchError

USER_AGENT = f"compliance/{__version__} (+sanctions list refresh)"

# Bytes read from the network (or a local file) at a time.
CHUNK_SIZE = 256 * 1024
# Longest wait a server's Retry-After may impose before the next attempt, in seconds.
RETRY_AFTER_CAP = 300.0
# Statuses worth another attempt besides 5xx.
_RETRY_STATUSES = frozenset({408, 429})
# File types that are already compressed: ask the server not to encode them
# again, so that the file saved is the file published.
_COMPRESSED_SUFFIXES = (".gz", ".tgz", ".zip", ".xlsx", ".bz2", ".xz", ".7z")
_GZIP_MAGIC = b"\x1f\x8b"
# Largest piece of decompressed output held at once while checking a gzip file.
_INFLATE_STEP = 1 << 20

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Fetched:
    """What one fetch did."""

    url: str
    status: str  # "downloaded" | "not_modified"
    path: Path | None  # the downloaded file (None when not_modified)
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int | None


class _Retry(Exception):
    """An attempt failed in a way another attempt may fix."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


def fetch(
    url: str,
    dest: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = settings.HTTP_TIMEOUT,
    retries: int = settings.HTTP_RETRIES,
    backoff: float = settings.HTTP_BACKOFF,
    max_bytes: int = settings.HTTP_MAX_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
) -> Fetched:
    """Download ``url`` to ``dest``, or report that it has not changed.

    ``etag`` and ``last_modified`` are the values a previous fetch returned;
    given, they make the request conditional. ``timeout`` is the longest wait,
    in seconds, for a connection or for the next piece of data. ``retries`` is
    the number of attempts in all (at least one); the waits between them are
    ``backoff``, 2 x ``backoff``, 4 x ``backoff``... ``progress`` is called as
    ``progress(bytes_so_far, total_or_None)`` while the file arrives.

    Raises ``FetchError`` when the file cannot be had.
    """
    dest = Path(dest)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_http(url, dest, etag, last_modified, timeout, retries, backoff, max_bytes, progress)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(url, "a file:// address must point at a file on this computer")
        return _copy_local(url, Path(url2pathname(parts.path)), dest, last_modified, max_bytes, progress)
    if scheme == "" or (len(scheme) == 1 and os.name == "nt"):  # a plain path (C:\... on Windows)
        return _copy_local(url, Path(url).expanduser(), dest, last_modified, max_bytes, progress)
    raise FetchError(url, f"cannot download {scheme}:// addresses (use http, https, file or a local path)")


# --- HTTP -------------------------------------------------------------------


def _fetch_http(
    url: str,
    dest: Path,
    etag: str | None,
    last_modified: str | None,
    timeout: float,
    retries: int,
    backoff: float,
    max_bytes: int,
    progress: Progress | None,
) -> Fetched:
    headers = {"User-Agent": USER_AGENT}
    if urlsplit(url).path.lower().endswith(_COMPRESSED_SUFFIXES):
        headers["Accept-Encoding"] = "identity"
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    attempts = max(1, retries)
    problem = "no attempt was made"
    with requests.Session() as session:
        for attempt in range(1, attempts + 1):
            try:
                return _attempt(
                    session, url, dest, headers, etag, last_modified, timeout, max_bytes, progress
                )
            except _Retry as failure:
                problem = failure.problem
                if attempt < attempts:
                    delay = failure.wait if failure.wait is not None else backoff * 2 ** (attempt - 1)
                    time.sleep(max(0.0, delay))
    if attempts > 1:
        problem = f"{problem} (gave up after {attempts} attempts)"
    raise FetchError(url, problem)


def _attempt(
    session: requests.Session,
    url: str,
    dest: Path,
    headers: dict[str, str],
    etag: str | None,
    last_modified: str | None,
    timeout: float,
    max_bytes: int,
    progress: Progress | None,
) -> Fetched:
    try:
        response = session.get(url, headers=headers, timeout=timeout, stream=True)
    except requests.RequestException as exc:
        raise _request_problem(url, exc, timeout) from exc
    with response:
        status = response.status_code
        if status == 304 and (etag or last_modified):
            return Fetched(
                url=url,
                status="not_modified",
                path=None,
                etag=response.headers.get("ETag") or etag,
                last_modified=response.headers.get("Last-Modified") or last_modified,
                sha256=None,
                size=None,
            )
        if status in _RETRY_STATUSES or status >= 500:
            raise _Retry(_status_text(response), _retry_after(response))
        if status != 200:
            raise FetchError(url, _status_text(response))
        sha256, size = _save_body(url, response, dest, timeout, max_bytes, progress)
        return Fetched(
            url=url,
            status="downloaded",
            path=dest,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            sha256=sha256,
            size=size,
        )


def _save_body(
    url: str,
    response: requests.Response,
    dest: Path,
    timeout: float,
    max_bytes: int,
    progress: Progress | None,
) -> tuple[str, int]:
    announced = _content_length(response)
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    encoded = encoding not in ("", "identity")
    # With a content encoding, Content-Length counts the compressed bytes.
    if announced is not None and not encoded and announced > max_bytes:
        raise FetchError(url, _too_big(max_bytes, announced))
    sink = _Sink(url, dest, max_bytes, None if encoded else announced, progress)
    try:
        try:
            for chunk in _body_chunks(response):
                sink.write(chunk)
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
        ) as exc:
            raise _body_problem(exc, _received(response, sink.size), announced, timeout) from exc
        received = _received(response, sink.size)
        if announced is not None and received < announced:
            raise _Retry(f"the server closed the connection after {_size(received)} of {_size(announced)}")
        if not sink.gzip_complete:
            raise _Retry(f"the gzip file arrived damaged or incomplete ({_size(sink.size)} received)")
        return sink.commit()
    finally:
        sink.discard()


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body, content-decoded, in pieces as they arrive.

    ``read1`` (urllib3 2) hands over whatever has arrived instead of waiting
    for a full chunk, so the byte count in a "stopped after ..." message is
    exact; older urllib3 falls back to fixed-size reads.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    if read1 is None:
        yield from response.iter_content(CHUNK_SIZE)
        return
    while chunk := read1(CHUNK_SIZE, decode_content=True):
        yield chunk


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None:
        return None
    try:
        length = int(value.strip())
    except ValueError:
        return None
    return length if length >= 0 else None


def _received(response: requests.Response, fallback: int) -> int:
    """Bytes taken off the wire (before any content decoding)."""
    tell = getattr(response.raw, "tell", None)
    if callable(tell):
        try:
            value = tell()
        except (OSError, ValueError):
            return fallback
        if isinstance(value, int):
            return value
    return fallback


def _status_text(response: requests.Response) -> str:
    reason = response.reason
    if not reason:
        try:
            reason = http.HTTPStatus(response.status_code).phrase
        except ValueError:
            reason = ""
    return f"HTTP {response.status_code} {reason}".rstrip()


def _retry_after(response: requests.Response) -> float | None:
    """The server's Retry-After in seconds (capped), or None when absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, the ones it wraps, and theirs (requests nests urllib3's errors)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)


def _is_timeout(exc: BaseException) -> bool:
    for cause in _causes(exc):
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            continue  # urllib3 files a failed connection under time-outs; it is not one
        if isinstance(cause, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)):
            return True
    return False


def _request_problem(url: str, exc: requests.RequestException, timeout: float) -> Exception:
    """What went wrong before any answer arrived: a ``_Retry`` or a final ``FetchError``."""
    host = urlsplit(url).hostname or url
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return FetchError(url, "the address is not a valid web address")
    if isinstance(exc, requests.exceptions.InvalidSchema):
        return FetchError(url, "the address type is not supported")
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return FetchError(url, "the server redirected too many times")
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchError(url, f"the secure connection to {host} failed (certificate or TLS problem)")
    causes = list(_causes(exc))
    if any(isinstance(c, (urllib3.exceptions.NameResolutionError, socket.gaierror)) for c in causes):
        return _Retry(f"the server name {host} could not be found")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return _Retry(f"{host} refused the connection")
    if _is_timeout(exc):
        return _Retry(f"no answer from {host} within {timeout:g} s")
    if any(isinstance(c, (http.client.RemoteDisconnected, urllib3.exceptions.ProtocolError)) for c in causes):
        return _Retry(f"{host} closed the connection before answering")
    if isinstance(exc, requests.ConnectionError):
        return _Retry(f"could not connect to {host}")
    return _Retry(f"the request failed ({type(exc).__name__})")


def _body_problem(exc: BaseException, received: int, announced: int | None, timeout: float) -> _Retry:
    """What went wrong while the body was arriving."""
    of = f" of {_size(announced)}" if announced is not None else ""
    if _is_timeout(exc):
        return _Retry(f"the server stopped sending after {_size(received)}{of} (nothing for {timeout:g} s)")
    if any(
        isinstance(c, (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError))
        for c in _causes(exc)
    ):
        return _Retry(f"the compressed transfer could not be decoded after {_size(received)}{of}")
    return _Retry(f"the server closed the connection after {_size(received)}{of}")


# --- local files ------------------------------------------------------------


def _copy_local(
    url: str,
    source: Path,
    dest: Path,
    last_modified: str | None,
    max_bytes: int,
    progress: Progress | None,
) -> Fetched:
    try:
        info = source.stat()
    except FileNotFoundError:
        raise FetchError(url, "no such file") from None
    except OSError as exc:
        raise FetchError(url, f"cannot read the file ({exc.strerror or exc})") from exc
    if not source.is_file():
        raise FetchError(url, "this is a folder, not a file")
    stamp = email.utils.formatdate(info.st_mtime, usegmt=True)
    if last_modified and last_modified == stamp:
        return Fetched(url, "not_modified", None, None, stamp, None, None)
    if info.st_size > max_bytes:
        raise FetchError(url, _too_big(max_bytes, info.st_size))
    sink = _Sink(url, dest, max_bytes, info.st_size, progress)
    try:
        try:
            with open(source, "rb") as fh:
                while chunk := fh.read(CHUNK_SIZE):
                    sink.write(chunk)
        except OSError as exc:
            raise FetchError(url, f"cannot read the file ({exc.strerror or exc})") from exc
        if not sink.gzip_complete:
            raise FetchError(url, "the gzip file is damaged or incomplete")
        sha256, size = sink.commit()
    finally:
        sink.discard()
    return Fetched(url, "downloaded", dest, None, stamp, sha256, size)


# --- writing ----------------------------------------------------------------


class _Sink:
    """A temporary file beside ``dest`` that becomes ``dest`` only on ``commit()``."""

    def __init__(
        self, url: str, dest: Path, max_bytes: int, total: int | None, progress: Progress | None
    ) -> None:
        self.url = url
        self.dest = dest
        self.max_bytes = max_bytes
        self.total = total
        self.progress = progress
        self.size = 0
        self._sha256 = hashlib.sha256()
        self._gzip = _GzipCheck()
        self._done = False
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        except OSError as exc:
            raise FetchError(url, f"cannot write in {dest.parent} ({exc.strerror or exc})") from exc
        self.temp = Path(name)
        self._file = os.fdopen(fd, "wb")

    @property
    def gzip_complete(self) -> bool:
        return self._gzip.complete

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise FetchError(self.url, _too_big(self.max_bytes, None))
        self._sha256.update(chunk)
        self._gzip.feed(chunk)
        try:
            self._file.write(chunk)
        except OSError as exc:
            raise FetchError(self.url, f"cannot write in {self.dest.parent} ({exc.strerror or exc})") from exc
        if self.progress is not None:
            self.progress(self.size, self.total)

    def commit(self) -> tuple[str, int]:
        """Make the file ``dest``; returns its SHA-256 (hex) and size."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.temp, self.dest)
        except OSError as exc:
            raise FetchError(self.url, f"cannot write {self.dest} ({exc.strerror or exc})") from exc
        self._done = True
        return self._sha256.hexdigest(), self.size

    def discard(self) -> None:
        """Remove the temporary file unless it was committed (safe to call twice)."""
        if not self._file.closed:
            self._file.close()
        if not self._done:
            self.temp.unlink(missing_ok=True)
            self._done = True


class _GzipCheck:
    """Tells whether a stream that starts like gzip decodes to its very end.

    Bytes that do not start with the gzip signature are not checked. The
    decompressed output is thrown away as it comes, so memory stays small.
    """

    def __init__(self) -> None:
        self._head = b""
        self._state = "unknown"  # unknown | plain | gzip | trailing | broken
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @property
    def complete(self) -> bool:
        if self._state == "gzip":
            return self._inflater.eof
        return self._state in ("unknown", "plain", "trailing")

    def feed(self, chunk: bytes) -> None:
        if self._state == "unknown":
            self._head += chunk
            if len(self._head) < len(_GZIP_MAGIC):
                return
            if not self._head.startswith(_GZIP_MAGIC):
                self._state, self._head = "plain", b""
                return
            self._state, chunk, self._head = "gzip", self._head, b""
        if self._state != "gzip":
            return
        try:
            self._inflate(chunk)
        except zlib.error:
            self._state = "broken"

    def _inflate(self, data: bytes) -> None:
        while data:
            if self._inflater.eof:
                # Another member of a concatenated gzip file, or padding after the end.
                if not data.startswith(_GZIP_MAGIC[:1]):
                    self._state = "trailing"
                    return
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._inflater.decompress(data, _INFLATE_STEP)
            # At the end of a member the rest of the input is in unused_data.
            data = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail


# --- wording ----------------------------------------------------------------


def _size(n: int) -> str:
    """A byte count as people read it: 950 bytes, 1.2 MB."""
    if n < 1000:
        return f"{n} bytes"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if round(n / scale, 1) < 1000 or unit == "GB":
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"  # pragma: no cover


def _too_big(limit: int, announced: int | None) -> str:
    what = f"the file is {_size(announced)}" if announced is not None else "the file is larger than that"
    return f"{what}, over the {_size(limit)} limit (COMPLIANCE_HTTP_MAX_BYTES)"
