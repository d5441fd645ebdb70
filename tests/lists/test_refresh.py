"""Refreshing over real HTTP from a local server on 127.0.0.1: conditional GET, failures, lock, due."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from compliance import settings
from compliance.db import lists_repo
from compliance.db.session import session_scope
from compliance.errors import LockedError
from compliance.lists import refresh as refresh_service
from compliance.lists.lock import refresh_lock
from compliance.lists.sources import all_sources

from .test_loader import table_counts


class ListServer:
    """Serves one file with ETag/Last-Modified; can drop the connection or send a web page."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.mode = "ok"  # ok | drop | html
        self.requests: list[dict[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                etag = '"' + hashlib.sha256(server.body).hexdigest()[:16] + '"'
                server.requests.append({"if_none_match": self.headers.get("If-None-Match")})
                if server.mode == "html":
                    page = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Wed, 01 Nov 2023 10:00:00 GMT")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                if server.mode == "drop":
                    self.wfile.write(server.body[: len(server.body) // 3])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(server.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/dpl.txt"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ListServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


SOURCE_YAML = """\
key: test_dpl
title: Test Denied Persons List
authority: Test authority
format: bis_dpl
urls:
  - {{url: "{url}", file: dpl.txt}}
refresh_every: 6h
count: {{min: 2, max: 1000}}
licence: test data written for these tests
"""


@pytest.fixture
def server(samples: Path) -> Iterator[ListServer]:
    with ListServer((samples / "bis_dpl" / "dpl.txt").read_bytes()) as srv:
        yield srv


@pytest.fixture
def lists_dir(tmp_path: Path, server: ListServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "test_dpl.yml").write_text(SOURCE_YAML.format(url=server.url), encoding="utf-8")
    monkeypatch.setattr(settings, "LISTS_DIR", folder)
    monkeypatch.setenv("COMPLIANCE_LISTS_DIR", str(folder))
    monkeypatch.setattr(settings, "HTTP_BACKOFF", 0.01)
    assert list(all_sources()) == ["test_dpl"]
    return folder


def test_refresh_then_not_modified_then_changed(sqlite_db: str, lists_dir: Path, server: ListServer) -> None:
    [first] = refresh_service.refresh()
    assert first.status == "loaded" and first.result is not None
    assert first.result.version == 1 and first.result.added == first.result.record_count
    kept = list((settings.DOWNLOAD_DIR / "test_dpl").glob("*/dpl.txt"))
    assert len(kept) == 1 and kept[0].read_bytes() == server.body

    before = table_counts()
    [second] = refresh_service.refresh()
    assert second.status == "not_modified"
    assert server.requests[-1]["if_none_match"] is not None
    assert table_counts() == before

    # The server publishes a new version without its last row.
    lines = server.body.decode("utf-8").splitlines(keepends=True)
    server.body = "".join(lines[:-1]).encode("utf-8")
    [third] = refresh_service.refresh()
    assert third.status == "loaded" and third.result is not None
    assert third.result.version == 2
    assert third.result.removed + third.result.changed >= 1
    assert len(list((settings.DOWNLOAD_DIR / "test_dpl").glob("*/dpl.txt"))) == 2


def test_dropped_connection_changes_nothing(sqlite_db: str, lists_dir: Path, server: ListServer) -> None:
    [ok] = refresh_service.refresh()
    assert ok.status == "loaded"
    before = table_counts()
    server.body = server.body + b"\n"  # a new version, so the download is not skipped
    server.mode = "drop"
    [failed] = refresh_service.refresh()
    assert failed.status == "failed"
    assert failed.error and "closed the connection" in failed.error
    assert table_counts()["designations"] == before["designations"]
    assert table_counts()["list_snapshots"] == before["list_snapshots"]
    with session_scope() as session:
        state = lists_repo.source_state(session, "test_dpl")
    assert state is not None and state.last_error and "closed the connection" in state.last_error
    # No half-downloaded file is left behind.
    assert len(list((settings.DOWNLOAD_DIR / "test_dpl").glob("*/*"))) == 1


def test_error_page_instead_of_data(sqlite_db: str, lists_dir: Path, server: ListServer) -> None:
    server.mode = "html"
    [failed] = refresh_service.refresh()
    assert failed.status == "failed"
    assert failed.error and "web page" in failed.error
    assert table_counts()["designations"] == 0


def test_due_follows_the_schedule(sqlite_db: str, lists_dir: Path, server: ListServer) -> None:
    assert [s.key for s in refresh_service.select_sources([], due_only=True)] == ["test_dpl"]
    refresh_service.refresh(due_only=True)
    assert refresh_service.select_sources([], due_only=True) == []
    later = datetime.now(UTC) + timedelta(hours=6, minutes=1)
    assert [s.key for s in refresh_service.select_sources([], due_only=True, now=later)] == ["test_dpl"]
    [row] = refresh_service.status()
    assert (row.key, row.version, row.stale, row.due) == ("test_dpl", 1, False, False)
    [stale] = refresh_service.status(now=datetime.now(UTC) + timedelta(hours=19))
    assert stale.stale and stale.due


def test_failed_source_is_retried_after_an_hour(sqlite_db: str, lists_dir: Path, server: ListServer) -> None:
    server.mode = "html"
    refresh_service.refresh()
    now = datetime.now(UTC)
    assert refresh_service.select_sources([], due_only=True, now=now + timedelta(minutes=5)) == []
    assert refresh_service.select_sources([], due_only=True, now=now + timedelta(minutes=61))


def test_two_refreshes_never_run_at_once(sqlite_db: str, lists_dir: Path) -> None:
    with refresh_lock(), pytest.raises(LockedError, match="already running"):
        refresh_service.refresh()
    # The lock is free again afterwards.
    with refresh_lock():
        pass


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_cli_refresh_failure_is_one_clear_line(
    sqlite_db: str, lists_dir: Path, server: ListServer, tmp_path: Path
) -> None:
    env = {
        "COMPLIANCE_LISTS_DIR": str(lists_dir),
        "COMPLIANCE_DATABASE_URL": sqlite_db,
        "COMPLIANCE_DATA_DIR": str(tmp_path / "cli-data"),
        "COMPLIANCE_HTTP_BACKOFF": "0.01",
    }
    ok = _cli("lists", "refresh", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "test_dpl: version 1 loaded" in ok.stdout
    again = _cli("lists", "refresh", "--due", env=env)
    assert again.returncode == 0 and "No list is due" in again.stdout

    server.body += b"\n"
    server.mode = "drop"
    failed = _cli("lists", "refresh", env=env)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "test_dpl: FAILED:" in failed.stderr
    assert "Version 1 stays in force; nothing was changed." in failed.stderr

    status = _cli("lists", "status", env=env)
    assert status.returncode == 0
    assert "last attempt failed" in status.stdout
