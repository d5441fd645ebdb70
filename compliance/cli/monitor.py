"""``compliance monitor``: re-screen watched counterparties on demand; the alert digest."""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli._output import console, progress_bar
from compliance.cli.lists import ready_database
from compliance.cli.watch import alerts_text
from compliance.monitoring import digest as digest_service
from compliance.monitoring import service
from compliance.monitoring.audit import parse_since
from compliance.monitoring.service import MonitorResult

app = typer.Typer(
    help="Monitoring: re-screen watched counterparties on list changes; the alert digest.",
    no_args_is_help=True,
)


def summary_line(result: MonitorResult) -> str:
    """The one line a monitoring run ends with.

    "Monitoring: 1,000 watched counterparties re-screened against 1,304 new or
    changed entries: 5 new alerts."
    """
    if not result.entries:
        head = (
            f"Monitoring: {result.watched:,} watched counterparties; no new or changed list entries to screen"
        )
    else:
        head = (
            f"Monitoring: {result.screened:,} watched counterparties re-screened against "
            f"{result.entries:,} new or changed entries"
        )
    return f"{head}: {alerts_text(result.alerts)}."


def run_after_list_change() -> None:
    """What `compliance lists load` and `lists refresh` call after a version that changed something."""
    with progress_bar("Monitoring") as bar:

        def moved(done: int, total: int) -> None:
            bar.update(bar.task_ids[0], completed=done, total=total)

        result = service.after_list_change(progress=moved)
    if result.ran:
        console.print(summary_line(result), markup=False)


@app.command("run")
def run() -> None:
    """Re-screen every watched counterparty against what the lists changed since the last run.

    Also raises alerts for new enforcement actions and news mentions linked to a
    watched entity or to an entity that owns it. Never raises the same alert twice.
    """
    ready_database()
    with progress_bar("Monitoring") as bar:

        def moved(done: int, total: int) -> None:
            bar.update(bar.task_ids[0], completed=done, total=total)

        result = service.run(progress=moved)
    if not result.ran:
        console.print("Nobody is watched yet: add counterparties with compliance watch add or import.")
        return
    if result.snapshots:
        console.print(f"List versions since the last run: {', '.join(result.snapshots)}.", markup=False)
    console.print(summary_line(result), markup=False)


@app.command("digest")
def digest(
    since: str | None = typer.Option(
        None,
        "--since",
        help="Alerts raised from this date (YYYY-MM-DD) or time; default: since the last digest.",
    ),
    output: Path = typer.Option(Path("digest"), "--output", help="Folder for the HTML and text files."),
    send: bool = typer.Option(False, "--send", help="Also e-mail it (settings COMPLIANCE_SMTP_*)."),
) -> None:
    """Summarise the new alerts as HTML and plain text; --send e-mails them."""
    ready_database()
    start = parse_since(since)
    if start is None:
        start = digest_service.last_digest_at()
    result, paths, sent = digest_service.make(start, output, send)
    console.print(f"{result.subject}.", markup=False)
    for path in paths:
        console.print(f"  written: {path}", markup=False)
    if sent:
        console.print(f"  sent to: {', '.join(sent)}", markup=False)
