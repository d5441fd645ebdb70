"""A lock file so that two list refreshes or loads never run at once.

The operating system releases the lock when the process ends, even if it is
killed, so a crashed refresh never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from compliance import settings
from compliance.errors import LockedError


@contextmanager
def refresh_lock(path: Path | None = None) -> Iterator[None]:
    path = path or settings.lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown process"
            raise LockedError(holder) from None
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
