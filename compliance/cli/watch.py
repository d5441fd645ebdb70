"""``compliance watch``: the counterparties monitored against every list change."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli._output import console, progress_bar, when
from compliance.cli.lists import ready_database
from compliance.monitoring import service
from compliance.monitoring.service import AlertCounts

app = typer.Typer(
    help="Watch counterparties: screened at once, then again whenever a list changes.",
    no_args_is_help=True,
)


def alerts_text(counts: AlertCounts) -> str:
    """'2 new alerts (1 back after a false positive); 3 suppressed by false-positive decisions'."""
    new = len(counts.new)
    text = f"{new:,} new alert{'s' if new != 1 else ''}"
    if counts.returned:
        text += f" ({counts.returned:,} back after a false positive, the data having changed)"
    if counts.suppressed:
        text += f"; {counts.suppressed:,} suppressed by false-positive decisions on unchanged data"
    if counts.already:
        text += f"; {counts.already:,} already alerted"
    return text


@app.command("add")
def add(
    counterparty: str = typer.Argument(
        ..., help="The counterparty's name, or one of your entities (its id or exact name)."
    ),
    ref: str | None = typer.Option(None, "--ref", help="Your own customer id; adding it again updates it."),
    entity_type: str | None = typer.Option(
        None, "--type", help="person, company, organization, vessel or aircraft."
    ),
    country: str | None = typer.Option(None, "--country", help="Country (ISO code or name)."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth, YYYY, YYYY-MM or YYYY-MM-DD."),
) -> None:
    """Watch a counterparty. It is screened at once against every list in force (onboarding)."""
    ready_database()
    result = service.watch_add(counterparty, ref=ref, entity_type=entity_type, country=country, dob=dob)
    cp = result.counterparty
    label = f"{cp.name} ({cp.ref or f'#{cp.id}'})"
    if result.status == "unchanged":
        console.print(f"{label} is already watched with these facts; nothing to do.", markup=False)
        return
    linked = f", linked to entity #{cp.entity_id}" if cp.entity_id else ""
    console.print(f"Watching {label}{linked} ({result.status}).", markup=False)
    if result.screened:
        console.print(f"  Onboarding screening: {alerts_text(result.alerts)}.", markup=False)
    else:
        console.print("  No list is loaded yet: it will be screened when lists are loaded.", markup=False)
    if result.alerts.new:
        console.print("  Review: compliance alerts list --status open", markup=False)


@app.command("import")
def import_file(
    path: Path = typer.Argument(
        ..., help="CSV file with the columns ref,name and optionally type,country,dob."
    ),
) -> None:
    """Watch every row of a CSV file; new and changed rows are screened at once.

    All or nothing: a bad row imports nothing and is named by its row number.
    """
    ready_database()
    with progress_bar("Screening counterparties") as bar:

        def moved(done: int, total: int) -> None:
            bar.update(bar.task_ids[0], completed=done, total=total)

        result = service.watch_import(path, progress=moved)
    console.print(
        f"{path.name}: {result.rows:,} rows; {result.added:,} added, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged.",
        markup=False,
    )
    if result.lists_loaded:
        console.print(
            f"  Onboarding screening of {result.screened:,}: {alerts_text(result.alerts)}.", markup=False
        )
    else:
        console.print("  No list is loaded yet: they will be screened when lists are loaded.", markup=False)


@app.command("list")
def list_watched(
    include_removed: bool = typer.Option(False, "--all", help="Also show counterparties no longer watched."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """The watched counterparties."""
    ready_database()
    rows = service.watch_list(include_removed)
    if fmt == "json":
        print(
            json.dumps(
                [
                    {
                        "id": cp.id,
                        "ref": cp.ref,
                        "name": cp.name,
                        "type": cp.entity_type,
                        "country": cp.country,
                        "dob": cp.dob,
                        "entity_id": cp.entity_id,
                        "active": cp.active,
                        "added_at": cp.added_at.isoformat(),
                        "removed_at": cp.removed_at.isoformat() if cp.removed_at else None,
                    }
                    for cp in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if fmt != "table":
        raise typer.BadParameter("use table or json", param_hint="--format")
    table = Table("id", "ref", "name", "type", "country", "dob", "entity", "watched since")
    for cp in rows:
        since = when(cp.added_at) if cp.active else f"removed {when(cp.removed_at)}"
        table.add_row(
            str(cp.id),
            cp.ref or "",
            cp.name,
            cp.entity_type or "",
            cp.country or "",
            cp.dob or "",
            f"#{cp.entity_id}" if cp.entity_id else "",
            since,
        )
    console.print(table)
    console.print(f"{sum(1 for cp in rows if cp.active):,} watched.", markup=False)


@app.command("remove")
def remove(
    counterparty: str = typer.Argument(
        ..., help="The counterparty's ref, or #ID from compliance watch list."
    ),
    note: str | None = typer.Option(None, "--note", help="Why it is no longer watched (kept for audit)."),
) -> None:
    """Stop watching a counterparty. Its alerts and history are kept."""
    ready_database()
    cp = service.watch_remove(counterparty, note=note)
    console.print(f"No longer watching {cp.name} ({cp.ref or f'#{cp.id}'}).", markup=False)
