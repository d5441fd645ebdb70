"""Loading a version of a list: parse -> verify -> diff -> apply.

The whole file is parsed and checked (count assertions, readable records)
before the database is touched; the changes are then written in one
transaction together with the new snapshot. Any failure leaves the version in
force untouched. An input identical (by SHA-256) to the version in force is a
no-op.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from compliance import __version__, settings
from compliance.db import lists_repo
from compliance.db.lists_repo import Change, VersionPlan
from compliance.db.session import session_scope
from compliance.domain import ListRecord, ParseReport
from compliance.errors import CountAssertionError, ListDataError, UsageError
from compliance.lists.formats import ListFormat, get_format
from compliance.lists.sources import SourceConfig

# Fields compared to tell whether an entry changed (the original text is kept
# but not compared: a re-encoded file with the same facts is not a change).
_COMPARED = (
    "name",
    "entity_type",
    "names",
    "programs",
    "sublist",
    "listed_on",
    "listed_until",
    "identifiers",
    "addresses",
    "countries",
    "dates",
    "places_of_birth",
    "relations",
    "remarks",
    "properties",
)

ProgressFn = Callable[[int], None]


@dataclass
class LoadResult:
    source: str
    status: str  # "loaded" | "unchanged"
    version: int | None
    record_count: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    published_on: date | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_parts: list[str] = field(default_factory=list)
    format: str = ""
    mode: str = "full"


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__}")


_SMALL_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """Dataclasses, dates and sets to plain JSON types (faster than dataclasses.asdict)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if dataclasses.is_dataclass(value):
        names = _SMALL_FIELDS.get(type(value))
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(value))
            _SMALL_FIELDS[type(value)] = names
        return {name: _plain(getattr(value, name)) for name in names}
    raise TypeError(f"cannot store a {type(value).__name__} in a list record")


def record_to_dict(record: ListRecord) -> dict[str, Any]:
    """The stored form of a record: plain JSON types, dates as ISO strings."""
    data: dict[str, Any] = _plain(record)
    data.pop("incomplete", None)
    data.pop("delete", None)
    data["name"] = record.primary_name
    return data


def record_hash(data: dict[str, Any]) -> str:
    compared = {key: data.get(key) for key in _COMPARED}
    blob = json.dumps(compared, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [key for key in _COMPARED if old.get(key) != new.get(key)]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def choose_format(source: SourceConfig, path: Path, fmt: str | None) -> tuple[str, ListFormat]:
    """The parser for ``path``: the one asked for, else the first of the source's that fits."""
    if fmt:
        if fmt not in source.formats:
            raise UsageError(
                f"The list {source.key} is not published as {fmt!r}.",
                hint=f"Formats for {source.key}: {', '.join(source.formats)}.",
            )
        return fmt, get_format(fmt)
    if not path.exists():
        raise UsageError(f"{path} does not exist.")
    if path.is_file():
        for name in source.formats:
            module = get_format(name)
            if module.sniff(path):
                return name, module
        return source.format, get_format(source.format)
    for name in source.formats:
        module = get_format(name)
        try:
            module.input_files(path)
        except ListDataError:
            continue
        return name, module
    raise ListDataError(
        str(path), f"no file of the {source.key} list ({', '.join(source.formats)}) was found in this folder"
    )


@dataclass(slots=True)
class _Parsed:
    """A record in its stored form; the parser's objects are not kept, to save memory."""

    data: dict[str, Any]
    incomplete: frozenset[str]
    delete: bool


def _parse_all(
    source: SourceConfig, module: ListFormat, path: Path, report: ParseReport, progress: ProgressFn | None
) -> dict[str, _Parsed]:
    records: dict[str, _Parsed] = {}
    iterator: Iterator[ListRecord] = module.parse(path, report)
    for count, record in enumerate(iterator, start=1):
        if not record.ref:
            report.problems.append(f"entry {count}: no reference; skipped")
            continue
        if record.ref in records and not record.delete:
            report.problems.append(
                f"entry {record.ref}: appears more than once; the later occurrence was kept"
            )
        if not record.delete and not record.names:
            report.problems.append(f"entry {record.ref}: has no name; skipped")
            continue
        records[record.ref] = _Parsed(
            {} if record.delete else record_to_dict(record), record.incomplete, record.delete
        )
        if progress and count % 500 == 0:
            progress(count)
    return records


def load(
    source: SourceConfig,
    path: Path,
    *,
    fmt: str | None = None,
    partial: bool = False,
    origin: str | None = None,
    fetched_at: datetime | None = None,
    file_meta: dict[str, dict[str, Any]] | None = None,
    url: str | None = None,
    progress: ProgressFn | None = None,
    actor: str | None = None,
    enforce_counts: bool = True,
    list_date: date | None = None,
) -> LoadResult:
    """Load the list file(s) at ``path`` as the new version of ``source``.

    ``partial``: the file is a deliberate excerpt; the minimum count is not
    enforced and entries absent from it are not delisted.
    ``enforce_counts``: False only for the shipped demo samples, which stand
    for whole lists but are a few entries long.
    ``list_date``: the list's publication date, for files that do not
    print one (OFAC's CSV files); a date inside the file wins.
    ``file_meta``: per file name, what the download learnt (url, etag,
    last_modified), stored with the snapshot for conditional refreshes.
    """
    fmt_name, module = choose_format(source, path, fmt)
    files = module.input_files(path)
    file_rows = []
    combined = hashlib.sha256()
    for file in files:
        digest = file_digest(file)
        combined.update(f"{file.name.lower()}:{digest}\n".encode())
        row: dict[str, Any] = {"name": file.name, "sha256": digest, "size": file.stat().st_size}
        row.update((file_meta or {}).get(file.name, {}))
        file_rows.append(row)
    sha256 = combined.hexdigest()

    with session_scope() as session:
        latest = lists_repo.latest_snapshot(session, source.key)
        if latest is not None and latest.sha256 == sha256:
            source_id = lists_repo.ensure_source(session, source.key, source.title, source.authority)
            lists_repo.mark_checked(session, source_id, success=True)
            return LoadResult(
                source=source.key,
                status="unchanged",
                version=latest.version,
                record_count=latest.record_count,
                published_on=latest.published_on,
                format=latest.format,
                mode=latest.mode,
            )

    # Parse fully, outside any transaction.
    report = ParseReport()
    records = _parse_all(source, module, path, report, progress)
    if report.published is None and list_date is not None:
        report.published = list_date
    mode = report.mode
    if mode == "full" and partial:
        mode = "partial"
    live = [r for r in records.values() if not r.delete]
    if not enforce_counts:
        report.notes.append("demo sample: the list's size checks were not applied")
    elif mode == "full":
        if source.min_records is not None and len(live) < source.min_records:
            raise CountAssertionError(source.key, len(live), source.min_records, source.max_records)
        if source.max_records is not None and len(live) > source.max_records:
            raise CountAssertionError(source.key, len(live), source.min_records, source.max_records)
    elif source.max_records is not None and len(live) > source.max_records:
        raise CountAssertionError(source.key, len(live), None, source.max_records)
    if mode != "delta" and not live:
        raise ListDataError(str(path), "the file holds no list entries; nothing was changed")

    actor = actor or settings.ACTOR
    with session_scope() as session:
        source_id = lists_repo.ensure_source(session, source.key, source.title, source.authority)
        current = lists_repo.current_entries(session, source_id)
        plan = _plan(records, current, mode)
        snapshot_id = lists_repo.create_snapshot(
            session,
            source_id,
            {
                "format": fmt_name,
                "mode": mode,
                "origin": origin or url or str(path),
                "files": file_rows,
                "sha256": sha256,
                "fetched_at": fetched_at or datetime.now(UTC),
                "published_on": report.published,
                "record_count": len(live),
                "added": len(plan.added) + len(plan.relisted),
                "removed": len(plan.removed),
                "changed": len(plan.changed),
                "unchanged": plan.unchanged,
                "problems": report.problems,
                "notes": report.notes + [f"missing: {part}" for part in report.missing_parts],
                "tool_version": __version__,
                "loaded_by": actor,
            },
        )
        delisted_on = report.published or datetime.now(UTC).date()
        lists_repo.apply_version(session, source_id, snapshot_id, plan, delisted_on)
        lists_repo.mark_checked(session, source_id, success=True)
        version = lists_repo.latest_snapshot(session, source.key)
        assert version is not None
        lists_repo.add_audit(
            session,
            actor,
            "list.load",
            "list_snapshot",
            f"{source.key}#{version.version}",
            {
                "origin": origin or url or str(path),
                "format": fmt_name,
                "mode": mode,
                "sha256": sha256,
                "records": len(live),
                "added": version.added,
                "removed": version.removed,
                "changed": version.changed,
                "problems": len(report.problems),
            },
            {source.key: version.version},
        )
    return LoadResult(
        source=source.key,
        status="loaded",
        version=version.version,
        record_count=len(live),
        added=version.added,
        removed=version.removed,
        changed=version.changed,
        unchanged=version.unchanged,
        published_on=report.published,
        problems=report.problems,
        notes=report.notes,
        missing_parts=report.missing_parts,
        format=fmt_name,
        mode=mode,
    )


def _plan(records: dict[str, _Parsed], current: dict[str, lists_repo.CurrentEntry], mode: str) -> VersionPlan:
    plan = VersionPlan()
    for ref, record in records.items():
        existing = current.get(ref)
        if record.delete:
            if existing is not None and existing.active:
                plan.removed.append(
                    Change(
                        ref=ref,
                        record=existing.record,
                        record_hash=existing.record_hash,
                        designation_id=existing.designation_id,
                        entity_id=existing.entity_id,
                        previous=existing.record,
                    )
                )
            continue
        data = record.data
        if existing is not None:
            # What this input could not supply is taken from the version in force.
            for name in record.incomplete:
                if name in existing.record:
                    data[name] = existing.record[name]
        digest = record_hash(data)
        change = Change(ref=ref, record=data, record_hash=digest)
        if existing is None:
            plan.added.append(change)
            continue
        change.designation_id = existing.designation_id
        change.entity_id = existing.entity_id
        if not existing.active:
            change.previous = existing.record
            change.fields = changed_fields(existing.record, data)
            plan.relisted.append(change)
        elif digest != existing.record_hash:
            change.previous = existing.record
            change.fields = changed_fields(existing.record, data)
            plan.changed.append(change)
        else:
            plan.unchanged += 1
    if mode == "full":
        for ref, existing in current.items():
            if existing.active and ref not in records:
                plan.removed.append(
                    Change(
                        ref=ref,
                        record=existing.record,
                        record_hash=existing.record_hash,
                        designation_id=existing.designation_id,
                        entity_id=existing.entity_id,
                        previous=existing.record,
                    )
                )
    return plan
