"""``compliance audit``: export the append-only audit trail."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from compliance.cli._output import err_console
from compliance.cli.lists import ready_database
from compliance.monitoring import audit

app = typer.Typer(
    help="The audit trail: every list load, screening, alert and decision, who and when.",
    no_args_is_help=True,
)


@app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", help="csv or json."),
    since: str | None = typer.Option(
        None, "--since", help="Only records from this date (YYYY-MM-DD, UTC) or time (YYYY-MM-DDTHH:MM)."
    ),
    output: Path | None = typer.Option(None, "--output", help="Write to this file instead of the screen."),
) -> None:
    """Export the audit records (read only: no command edits or deletes one)."""
    start = audit.parse_since(since)
    ready_database()
    if output is None:
        audit.export(fmt, sys.stdout, start)
        return
    count = audit.export(fmt, output, start)
    err_console.print(f"{count:,} audit record(s) written to {output}.", markup=False)
