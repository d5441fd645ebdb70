"""Screening names against every list in force, one at a time or in batches.

The matching index is built from the database for the list versions in force
and kept on disk, named after those versions: the first screening after a
list changes builds it (a few seconds), every later one loads it (a fraction
of a second). A screening can be saved with the list versions, algorithm and
threshold it used, so that it can be reproduced and audited.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from compliance import __version__, settings
from compliance.db import lists_repo, screening_repo
from compliance.db.session import session_scope
from compliance.errors import ListDataError, NotFoundError, UsageError
from compliance.matching.engine import Matcher
from compliance.matching.types import Hit, IndexEntry, Query
from compliance.normalize.countries import country_code

ENTITY_TYPES = ("person", "company", "organization", "vessel", "aircraft")
_DOB = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Longest name accepted; longer input is refused with a clear message.
MAX_QUERY_CHARS = 1000
# Queries per task handed to a worker process in batch mode.
_CHUNK = 500


@dataclass(frozen=True)
class ScreenResult:
    query: Query
    hits: list[Hit]
    threshold: float
    algorithm: str
    list_versions: dict[str, int]
    run_id: int | None = None


@dataclass
class BatchSummary:
    rows: int = 0
    screened: int = 0
    with_hits: int = 0
    hits: int = 0
    problems: list[str] = field(default_factory=list)
    run_id: int | None = None
    output: Path | None = None


# ------------------------------------------------------------------ queries


def make_query(
    name: str,
    entity_type: str | None = None,
    country: str | None = None,
    dob: str | None = None,
    identifier: str | None = None,
    lists: Iterable[str] | None = None,
) -> Query:
    """A validated query; a mistake raises UsageError naming the field."""
    if name is None or not name.strip():
        raise UsageError("The name to screen is empty.")
    if len(name) > MAX_QUERY_CHARS:
        raise UsageError(
            f"The name is {len(name):,} characters long; at most {MAX_QUERY_CHARS:,} are screened."
        )
    kind = (entity_type or "").strip().lower() or None
    if kind == "any":
        kind = None
    if kind is not None and kind not in ENTITY_TYPES:
        raise UsageError(f"Unknown type {entity_type!r}: use person, company, vessel, aircraft or any.")
    code = None
    if country and country.strip():
        code = country_code(country.strip().upper() if len(country.strip()) == 2 else country)
        if code is None:
            raise UsageError(f"Unknown country {country!r}: give an ISO code such as CN or a country name.")
    if dob and dob.strip():
        dob = dob.strip()
        if not _DOB.match(dob):
            raise UsageError(f"Date of birth {dob!r} must be YYYY, YYYY-MM or YYYY-MM-DD.")
    else:
        dob = None
    keys = frozenset(k.strip() for k in lists or () if k.strip()) or None
    return Query(
        name=name.strip(),
        entity_type=kind,
        country=code,
        dob=dob,
        identifier=(identifier or "").strip() or None,
        lists=keys,
    )


# -------------------------------------------------------------------- index


def _index_dir() -> Path:
    return settings.DATA_DIR / "index"


def index_key(database_url: str, versions: dict[str, int]) -> str:
    blob = json.dumps([database_url, sorted(versions.items()), Matcher.ALGORITHM, __version__])
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _entries(rows: Iterable[screening_repo.ListedName]) -> Iterator[IndexEntry]:
    for row in rows:
        yield IndexEntry(**asdict(row))


def load_matcher(
    *, rebuild: bool = False, on_build: Callable[[], None] | None = None
) -> tuple[Matcher, dict[str, int], Path]:
    """The index for the list versions in force: loaded from disk, or built and saved."""
    url = settings.database_url()
    with session_scope() as session:
        versions = lists_repo.list_versions(session)
    if not versions:
        raise UsageError(
            "No list is loaded yet, so there is nothing to screen against.",
            hint=(
                "Load lists first: compliance lists refresh, compliance lists load SOURCE PATH, "
                "or compliance demo"
            ),
        )
    folder = _index_dir()
    path = folder / f"{index_key(url, versions)}.idx"
    if path.exists() and not rebuild:
        try:
            return Matcher.load(path), versions, path
        except Exception:  # a damaged or outdated file is rebuilt, never trusted
            path.unlink(missing_ok=True)
    if on_build:
        on_build()
    with session_scope() as session:
        matcher = Matcher.build(_entries(screening_repo.listed_names(session)))
    folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    matcher.save(temporary)
    os.replace(temporary, path)
    for old in folder.glob("*.idx"):
        if old != path:
            old.unlink(missing_ok=True)
    return matcher, versions, path


# ---------------------------------------------------------------- one name


def hit_record(hit: Hit) -> dict[str, Any]:
    """A hit as plain data (for JSON output and saved runs)."""
    entry = hit.entry
    return {
        "entity_id": entry.entity_id,
        "designation_id": entry.designation_id,
        "list": entry.source,
        "list_ref": entry.ref,
        "sublist": entry.sublist,
        "programs": list(entry.programs),
        "listed_on": entry.listed_on,
        "matched_name": entry.name,
        "name_kind": entry.name_kind,
        "entity_type": entry.entity_type,
        "score": round(hit.score, 4),
        "band": hit.band,
        "explanation": hit.explanation,
        "features": [asdict(f) for f in hit.features],
    }


def _query_record(query: Query) -> dict[str, Any]:
    data = asdict(query)
    data["lists"] = sorted(query.lists) if query.lists else None
    return data


def screen(
    query: Query,
    *,
    threshold: float | None = None,
    limit: int = 10,
    save: bool = False,
    on_build: Callable[[], None] | None = None,
) -> ScreenResult:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError("--threshold must be between 0 and 1.")
    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    matcher, versions, _ = load_matcher(on_build=on_build)
    used = matcher.DEFAULT_THRESHOLD if threshold is None else threshold
    hits = matcher.screen(query, threshold=used, limit=limit)
    run_id = None
    if save:
        run_id = save_run(
            "single",
            {"query": _query_record(query), "limit": limit},
            used,
            matcher,
            versions,
            [(None, h) for h in hits],
        )
    return ScreenResult(query, hits, used, matcher.ALGORITHM, versions, run_id)


def save_run(
    kind: str,
    query: dict[str, Any],
    threshold: float,
    matcher: Matcher,
    versions: dict[str, int],
    hits: Sequence[tuple[str | None, Hit]],
) -> int:
    rows = [
        screening_repo.HitRow(
            ref, h.entry.entity_id, h.entry.designation_id, h.entry.name, h.score, h.band, hit_record(h)
        )
        for ref, h in hits
    ]
    with session_scope() as session:
        run_id = screening_repo.save_run(
            session,
            actor=settings.ACTOR,
            kind=kind,
            query=query,
            algorithm=matcher.ALGORITHM,
            threshold=threshold,
            list_versions=versions,
            hits=rows,
        )
        lists_repo.add_audit(
            session,
            settings.ACTOR,
            "screening.saved",
            "screening_run",
            str(run_id),
            {"kind": kind, "hits": len(rows), "threshold": threshold, "algorithm": matcher.ALGORITHM},
            versions,
        )
    return run_id


def explain(query: Query, ref: str, *, on_build: Callable[[], None] | None = None) -> list[Hit]:
    """The full feature breakdown of ``query`` against the list entry ``ref`` (on each list holding it)."""
    matcher, _versions, _ = load_matcher(on_build=on_build)
    with session_scope() as session:
        ids = screening_repo.designation_ids_for_ref(session, ref, query.lists)
    if not ids:
        raise NotFoundError("list entry in force with reference", ref, hint="Use the list_ref a hit shows.")
    found = [matcher.explain(query, did) for did in ids]
    return [hit for hit in found if hit is not None]


def saved_run(run_id: int) -> screening_repo.SavedRun:
    with session_scope() as session:
        run = screening_repo.get_run(session, run_id)
    if run is None:
        raise NotFoundError("saved screening", str(run_id))
    return run


# ------------------------------------------------------------------- batch

OUTPUT_COLUMNS = [
    "query_id",
    "query_name",
    "rank",
    "entity_id",
    "list",
    "list_ref",
    "matched_name",
    "score",
    "band",
    "explanation",
]


@dataclass(frozen=True)
class _Row:
    line: int
    query_id: str
    name: str
    query: Query | None
    problem: str | None


def read_batch(path: Path, lists: Iterable[str] | None = None) -> Iterator[_Row]:
    """Rows of a batch CSV; a bad row is yielded with its problem, never raised."""
    if not path.is_file():
        raise UsageError(f"The input file {path} does not exist.")
    try:
        fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the with below
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in reader.fieldnames or []]
    except UnicodeDecodeError:
        raise ListDataError(str(path), "the file is not UTF-8 text") from None
    with fh:
        if "id" not in header or "name" not in header:
            raise ListDataError(str(path), "the first line must name the columns, with at least id and name")
        reader.fieldnames = header
        try:
            for row in reader:
                line = reader.line_num
                query_id = (row.get("id") or "").strip()
                name = (row.get("name") or "").strip()
                if None in row:
                    yield _Row(line, query_id, name, None, "more fields than columns")
                    continue
                try:
                    query = make_query(
                        name,
                        entity_type=row.get("type"),
                        country=row.get("country"),
                        dob=row.get("dob"),
                        identifier=row.get("identifier"),
                        lists=lists,
                    )
                except UsageError as exc:
                    yield _Row(line, query_id, name, None, str(exc))
                    continue
                yield _Row(line, query_id, name, query, None)
        except UnicodeDecodeError:
            raise ListDataError(str(path), f"line {reader.line_num + 1} is not UTF-8 text") from None
        except csv.Error as exc:
            raise ListDataError(str(path), f"line {reader.line_num}: {exc}") from None


_WORKER: Matcher | None = None


def _worker_init(path: str) -> None:
    global _WORKER
    _WORKER = Matcher.load(Path(path))


def _worker_screen(args: tuple[list[Query], float, int]) -> list[list[Hit]]:
    queries, threshold, limit = args
    assert _WORKER is not None
    return [_WORKER.screen(q, threshold=threshold, limit=limit) for q in queries]


def _screen_chunks(
    matcher: Matcher,
    index_path: Path,
    chunks: Iterable[list[Query]],
    threshold: float,
    limit: int,
    workers: int,
) -> Iterator[list[list[Hit]]]:
    if workers <= 1:
        for chunk in chunks:
            yield [matcher.screen(q, threshold=threshold, limit=limit) for q in chunk]
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_init, initargs=(str(index_path),)
    ) as pool:
        yield from pool.map(_worker_screen, ((chunk, threshold, limit) for chunk in chunks))


def screen_batch(
    input_path: Path,
    output_path: Path,
    *,
    threshold: float | None = None,
    limit: int = 10,
    workers: int = 1,
    lists: Iterable[str] | None = None,
    save: bool = False,
    progress: Callable[[int], None] | None = None,
    on_build: Callable[[], None] | None = None,
) -> BatchSummary:
    """Screen every row of a CSV; write one line per hit, and one empty line per query without hits."""
    suffix = output_path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise UsageError("The output file must end in .csv or .jsonl.")
    if workers < 1:
        raise UsageError("--workers must be at least 1.")
    rows = list(read_batch(input_path, lists))
    matcher, versions, index_path = load_matcher(on_build=on_build)
    used = matcher.DEFAULT_THRESHOLD if threshold is None else threshold
    summary = BatchSummary(rows=len(rows), output=output_path)
    good = [r for r in rows if r.query is not None]
    chunks = [[r.query for r in good[i : i + _CHUNK] if r.query] for i in range(0, len(good), _CHUNK)]
    results: dict[int, list[Hit]] = {}
    done = 0
    for start, chunk_hits in zip(
        range(0, len(good), _CHUNK),
        _screen_chunks(matcher, index_path, chunks, used, limit, workers),
        strict=True,
    ):
        for offset, hits in enumerate(chunk_hits):
            results[good[start + offset].line] = hits
        done += len(chunk_hits)
        if progress:
            progress(done)

    saved: list[tuple[str | None, Hit]] = []
    temporary = output_path.with_name(f".{output_path.name}.partial")
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(temporary, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, OUTPUT_COLUMNS) if suffix == ".csv" else None
        if writer:
            writer.writeheader()

        def emit(record: dict[str, Any]) -> None:
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

        for row in rows:
            base = {"query_id": row.query_id, "query_name": row.name}
            if row.problem is not None:
                summary.problems.append(f"row {row.line}: {row.problem}")
                emit(
                    base
                    | dict.fromkeys(OUTPUT_COLUMNS[2:], "")
                    | {"explanation": f"NOT SCREENED: {row.problem}"}
                )
                continue
            summary.screened += 1
            hits = results.get(row.line, [])
            if not hits:
                emit(base | dict.fromkeys(OUTPUT_COLUMNS[2:], ""))
                continue
            summary.with_hits += 1
            for rank, hit in enumerate(hits, start=1):
                summary.hits += 1
                saved.append((row.query_id, hit))
                emit(
                    base
                    | {
                        "rank": rank,
                        "entity_id": hit.entry.entity_id,
                        "list": hit.entry.source,
                        "list_ref": hit.entry.ref,
                        "matched_name": hit.entry.name,
                        "score": f"{hit.score:.4f}",
                        "band": hit.band,
                        "explanation": hit.explanation,
                    }
                )
    os.replace(temporary, output_path)
    if save:
        summary.run_id = save_run(
            "batch",
            {"input": str(input_path), "rows": summary.rows, "limit": limit},
            used,
            matcher,
            versions,
            saved,
        )
    return summary
