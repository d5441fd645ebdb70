"""``compliance screen``: screen a name, or a file of names, against every list in force."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli._output import console, err_console, progress_bar
from compliance.cli.lists import ready_database
from compliance.errors import UsageError
from compliance.matching.types import Query
from compliance.screening import service


def _building() -> None:
    err_console.print("Building the screening index for the list versions in force (once per version)…")


def screen(
    name: str | None = typer.Argument(None, help="The name to screen (omit with --input)."),
    entity_type: str = typer.Option(
        "any", "--type", help="What the name is: person, company, vessel, aircraft or any."
    ),
    country: str | None = typer.Option(None, "--country", help="Country (ISO code such as CN, or a name)."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD."),
    identifier: str | None = typer.Option(
        None, "--id", help="An identifier: IMO, passport or registration number."
    ),
    lists: str | None = typer.Option(
        None, "--lists", help="Only these lists, comma-separated source keys (see: compliance lists sources)."
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Lowest score shown, 0 to 1 (default: the engine's documented threshold)."
    ),
    limit: int = typer.Option(10, "--limit", help="Most hits shown per name."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    input_file: Path | None = typer.Option(
        None, "--input", help="Batch: a CSV with columns id,name and optionally type,country,dob,identifier."
    ),
    output_file: Path | None = typer.Option(
        None, "--output", help="Batch: where to write the hits (.csv or .jsonl)."
    ),
    workers: int = typer.Option(1, "--workers", help="Batch: processes to use (up to the number of cores)."),
    save: bool = typer.Option(
        False,
        "--save",
        help="Record the screening (query, list versions, algorithm, threshold, hits) for audit.",
    ),
    explain: str | None = typer.Option(
        None, "--explain", help="Show the full score breakdown against one list entry (its list_ref)."
    ),
) -> None:
    """Screen a name (or a CSV file of names) against every sanctions list in force.

    Each hit shows its score, band (exact / strong / possible), the matched name, the list,
    program, listing date and the list's own reference, and why it matched.
    """
    if output_format not in ("table", "json"):
        raise UsageError("--format must be table or json.")
    keys = lists.split(",") if lists else None
    ready_database()
    if input_file is not None or output_file is not None:
        if name:
            raise UsageError("Give either a NAME or --input, not both.")
        if input_file is None or output_file is None:
            raise UsageError("Batch screening needs both --input FILE.csv and --output FILE.(csv|jsonl).")
        _batch(input_file, output_file, threshold, limit, workers, keys, save)
        return
    if not name:
        raise UsageError("Give a NAME to screen, or --input FILE.csv --output FILE.csv.")
    query = service.make_query(name, entity_type, country, dob, identifier, keys)
    if explain:
        _explain(query, explain, output_format)
        return
    result = service.screen(query, threshold=threshold, limit=limit, save=save, on_build=_building)
    if output_format == "json":
        print(
            json.dumps(
                {
                    "query": name,
                    "threshold": result.threshold,
                    "algorithm": result.algorithm,
                    "list_versions": result.list_versions,
                    "run_id": result.run_id,
                    "hits": [service.hit_record(h) for h in result.hits],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    versions = ", ".join(f"{k} v{v}" for k, v in sorted(result.list_versions.items()))
    if not result.hits:
        console.print(
            f"No hit for {name!r} at threshold {result.threshold:.2f} "
            f"({result.algorithm}; lists: {versions}).",
            markup=False,
            soft_wrap=True,
        )
    else:
        table = Table("score", "band", "matched name", "list", "program", "listed", "ref", "why")
        for hit in result.hits:
            entry = hit.entry
            table.add_row(
                f"{hit.score:.2f}",
                hit.band,
                entry.name,
                entry.sublist or entry.source,
                ", ".join(entry.programs),
                entry.listed_on or "-",
                f"{entry.source}:{entry.ref}",
                hit.explanation,
            )
        console.print(table)
        console.print(
            f"{len(result.hits)} hit(s) at threshold {result.threshold:.2f} "
            f"({result.algorithm}; lists: {versions}).",
            markup=False,
            soft_wrap=True,
        )
    if result.run_id is not None:
        console.print(f"Saved as screening run {result.run_id}.")


def _explain(query: Query, ref: str, output_format: str) -> None:
    hits = service.explain(query, ref, on_build=_building)
    if output_format == "json":
        print(json.dumps([service.hit_record(h) for h in hits], indent=2, ensure_ascii=False))
        return
    for hit in hits:
        entry = hit.entry
        console.print(
            f"{query.name!r} against {entry.source}:{entry.ref} {entry.name!r}: "
            f"score {hit.score:.3f} ({hit.band or 'below threshold'})",
            markup=False,
            soft_wrap=True,
        )
        table = Table("feature", "weight", "score", "detail")
        for feature in hit.features:
            table.add_row(feature.name, f"{feature.weight:g}", f"{feature.score:.3f}", feature.detail)
        console.print(table)
        console.print(hit.explanation, markup=False, soft_wrap=True)


def _batch(
    input_file: Path,
    output_file: Path,
    threshold: float | None,
    limit: int,
    workers: int,
    keys: list[str] | None,
    save: bool,
) -> None:
    with progress_bar("Screening") as bar:
        summary = service.screen_batch(
            input_file,
            output_file,
            threshold=threshold,
            limit=limit,
            workers=workers,
            lists=keys,
            save=save,
            progress=lambda n: bar.update(bar.task_ids[0], completed=n),
            on_build=_building,
        )
    console.print(
        f"Screened {summary.screened:,} of {summary.rows:,} rows: {summary.with_hits:,} with hits, "
        f"{summary.hits:,} hits in all. Written to {summary.output}.",
        markup=False,
        soft_wrap=True,
    )
    for problem in summary.problems[:20]:
        err_console.print(f"  not screened: {problem}", markup=False)
    if len(summary.problems) > 20:
        err_console.print(f"  ... and {len(summary.problems) - 20:,} more rows not screened.", markup=False)
    if summary.run_id is not None:
        console.print(f"Saved as screening run {summary.run_id}.")
