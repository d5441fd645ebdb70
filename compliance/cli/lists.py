"""``compliance lists``: load, refresh and inspect the official sanctions lists."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli._output import console, err_console, progress_bar, when
from compliance.db.session import describe_url
from compliance.lists import history as history_service
from compliance.lists import loader
from compliance.lists import refresh as refresh_service
from compliance.lists.sources import all_sources, format_duration, get_source

app = typer.Typer(help="Load, refresh and inspect the official sanctions lists.", no_args_is_help=True)


def ready_database() -> None:
    """Create the database on first use; refuse an outdated one."""
    from compliance.db.schema import SCHEMA_HEAD, schema_version

    if schema_version() == SCHEMA_HEAD:
        return
    from compliance.db import migrate  # Alembic is only needed to create or upgrade

    if migrate.ensure_current():
        err_console.print(f"Created a new database at {describe_url()}.", markup=False)


def _print_result(result: loader.LoadResult) -> None:
    if result.status == "unchanged":
        console.print(
            f"{result.source}: identical to version {result.version} already loaded; nothing to do.",
            markup=False,
        )
        return
    date_text = f", list date {result.published_on}" if result.published_on else ""
    console.print(
        f"{result.source}: version {result.version} loaded ({result.format}, {result.mode}{date_text}): "
        f"{result.record_count:,} entries; {result.added:,} added, {result.removed:,} removed, "
        f"{result.changed:,} changed, {result.unchanged:,} unchanged.",
        markup=False,
    )
    for part in result.missing_parts:
        console.print(f"  not supplied: {part} (the previous version's data is kept for it)", markup=False)
    for note in result.notes:
        console.print(f"  note: {note}", markup=False)
    if result.problems:
        console.print(f"  {len(result.problems):,} part(s) of the file could not be read:", markup=False)
        for problem in result.problems[:20]:
            console.print(f"    {problem}", markup=False)
        if len(result.problems) > 20:
            console.print(
                f"    ... and {len(result.problems) - 20:,} more (see: compliance lists history "
                f"{result.source} --version {result.version})",
                markup=False,
            )


@app.command("sources")
def sources() -> None:
    """List the configured list sources: what each is, its format and schedule."""
    table = Table("source", "title", "format", "refresh", "licence")
    for source in all_sources().values():
        table.add_row(
            source.key,
            source.title,
            " / ".join(source.formats),
            format_duration(source.refresh_every) if source.downloads else "manual",
            source.licence,
        )
    console.print(table)


@app.command("load")
def load(
    source: str = typer.Argument(..., help="Source key, e.g. ofac_sdn (see: compliance lists sources)."),
    path: Path = typer.Argument(..., help="A list file, or a folder holding the list's files."),
    fmt: str | None = typer.Option(
        None, "--format", help="Format of the file, when it cannot be told from the file itself."
    ),
    partial: bool = typer.Option(
        False,
        "--partial",
        help="The file is an excerpt: skip the minimum-size check and delist nothing that is absent.",
    ),
    list_date: datetime | None = typer.Option(
        None,
        "--list-date",
        formats=["%Y-%m-%d"],
        help="Publication date of the list, for files that do not state one (YYYY-MM-DD).",
    ),
) -> None:
    """Load a list from local files as a new version (offline)."""
    from compliance.lists.lock import refresh_lock

    config = get_source(source)
    ready_database()
    with refresh_lock(), progress_bar(f"Reading {source}") as bar:
        result = loader.load(
            config,
            path,
            fmt=fmt,
            partial=partial,
            list_date=list_date.date() if list_date else None,
            progress=lambda n: bar.update(bar.task_ids[0], completed=n),
        )
    _print_result(result)
    if result.status == "loaded":
        _monitor()


def _monitor() -> None:
    """Re-screen the watched counterparties against what the new version(s) added or changed."""
    from compliance.cli.monitor import run_after_list_change  # monitor imports this module

    run_after_list_change()


@app.command("refresh")
def refresh(
    sources: list[str] = typer.Argument(
        None, help="Sources to refresh (default: every source with an address)."
    ),
    due: bool = typer.Option(False, "--due", help="Only the sources whose schedule says they are due."),
    force: bool = typer.Option(False, "--force", help="Download again even if the server says unchanged."),
) -> None:
    """Download the lists from their official addresses and load what changed."""
    ready_database()
    with progress_bar("Downloading") as bar:

        def started(cfg: object) -> None:
            bar.update(bar.task_ids[0], description=f"Downloading {getattr(cfg, 'key', '')}", completed=0)

        def moved(done: int, total: int | None) -> None:
            bar.update(bar.task_ids[0], completed=done, total=total)

        outcomes = refresh_service.refresh(
            sources or [], due_only=due, force=force, on_start=started, progress=moved
        )
    if not outcomes:
        console.print("No list is due for a refresh." if due else "No list to refresh.")
        return
    failed = 0
    for outcome in outcomes:
        if outcome.status == "failed":
            failed += 1
            err_console.print(f"{outcome.source}: FAILED: {outcome.error}", markup=False, soft_wrap=True)
            if outcome.hint:
                err_console.print(f"  Hint: {outcome.hint}", markup=False)
            if outcome.version_in_force is not None:
                err_console.print(
                    f"  Version {outcome.version_in_force} stays in force; nothing was changed.", markup=False
                )
            else:
                err_console.print("  No version of this list is loaded yet.", markup=False)
        elif outcome.status == "not_modified":
            console.print(f"{outcome.source}: unchanged on the server since the last refresh.", markup=False)
        elif outcome.result is not None:
            _print_result(outcome.result)
    if any(o.result is not None and o.result.status == "loaded" for o in outcomes):
        _monitor()
    if failed:
        raise typer.Exit(1)


@app.command("status")
def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Each source: version in force, list date, entries, last success, stale or not."""
    ready_database()
    rows = refresh_service.status()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "source": r.key,
                        "version": r.version,
                        "list_date": r.list_date,
                        "loaded_at": r.loaded_at.isoformat() if r.loaded_at else None,
                        "last_success_at": r.last_success_at.isoformat() if r.last_success_at else None,
                        "entries": r.entries,
                        "delisted": r.delisted,
                        "stale": r.stale,
                        "due": r.due,
                        "mode": r.mode,
                        "last_error": r.last_error,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    table = Table("source", "version", "list date", "entries", "delisted", "last success", "state")
    for r in rows:
        if not r.loaded:
            state = "not loaded"
        elif r.stale:
            state = f"STALE (refresh every {r.refresh_every})"
        else:
            state = "current"
        if r.mode == "partial":
            state += ", excerpt"
        if r.last_error:
            state += ", last attempt failed"
        table.add_row(
            r.key,
            str(r.version or "-"),
            r.list_date or "-",
            f"{r.entries:,}",
            f"{r.delisted:,}",
            when(r.last_success_at),
            state,
        )
    console.print(table)
    for r in rows:
        if r.last_error:
            console.print(f"{r.key}: last attempt failed: {r.last_error}", markup=False, soft_wrap=True)


@app.command("history")
def history(
    source: str = typer.Argument(..., help="Source key."),
    version: int | None = typer.Option(None, "--version", help="Show one version in full."),
) -> None:
    """Every version of a list loaded: when, from where, checksum, counts and diff counts."""
    get_source(source)
    ready_database()
    if version is not None:
        snap = history_service.version(source, version)
        console.print(f"{source} version {snap.version}", markup=False)
        for label, value in (
            ("loaded", f"{when(snap.loaded_at)} by {snap.loaded_by}"),
            ("fetched", when(snap.fetched_at)),
            ("list date", snap.published_on or "not stated in the file"),
            ("origin", snap.origin),
            ("format", f"{snap.format} ({snap.mode})"),
            ("sha256", snap.sha256),
            ("entries", f"{snap.record_count:,}"),
            ("diff", f"{snap.added:,} added, {snap.removed:,} removed, {snap.changed:,} changed"),
        ):
            console.print(f"  {label:<10} {value}", markup=False)
        for f in snap.files:
            console.print(
                f"  file       {f.get('name')} sha256 {str(f.get('sha256'))[:16]}… {f.get('size'):,} bytes",
                markup=False,
            )
        for note in snap.notes:
            console.print(f"  note       {note}", markup=False)
        for problem in snap.problems:
            console.print(f"  problem    {problem}", markup=False)
        return
    table = Table(
        "version", "loaded", "list date", "entries", "added", "removed", "changed", "sha256", "origin"
    )
    for snap in history_service.versions(source):
        table.add_row(
            str(snap.version),
            when(snap.loaded_at),
            str(snap.published_on or "-"),
            f"{snap.record_count:,}",
            f"{snap.added:,}",
            f"{snap.removed:,}",
            f"{snap.changed:,}",
            snap.sha256[:12],
            snap.origin,
        )
    console.print(table)


@app.command("diff")
def diff(
    source: str = typer.Argument(..., help="Source key."),
    version: int | None = typer.Option(None, "--version", help="Version to show (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    limit: int = typer.Option(50, "--limit", help="Lines per kind of change in the table (JSON shows all)."),
) -> None:
    """What a version changed: entries added, removed (delisted), changed and relisted."""
    get_source(source)
    ready_database()
    report = history_service.diff(source, version)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    snap = report.snapshot
    console.print(
        f"{source} version {snap.version} ({snap.published_on or 'no list date'}) "
        "against the version before: "
        f"{len(report.added):,} added, {len(report.removed):,} removed, {len(report.changed):,} changed, "
        f"{len(report.relisted):,} relisted.",
        markup=False,
    )
    for label, lines in (
        ("added", report.added),
        ("removed", report.removed),
        ("relisted", report.relisted),
        ("changed", report.changed),
    ):
        if not lines:
            continue
        last = {"changed": "what changed", "removed": "delisted on"}.get(label, "listed on")
        table = Table("ref", "name", "list / programs", last, title=label)
        for line in lines[:limit]:
            where = line.sublist or ""
            if line.programs:
                where = f"{where} [{', '.join(line.programs)}]".strip()
            detail = {
                "changed": ", ".join(line.fields),
                "removed": line.delisted_on or "",
            }.get(label, line.listed_on or "")
            table.add_row(line.ref, line.name, where, detail)
        console.print(table)
        if len(lines) > limit:
            console.print(f"... and {len(lines) - limit:,} more {label} (use --limit or --json).")
