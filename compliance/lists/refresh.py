"""Refreshing lists from their official addresses, and what is due or stale.

A refresh downloads each file of a source (conditionally: an unchanged file
costs one request and no transfer), keeps the downloaded version in its own
folder, and loads it through the loader, under the refresh lock. A failure
for one source is recorded on it and does not stop the others.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from compliance import settings
from compliance.db import lists_repo
from compliance.db.session import session_scope
from compliance.errors import ComplianceError, UsageError
from compliance.lists import loader
from compliance.lists.lock import refresh_lock
from compliance.lists.sources import SourceConfig, all_sources, format_duration, get_source

# After a failed attempt, a due-only refresh tries again after this long (or
# the source's own interval, if shorter).
RETRY_AFTER_FAILURE = timedelta(hours=1)


@dataclass
class RefreshOutcome:
    source: str
    status: str  # loaded | unchanged | not_modified | failed
    result: loader.LoadResult | None = None
    error: str | None = None
    hint: str | None = None
    # On failure: the version still in force, if any.
    version_in_force: int | None = None


@dataclass(frozen=True)
class StatusRow:
    key: str
    title: str
    loaded: bool
    version: int | None
    list_date: str | None
    loaded_at: datetime | None
    last_success_at: datetime | None
    last_checked_at: datetime | None
    entries: int
    delisted: int
    stale: bool
    due: bool
    last_error: str | None
    refresh_every: str
    mode: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def is_due(source: SourceConfig, state: lists_repo.SourceState | None, now: datetime) -> bool:
    if not source.downloads:
        return False
    if state is None or state.last_checked_at is None:
        return True
    failed_last = state.last_error_at is not None and (
        state.last_success_at is None or state.last_error_at >= state.last_success_at
    )
    if failed_last and state.last_error_at is not None:
        return now - state.last_error_at >= min(source.refresh_every, RETRY_AFTER_FAILURE)
    return now - state.last_checked_at >= source.refresh_every


def is_stale(source: SourceConfig, state: lists_repo.SourceState | None, now: datetime) -> bool:
    """No successful load or check within the source's ``stale_after``."""
    if state is None or state.last_success_at is None:
        return True
    return now - state.last_success_at > source.stale_after


def status(now: datetime | None = None) -> list[StatusRow]:
    now = now or _now()
    rows = []
    with session_scope() as session:
        for source in all_sources().values():
            state = lists_repo.source_state(session, source.key)
            latest = state.latest if state else None
            rows.append(
                StatusRow(
                    key=source.key,
                    title=source.title,
                    loaded=latest is not None,
                    version=latest.version if latest else None,
                    list_date=latest.published_on.isoformat() if latest and latest.published_on else None,
                    loaded_at=latest.loaded_at if latest else None,
                    last_success_at=state.last_success_at if state else None,
                    last_checked_at=state.last_checked_at if state else None,
                    entries=state.active_count if state else 0,
                    delisted=state.delisted_count if state else 0,
                    stale=latest is not None and is_stale(source, state, now),
                    due=is_due(source, state, now),
                    last_error=state.last_error if state else None,
                    refresh_every=format_duration(source.refresh_every),
                    mode=latest.mode if latest else None,
                )
            )
    return rows


def select_sources(keys: Sequence[str], due_only: bool, now: datetime | None = None) -> list[SourceConfig]:
    now = now or _now()
    if keys:
        chosen = [get_source(key) for key in keys]
        for source in chosen:
            if not source.downloads:
                raise UsageError(
                    f"The list {source.key} has no download address.",
                    hint=f"Load it from a file: compliance lists load {source.key} PATH",
                )
    else:
        chosen = [s for s in all_sources().values() if s.downloads]
    if due_only:
        with session_scope() as session:
            chosen = [s for s in chosen if is_due(s, lists_repo.source_state(session, s.key), now)]
    return chosen


def refresh(
    keys: Sequence[str] = (),
    *,
    due_only: bool = False,
    force: bool = False,
    on_start: Callable[[SourceConfig], None] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[RefreshOutcome]:
    """Refresh the named sources (all with an address when none is named)."""
    with refresh_lock():
        outcomes = []
        for source in select_sources(keys, due_only):
            if on_start:
                on_start(source)
            try:
                outcomes.append(_refresh_one(source, force=force, progress=progress))
            except ComplianceError as exc:
                with session_scope() as session:
                    source_id = lists_repo.ensure_source(session, source.key, source.title, source.authority)
                    lists_repo.mark_checked(session, source_id, success=False, error=str(exc))
                    lists_repo.add_audit(
                        session,
                        settings.ACTOR,
                        "list.refresh_failed",
                        "list_source",
                        source.key,
                        {"error": str(exc)},
                    )
                    latest = lists_repo.latest_snapshot(session, source.key)
                outcomes.append(
                    RefreshOutcome(
                        source.key,
                        "failed",
                        error=str(exc),
                        hint=exc.hint,
                        version_in_force=latest.version if latest else None,
                    )
                )
        return outcomes


def _refresh_one(
    source: SourceConfig, *, force: bool, progress: Callable[[int, int | None], None] | None
) -> RefreshOutcome:
    from compliance.lists.fetch import fetch  # requests is only needed when downloading

    with session_scope() as session:
        latest = lists_repo.latest_snapshot(session, source.key)
    known: dict[str, dict[str, Any]] = {}
    if latest is not None and not force:
        known = {str(row["url"]): row for row in latest.files if row.get("url")}
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    (settings.DOWNLOAD_DIR / source.key).mkdir(parents=True, exist_ok=True)
    # Downloads land in a private folder, renamed after the version once loaded.
    folder = Path(tempfile.mkdtemp(prefix=".download-", dir=settings.DOWNLOAD_DIR / source.key))
    keep = False
    try:
        results = []
        for download in source.downloads:
            prior = known.get(download.url, {})
            results.append(
                fetch(
                    download.url,
                    folder / download.file,
                    etag=prior.get("etag"),
                    last_modified=prior.get("last_modified"),
                    progress=progress,
                )
            )
        if all(r.status == "not_modified" for r in results):
            with session_scope() as session:
                source_id = lists_repo.ensure_source(session, source.key, source.title, source.authority)
                lists_repo.mark_checked(session, source_id, success=True)
            return RefreshOutcome(source.key, "not_modified")
        # A multi-file list needs every file of one version: fetch again, in
        # full, any that answered "not modified" while others changed.
        for index, (download, res) in enumerate(zip(source.downloads, results, strict=True)):
            if res.status == "not_modified":
                results[index] = fetch(download.url, folder / download.file, progress=progress)
        meta = {
            download.file: {"url": res.url, "etag": res.etag, "last_modified": res.last_modified}
            for download, res in zip(source.downloads, results, strict=True)
        }
        result = loader.load(
            source,
            folder,
            fmt=source.format,
            origin=", ".join(d.url for d in source.downloads),
            file_meta=meta,
            fetched_at=_now(),
        )
        if result.status == "loaded":
            kept = settings.DOWNLOAD_DIR / source.key / f"v{result.version:04d}-{stamp}"
            folder.rename(kept)
            keep = True
        if result.status == "unchanged":
            # Same content under new headers: remember them for the next conditional request.
            _remember_headers(source, meta)
        return RefreshOutcome(source.key, result.status, result=result)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _remember_headers(source: SourceConfig, meta: dict[str, dict[str, Any]]) -> None:
    with session_scope() as session:
        lists_repo.update_latest_files(session, source.key, meta)


def downloaded_folder(source_key: str) -> Path:
    return settings.DOWNLOAD_DIR / source_key
